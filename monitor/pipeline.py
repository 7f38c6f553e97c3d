"""One poll cycle, the only place that knows the order of the stages:

feeds -> fetch (conditional) -> parse -> new? -> enrich (full text, report PDFs) -> story grouping
-> link -> decision + outbox row (one transaction) -> feed state saved -> notifier -> marked sent.

Feed state (ETag, Last-Modified) is saved only after that feed's items are stored: a crash in
between means the next poll fetches the items again instead of getting a 304 and losing them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from monitor.alerts import build_alert, thread_key, to_payload
from monitor.backoff import is_due, next_poll
from monitor.config.feeds import Feed
from monitor.deliver import DeliveryReport, deliver_pending
from monitor.domain.errors import FetchError, FetchHTTPError
from monitor.domain.item import FeedState, Item
from monitor.domain.watchlist import Watchlist
from monitor.fetch import Fetcher, FetchResult, Validators, make_client
from monitor.sources.read import Enriched, FeedRead, enrich, read_feed
from monitor.store.database import Store
from monitor.stories import StoryIndex
from notifiers.base import Notifier

if TYPE_CHECKING:  # the linker (and torch behind it) is loaded lazily, by the factory
    from matchers.linker import Linker
    from monitor.domain.assessment import Assessment

log = logging.getLogger(__name__)

STORY_WINDOW = dt.timedelta(days=14)  # syndicated copies arrive within days, not months
MAX_CONCURRENCY = 64  # requests in flight across all feeds
PER_HOST = 4  # requests in flight to one host: polite to publishers with several feeds


@asynccontextmanager
async def open_fetcher() -> AsyncIterator[Fetcher]:
    """One shared HTTP client (connection reuse) for a whole cycle, closed at its end."""
    async with make_client(max_connections=MAX_CONCURRENCY) as client:
        yield Fetcher(client, max_concurrency=MAX_CONCURRENCY, per_host=PER_HOST)


@dataclass(frozen=True)
class FeedOutcome:
    feed: str
    new_items: int = 0
    not_modified: bool = False
    error: str = ""
    problems: tuple[str, ...] = ()  # report PDFs or article pages that could not be read (items kept)


@dataclass(frozen=True)
class CycleReport:
    feeds: tuple[FeedOutcome, ...] = ()
    stored: int = 0
    linked: int = 0
    alerts: int = 0
    delivery: DeliveryReport = field(default_factory=DeliveryReport)

    @property
    def failed_feeds(self) -> tuple[FeedOutcome, ...]:
        return tuple(o for o in self.feeds if o.error)


@dataclass
class Pipeline:
    """Everything a cycle needs, passed in: the store, the linker (loaded lazily), notifier, clock."""

    store: Store
    watchlist: Watchlist
    linker: Callable[[], Linker]
    notifier: Notifier
    fetcher: Callable[[], AbstractAsyncContextManager[Fetcher]] = open_fetcher
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    rng: random.Random = field(default_factory=random.Random)
    reliefweb_appname: str | None = None
    _stories: StoryIndex | None = field(default=None, init=False, repr=False)  # built on first use

    def poll(self, feeds: Sequence[Feed], *, only_due: bool = False) -> CycleReport:
        """Fetch every (due) enabled feed, store and link what is new, send the alerts."""
        report = asyncio.run(self._collect(feeds, only_due))
        delivery = deliver_pending(self.store, self.notifier, self.clock)
        return replace(report, delivery=delivery)

    async def _collect(self, feeds: Sequence[Feed], only_due: bool) -> CycleReport:
        states = self.store.feed_states()
        now = self.clock()
        due = [f for f in feeds if f.enabled and (not only_due or is_due(_state(states, f).next_poll, now))]
        if not due:
            return CycleReport()
        async with self.fetcher() as fetcher:
            reads = await asyncio.gather(*(self._read(fetcher, f, _state(states, f)) for f in due))
            by_feed = {f.name: read for f, read in zip(due, reads, strict=True)}
            fresh = self.store.unseen(i for read in reads if isinstance(read, FeedRead) for i in read.items)
            feed_of = {f.name: f for f in due}
            enriched = await asyncio.gather(*(enrich(fetcher, feed_of[i.feed], i) for i in fresh))
        stored, linked, alerts = self._store([e.item for e in enriched])
        problems = _problems_by_feed(enriched)
        new = Counter(i.feed for i in fresh)
        recorded = [self._record(f, _state(states, f), by_feed[f.name], new[f.name], problems.get(f.name, ()))
                    for f in due]
        self.store.save_feed_states(state for _, state in recorded)
        return CycleReport(tuple(outcome for outcome, _ in recorded), stored, linked, alerts)

    async def _read(self, fetcher: Fetcher, feed: Feed, state: FeedState) -> FeedRead | FetchError:
        try:
            return await read_feed(fetcher, feed, Validators(state.etag, state.last_modified),
                                   reliefweb_appname=self.reliefweb_appname)
        except FetchError as exc:
            return exc
        except Exception as exc:  # a bug in one source must not stop the others; it is logged and counted
            log.exception("feed %s: unexpected error", feed.name)
            return FetchError("internal", f"{type(exc).__name__}: {exc}")

    def _store(self, items: list[Item]) -> tuple[int, int, int]:
        if not items:
            return 0, 0, 0
        assessments = self.linker().assess_many(items)
        try:
            return self._save(items, assessments)
        except BaseException:
            self._stories = None  # it may hold stories the rolled-back transaction never stored
            raise

    def _save(self, items: list[Item], assessments: list[Assessment]) -> tuple[int, int, int]:
        """One transaction for the cycle: every decision with its outbox row, or (after a crash) none;
        then the feeds' validators are not saved either, and the items come again next cycle."""
        now, stories = self.clock(), self._story_index()
        linked = alerts = 0
        with self.store.batch() as batch:
            for item, assessment in zip(items, assessments, strict=True):
                signature = stories.signature(f"{item.title}\n{item.summary}")
                story_key = stories.match_signature(signature)
                story_id = int(story_key) if story_key else None
                # A syndicated copy of a story that already alerted joins it (digest: "also reported by").
                alert = assessment.alert and not (story_id and batch.story_has_alert(story_id))
                payload = to_payload(build_alert(item, assessment, self.watchlist)) if alert else None
                item_id = batch.save_item(item, assessment, fetched_at=now, story_id=story_id,
                                          signature=signature, alert=payload, thread_key=thread_key(assessment))
                if story_id is None:
                    stories.add_signature(str(item_id), signature)
                linked += assessment.linked
                alerts += bool(payload)
        return len(items), linked, alerts

    def _story_index(self) -> StoryIndex:
        if self._stories is None:
            self._stories = StoryIndex()
            for story_id, signature in self.store.story_signatures(self.clock() - STORY_WINDOW):
                self._stories.add_signature(str(story_id), signature)
        return self._stories

    def _record(self, feed: Feed, state: FeedState, read: FeedRead | FetchError, new: int,
                problems: tuple[str, ...]) -> tuple[FeedOutcome, FeedState]:
        """What the cycle says of one feed, and its next state (validators, health, next poll)."""
        now = self.clock()
        if isinstance(read, FetchError):
            errors = state.error_count + 1
            failed = replace(state, last_attempt=now, last_error=str(read), error_count=errors,
                             next_poll=next_poll(now, feed.interval, error_count=errors, jitter=self.rng.random(),
                                                 retry_after=read_retry_after(read)))
            return FeedOutcome(feed.name, error=str(read)), failed
        result: FetchResult = read.result
        polled = replace(
            state, etag=result.validators.etag or state.etag,
            last_modified=result.validators.last_modified or state.last_modified,
            last_success=now, last_attempt=now, last_error="", error_count=0, items_seen=state.items_seen + new,
            next_poll=next_poll(now, feed.interval, error_count=0, jitter=self.rng.random(),
                                retry_after=result.retry_after, max_age=result.max_age))
        return FeedOutcome(feed.name, new_items=new, not_modified=result.not_modified, problems=problems), polled


def _problems_by_feed(enriched: Sequence[Enriched]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for e in enriched:
        if e.problems:
            log.warning("feed %s: item kept without its longer text: %s", e.item.feed, "; ".join(map(str, e.problems)))
            out[e.item.feed] = (*out.get(e.item.feed, ()), *map(str, e.problems))
    return out


def _state(states: dict[str, FeedState], feed: Feed) -> FeedState:
    return states.get(feed.name) or FeedState(name=feed.name)


def read_retry_after(error: FetchError) -> dt.timedelta | None:
    """A 429/503 may carry Retry-After; the fetcher puts it on the error when it does."""
    return error.retry_after if isinstance(error, FetchHTTPError) else None
