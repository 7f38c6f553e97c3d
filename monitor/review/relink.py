"""`monitor relink`: link the stored items again against the current watchlist, and report what is new.

A new unit, alias, area, case or statement changes what old items mean. Every stored item (or
those fetched since a day) is linked again; its new links replace the old. An item that now
accuses a unit in a way that alerts (the unit or a superior is supported) where it did not alert
before — and was never reported from the archive for that unit — goes into ONE "from the archive"
message per unit, queued in the archive outbox and sent by the same delivery loop as the alerts
(`monitor.outbox`).

The items are linked first, outside any transaction (that is the slow part), then the new links
and the messages are written in one transaction: a crash before it changes nothing and the next
relink finds the same items; after it, `archive_items` remembers every (item, unit) reported, so
relinking again reports nothing twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.domain.assessment import Assessment
from monitor.domain.messages import ArchiveEntry
from monitor.domain.watchlist import Watchlist
from monitor.review.archive import archive_entry, notice_payload
from monitor.store.database import NewArchiveMessage, Relinked, Store, StoredItem

if TYPE_CHECKING:
    from matchers.linker import Linker

log = logging.getLogger(__name__)

PAGE = 200  # items linked per embedding pass
WATCHLIST_KEY = "watchlist_sha256"  # the `meta` row: the watchlist the stored links were made with


@dataclass(frozen=True)
class RelinkReport:
    items: int = 0  # stored items linked again
    changed: int = 0  # whose links or decision changed
    reported: int = 0  # (item, unit) pairs newly implicating a supported unit, queued from the archive
    messages: tuple[int, ...] = ()  # the archive outbox rows queued (one per unit)


def fingerprint(path: Path) -> str:
    """The watchlist file's SHA-256: any edit (a unit, an alias, a comment) makes a new one."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def relink(store: Store, watchlist: Watchlist, linker: Callable[[], Linker], *, now: dt.datetime,
           since: dt.datetime | None = None) -> RelinkReport:
    """Link the stored items again, store the new links, queue the archive messages (not sent here).
    `linker` is built (the model loaded) only if there is an item to link."""
    relinked: list[Relinked] = []
    found: dict[str, list[tuple[StoredItem, Assessment]]] = defaultdict(list)
    count = 0
    for page in _pages(store, since):
        old = store.assessments_of(s.id for s in page)
        reported = store.archive_reported(s.id for s in page)
        for stored, new in zip(page, linker().assess_many([s.item for s in page]), strict=True):
            count += 1
            before = old.get(stored.id, Assessment())
            if _key(new) != _key(before):
                relinked.append(Relinked(stored.id, new))
            for unit in newly_implicated(before, new, watchlist):
                if (stored.id, unit) not in reported:
                    found[unit].append((stored, new))
    messages = [_message(watchlist, unit, pairs) for unit, pairs in found.items()]
    ids = store.save_relinked(relinked, messages, now)
    pairs = sum(len(m.item_ids) for m in messages)
    log.info("relinked %d items: %d changed, %d newly implicating, %d archive messages", count, len(relinked),
             pairs, len(ids))
    return RelinkReport(count, len(relinked), pairs, tuple(ids))


def newly_implicated(before: Assessment, after: Assessment, watchlist: Watchlist) -> list[str]:
    """The units `after` accuses of an alleged abuse, in a way that alerts, that `before` did not alert for.

    An accusation alerts when the unit or a superior up its chain is supported (`accusation_alerts`), as
    a live alert does: a battalion with no support of its own under a supported brigade counts. A unit
    `before` accused without an alert counts too (its brigade has been marked supported since)."""
    if not after.alert:
        return []
    alerted = set(before.implicated) if before.alert else set()
    return [u for u in after.implicated if u not in alerted
            and u in watchlist.unit_by_id and watchlist.accusation_alerts(u)]


def _key(a: Assessment) -> tuple[object, ...]:
    """What the store keeps of a decision that matters (scores and evidence text aside)."""
    links = tuple((link.target, link.id, link.via, link.implicated, link.stance)
                  for link in (*a.cases, *a.units, *a.statements))
    return links, a.implicated, a.at_risk, a.alert, a.allegation.types if a.allegation else None


def _message(watchlist: Watchlist, unit: str, pairs: list[tuple[StoredItem, Assessment]]) -> NewArchiveMessage:
    # Syndicated copies of one story are one entry (the first copy); all of them count as reported.
    entries: dict[int, ArchiveEntry] = {}
    for stored, assessment in pairs:
        entries.setdefault(stored.story_id, archive_entry(stored, assessment))
    types = [t for _, a in pairs if a.allegation for t in a.allegation.types]
    return NewArchiveMessage(unit, notice_payload(watchlist, unit, entries.values(), types),
                             tuple(stored.id for stored, _ in pairs))


def _pages(store: Store, since: dt.datetime | None) -> Iterator[list[StoredItem]]:
    after = 0
    while page := store.stored_items(since, after_id=after, limit=PAGE):
        yield page
        after = page[-1].id
