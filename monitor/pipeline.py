"""One poll cycle, the only place that knows the order of the stages:

feeds -> fetch (conditional) -> parse -> new? -> enrich (full text, report PDFs) -> queue -> link ->
story grouping -> decide -> decision + outbox row (one transaction) -> feed state saved -> outbox -> sent.

Each feed goes down that line as soon as its response arrives: its new items wait on a bounded
queue, are linked with whatever else has arrived meanwhile (a small batch, one embedding pass, off
the event loop so fetching goes on), stored, and their alerts posted while slower feeds are still
being fetched (`monitor.stream` is the plumbing). One slow feed delays no other feed's alert.

Feed state (ETag, Last-Modified) is saved only after that feed's items are stored: a crash in
between means the next poll fetches the items again instead of getting a 304 and losing them.

One bad item fails its feed, never the cycle. A batch is linked in one pass; only when that raises,
feed by feed and then item by item, and an item the linker raises on is recorded once as
unreadable. Each batch is saved in one transaction, each feed's items in a savepoint of it: a feed
that fails is undone alone, saved again item by item (an item that still cannot be saved is
recorded as unreadable), and marked failed (error counted, backoff); the other feeds' items stand.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TypeVar

from monitor.alerts import to_payload
from monitor.backoff import next_poll
from monitor.config.feeds import Feed
from monitor.decide import NEW_STORY, THREAD_WINDOW, Story, decide
from monitor.domain.assessment import Assessment
from monitor.domain.errors import FetchError, FetchHTTPError
from monitor.domain.item import FeedState, Item
from monitor.domain.watchlist import Watchlist
from monitor.outbox import DeliveryReport, deliver_pending
from monitor.store.database import Batch, Store, database_failed
from monitor.stream import Deliveries, stream
from notifiers.base import Notifier

if TYPE_CHECKING:
    # Loaded when first needed, so that a cycle with nothing due starts fast: the linker (torch) by
    # its factory; HTTP (httpx), the parsers (feedparser, pypdf, trafilatura) and the story index
    # (datasketch, scipy) by the functions below that use them.
    from matchers.linker import Linker
    from monitor.fetch import Fetcher, FetchResult
    from monitor.sources.read import Enriched, FeedRead
    from monitor.stories import StoryIndex

log = logging.getLogger(__name__)
T = TypeVar("T")

STORY_WINDOW = dt.timedelta(days=14)  # syndicated copies arrive within days, not months
# Requests in flight across all feeds. A cycle of N feeds takes at least N x latency / this: 1,000
# feeds at 100 ms, 0.8 s. Each response is capped (FetchLimits.max_bytes), and real feeds are small.
MAX_CONCURRENCY = 128
PER_HOST = 4  # requests in flight to one host: polite to publishers with several feeds
LINK_BATCH = 64  # items linked in one pass at most: throughput, yet the first alert waits on few others
QUEUED = 256  # feeds read and waiting to be linked at most; a slow linker holds back the readers


@asynccontextmanager
async def open_fetcher() -> AsyncIterator[Fetcher]:
    """One shared HTTP client (connection reuse) for a whole cycle, closed at its end."""
    from monitor.fetch import Fetcher, make_client

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


Linked = Assessment | Exception  # an assessment, or what the linker raised on the item


@dataclass(frozen=True)
class Arrival:
    """One feed's response as it came in: its read (or why not) and its new items, enriched."""

    feed: Feed
    state: FeedState
    read: FeedRead | FetchError
    enriched: Sequence[Enriched] = ()


@dataclass
class _Claimed:
    """The items taken by a feed earlier in this cycle (GUIDs and canonical URLs): a story two
    feeds carry under one URL is stored once, by the feed that answered first."""

    guids: set[tuple[str, str]] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)

    def take(self, items: Iterable[Item]) -> list[Item]:
        out = []
        for item in items:
            if (item.feed, item.guid) in self.guids or (item.url and item.url in self.urls):
                continue
            out.append(item)
            self.guids.add((item.feed, item.guid))
            if item.url:
                self.urls.add(item.url)
        return out


@dataclass(frozen=True)
class ItemStored:
    """What became of one new item in the store."""

    stored: bool = True
    linked: bool = False
    alerted: bool = False
    error: str = ""  # why the item fails its feed this cycle (unreadable, or not saved at all)


@dataclass(frozen=True)
class FeedStored:
    """What became of one feed's new items: counts, and the error that fails the feed this cycle."""

    stored: int = 0
    linked: int = 0
    alerts: int = 0
    error: str = ""

    @classmethod
    def of(cls, items: Sequence[ItemStored]) -> FeedStored:
        errors = [i.error for i in items if i.error]
        error = errors[0] if errors else ""
        if len(errors) > 1:
            error += f" (and {len(errors) - 1} more)"
        return cls(sum(i.stored for i in items), sum(i.linked for i in items), sum(i.alerted for i in items), error)


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
    _linker_works: bool = field(default=False, init=False, repr=False)  # it linked an item this cycle

    def poll(self, feeds: Sequence[Feed], *, only_due: bool = False) -> CycleReport:
        """Fetch every (due) enabled feed; as each answers, store and link what is new and send its alerts."""
        return asyncio.run(self._cycle(feeds, only_due))

    async def _cycle(self, feeds: Sequence[Feed], only_due: bool) -> CycleReport:
        async with Deliveries(lambda: deliver_pending(self.store, self.notifier, self.clock)) as deliveries:
            report = await self._collect(feeds, only_due, deliveries)
        return replace(report, delivery=deliveries.report)

    async def _collect(self, feeds: Sequence[Feed], only_due: bool, deliveries: Deliveries) -> CycleReport:
        # The feeds this worker leases now (at most its batch; those another worker holds are left to it).
        states = self.store.claim_feeds((f.name for f in feeds if f.enabled), self.clock(), only_due=only_due)
        due = [f for f in feeds if f.name in states]
        if not due:
            return CycleReport()
        self._linker_works, claimed = False, _Claimed()
        async with self.fetcher() as fetcher:
            batches = await stream(due, lambda feed: self._arrive(fetcher, feed, _state(states, feed), claimed),
                                   lambda arrivals: self._settle(arrivals, deliveries),
                                   weight=lambda arrival: max(1, len(arrival.enriched)), batch=LINK_BATCH,
                                   maxsize=QUEUED)
        return _cycle_report(due, [pair for batch in batches for pair in batch])

    async def _arrive(self, fetcher: Fetcher, feed: Feed, state: FeedState, claimed: _Claimed) -> Arrival:
        """One feed's response, its new items (stored by no one yet, taken by no other feed) enriched."""
        read = await self._read(fetcher, feed, state)
        if isinstance(read, FetchError):
            return Arrival(feed, state, read)
        fresh = claimed.take(self.store.unseen(read.items))
        return Arrival(feed, state, read, await asyncio.gather(*(_enrich(fetcher, feed, i) for i in fresh)))

    async def _settle(self, arrivals: list[Arrival], deliveries: Deliveries) -> list[tuple[FeedOutcome, FeedStored]]:
        """Link and store what has arrived, off the event loop (the linker is CPU-bound; fetching goes
        on), then have its alerts posted."""
        settled = await asyncio.to_thread(self._store_arrivals, arrivals)
        if any(stored.alerts for _, stored in settled):
            deliveries.wanted()
        return settled

    def _store_arrivals(self, arrivals: list[Arrival]) -> list[tuple[FeedOutcome, FeedStored]]:
        """Link and store the arrived feeds' new items, then save those feeds' state."""
        enriched = [e for a in arrivals for e in a.enriched]
        stored = self._store([e.item for e in enriched])
        problems = _problems_by_feed(enriched)
        of_feed = [stored.get(a.feed.name, FeedStored()) for a in arrivals]
        recorded = [self._record(a.feed, a.state, a.read, feed_stored, problems.get(a.feed.name, ()))
                    for a, feed_stored in zip(arrivals, of_feed, strict=True)]
        self.store.save_feed_states(state for _, state in recorded)
        return [(outcome, feed_stored) for (outcome, _), feed_stored in zip(recorded, of_feed, strict=True)]

    async def _read(self, fetcher: Fetcher, feed: Feed, state: FeedState) -> FeedRead | FetchError:
        from monitor.fetch import Validators
        from monitor.sources.read import read_feed

        try:
            return await read_feed(fetcher, feed, Validators(state.etag, state.last_modified),
                                   reliefweb_appname=self.reliefweb_appname)
        except FetchError as exc:
            return exc
        except Exception as exc:  # a bug in one source must not stop the others; it is logged and counted
            log.exception("feed %s: unexpected error", feed.name)
            return FetchError("internal", _why(exc))

    def _store(self, items: list[Item]) -> dict[str, FeedStored]:
        if not items:
            return {}
        linked = self._link(items)
        self._linker_works = self._linker_works or any(isinstance(result, Assessment) for _, result in linked)
        if not self._linker_works:
            return _not_linked(linked)  # no sign this cycle that the linker works at all: blame no item
        try:
            return self._save(linked)
        except BaseException:
            self._stories = None  # the batch rolled back: the index may hold stories it never stored
            raise

    def _link(self, items: list[Item]) -> list[tuple[Item, Linked]]:
        """Each item with its assessment, or with the exception the linker raised on it: all in one
        batch (one embedding pass); only when that raises, feed by feed, then item by item."""
        linker = self.linker()  # a linker that cannot be built fails the cycle: no item is to blame
        try:
            return list(zip(items, linker.assess_many(items), strict=True))
        except Exception as exc:
            log.warning("linking %d items failed (%s); linking feed by feed to find the item", len(items), _why(exc))
        return [pair for group in _by_feed(items, lambda i: i).values() for pair in _link_feed(linker, group)]

    def _save(self, linked: list[tuple[Item, Linked]]) -> dict[str, FeedStored]:
        """One transaction for the batch: every decision with its outbox row, or (after a crash) none;
        then those feeds' validators are not saved either, and their items come again next cycle."""
        now, stories = self.clock(), self._story_index()
        with self.store.batch() as batch:
            writer = _Writer(batch, stories, self.watchlist, now)
            return {feed: writer.feed(pairs) for feed, pairs in _by_feed(linked, lambda pair: pair[0]).items()}

    def _story_index(self) -> StoryIndex:
        from monitor.stories import StoryIndex

        if self._stories is None:
            self._stories, unreadable = StoryIndex(), 0
            for story_id, signature in self.store.story_signatures(self.clock() - STORY_WINDOW):
                try:
                    self._stories.add_signature(str(story_id), signature)
                except ValueError:  # an older signature format: that story alone collects no copies
                    unreadable += 1
            if unreadable:
                log.warning("%d stored story signatures are in an older format; their later copies will "
                            "count as new stories", unreadable)
        return self._stories

    def _record(self, feed: Feed, state: FeedState, read: FeedRead | FetchError, stored: FeedStored,
                problems: tuple[str, ...]) -> tuple[FeedOutcome, FeedState]:
        """What the cycle says of one feed, and its next state (validators, health, next poll)."""
        now = self.clock()
        if isinstance(read, FetchError) or stored.error:
            # The old validators are kept: the next poll fetches the feed whole and `unseen` sorts it out.
            error = str(read) if isinstance(read, FetchError) else stored.error
            errors = state.error_count + 1
            retry_after = read_retry_after(read) if isinstance(read, FetchError) else None
            failed = replace(state, last_attempt=now, last_error=error, error_count=errors,
                             items_seen=state.items_seen + stored.stored,
                             next_poll=next_poll(now, feed.interval, error_count=errors, jitter=self.rng.random(),
                                                 retry_after=retry_after))
            return FeedOutcome(feed.name, new_items=stored.stored, error=error, problems=problems), failed
        result: FetchResult = read.result
        polled = replace(
            state, etag=result.validators.etag or state.etag,
            last_modified=result.validators.last_modified or state.last_modified,
            last_success=now, last_attempt=now, last_error="", error_count=0,
            items_seen=state.items_seen + stored.stored,
            next_poll=next_poll(now, feed.interval, error_count=0, jitter=self.rng.random(),
                                retry_after=result.retry_after, max_age=result.max_age))
        outcome = FeedOutcome(feed.name, new_items=stored.stored, not_modified=result.not_modified, problems=problems)
        return outcome, polled


@dataclass(frozen=True)
class _Writer:
    """Writes a cycle's items into its open batch, one savepoint per feed, the story index kept in step.

    A feed whose items cannot all be saved is undone alone and saved again item by item: an item
    that still fails is recorded as unreadable instead, one stored meanwhile by another poll is
    skipped. The other feeds' items stand. When the database itself fails, no item is blamed: the
    error goes up and the whole batch rolls back.
    """

    batch: Batch
    stories: StoryIndex
    watchlist: Watchlist
    now: dt.datetime

    def feed(self, pairs: list[tuple[Item, Linked]]) -> FeedStored:
        try:
            with self._attempt() as added:
                saved = [self._item(added, item, result) for item, result in pairs]
        except Exception as exc:
            if database_failed(exc):  # not this feed's fault: the cycle fails, the items come again
                raise
            log.warning("feed %s: saving its items failed (%s); saving them one by one", pairs[0][0].feed, _why(exc))
            saved = [self._alone(item, result) for item, result in pairs]
        return FeedStored.of(saved)

    def _alone(self, item: Item, result: Linked) -> ItemStored:
        try:
            with self._attempt() as added:
                return self._item(added, item, result)
        except Exception as exc:
            if database_failed(exc):
                raise
            if self.batch.is_stored(item):  # a concurrent poll stored it meanwhile: nothing is lost
                log.info("feed %s: item %r was stored meanwhile by another poll", item.feed, item.guid)
                return ItemStored(stored=False)
            if isinstance(result, Exception):  # not even its unreadable record: it comes again next poll
                log.error("feed %s: item %r could not be saved", item.feed, item.guid, exc_info=exc)
                return ItemStored(stored=False, error=f"item {item.guid!r} could not be saved: {_why(exc)}")
            log.error("feed %s: item %r could not be saved; recording it as unreadable", item.feed, item.guid,
                      exc_info=exc)
            return self._alone(item, exc)

    def _item(self, added: list[str], item: Item, result: Linked) -> ItemStored:
        if isinstance(result, Exception):
            # Kept once, with no links and a note, so `unseen` never hands it to the linker again.
            self.batch.save_item(item, Assessment(notes=(f"unreadable: {_why(result)}",)), fetched_at=self.now)
            return ItemStored(error=f"unreadable item {item.guid!r}: {_why(result)}")
        signature = self.stories.signature(f"{item.title}\n{item.summary}")
        key = self.stories.match_signature(signature)
        story = NEW_STORY if key is None else Story(int(key), alerted=self.batch.story_has_alert(int(key)))
        threads = self.batch.thread_roots(self.now - THREAD_WINDOW) if result.alert else ()
        decision = decide(item, result, self.watchlist, now=self.now, story=story, threads=threads)
        payload = to_payload(decision.alert) if decision.alert else None
        item_id = self.batch.save_item(item, result, fetched_at=self.now, story_id=decision.story_id,
                                       signature=signature, alert=payload, thread_key=decision.thread_key,
                                       thread_of=decision.thread_of)
        if decision.story_id is None:
            self.stories.add_signature(str(item_id), signature)
            added.append(str(item_id))
        return ItemStored(linked=result.linked, alerted=payload is not None)

    @contextmanager
    def _attempt(self) -> Iterator[list[str]]:
        """A savepoint; the stories indexed under it (their keys go in the list yielded) are
        forgotten again when it is undone."""
        added: list[str] = []
        try:
            with self.batch.savepoint():
                yield added
        except BaseException:
            for key in added:
                self.stories.remove(key)
            raise


def _link_feed(linker: Linker, items: list[Item]) -> list[tuple[Item, Linked]]:
    if len(items) > 1:
        try:
            return list(zip(items, linker.assess_many(items), strict=True))
        except Exception as exc:
            log.warning("feed %s: linking its %d items failed (%s); linking them one by one", items[0].feed,
                        len(items), _why(exc))
    return [(item, _link_one(linker, item)) for item in items]


def _link_one(linker: Linker, item: Item) -> Linked:
    try:
        return linker.assess(item)
    except Exception as exc:  # a linker bug on odd text: this item is recorded unreadable, not retried
        log.exception("feed %s: the linker cannot read item %r", item.feed, item.guid)
        return exc


async def _enrich(fetcher: Fetcher, feed: Feed, item: Item) -> Enriched:
    from monitor.sources.read import Enriched, enrich

    try:
        return await enrich(fetcher, feed, item)
    except Exception as exc:  # a bug reading one document: the item is kept without its longer text
        log.exception("feed %s: item %r: reading its documents failed", feed.name, item.guid)
        return Enriched(item, (FetchError("internal", _why(exc)),))


def _not_linked(linked: list[tuple[Item, Linked]]) -> dict[str, FeedStored]:
    """Not one item could be linked: the linker itself is broken (no model, out of memory), not the
    items. None is recorded as unreadable; their feeds fail and back off, and the items come again."""
    first = next(result for _, result in linked if isinstance(result, Exception))
    error = f"not linked, kept for the next poll: {_why(first)}"
    return {feed: FeedStored(error=error) for feed in _by_feed(linked, lambda pair: pair[0])}


def _by_feed(values: Iterable[T], item: Callable[[T], Item]) -> dict[str, list[T]]:
    out: dict[str, list[T]] = {}
    for value in values:
        out.setdefault(item(value).feed, []).append(value)
    return out


def _why(exc: BaseException) -> str:
    """One line naming the error (SQLAlchemy appends the SQL statement on further lines)."""
    first = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {first}"


def _problems_by_feed(enriched: Sequence[Enriched]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for e in enriched:
        if e.problems:
            log.warning("feed %s: item kept without its longer text: %s", e.item.feed, "; ".join(map(str, e.problems)))
            out[e.item.feed] = (*out.get(e.item.feed, ()), *map(str, e.problems))
    return out


def _cycle_report(due: Sequence[Feed], settled: list[tuple[FeedOutcome, FeedStored]]) -> CycleReport:
    """The cycle's figures, its feeds in the order they were given (not the order they answered)."""
    order = {f.name: i for i, f in enumerate(due)}
    settled = sorted(settled, key=lambda pair: order[pair[0].feed])
    totals = [stored for _, stored in settled]
    return CycleReport(tuple(outcome for outcome, _ in settled), sum(t.stored for t in totals),
                       sum(t.linked for t in totals), sum(t.alerts for t in totals))


def _state(states: dict[str, FeedState], feed: Feed) -> FeedState:
    return states.get(feed.name) or FeedState(name=feed.name)


def read_retry_after(error: FetchError) -> dt.timedelta | None:
    """A 429/503 may carry Retry-After; the fetcher puts it on the error when it does."""
    return error.retry_after if isinstance(error, FetchHTTPError) else None
