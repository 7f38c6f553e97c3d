"""What notifiers are handed: decisions already made, never raw feed data or matcher internals.

Text fields still carry untrusted feed content (titles, passages): every notifier escapes them
for its own medium (Slack mrkdwn, HTML e-mail, terminal).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class UnitLine:
    """A unit as shown to a vetter: name, whether it receives US support, its chain of command."""

    id: str
    name: str
    supported: bool
    chain: tuple[str, ...] = ()  # names, nearest superior first


@dataclass(frozen=True)
class Alert:
    """One Slack alert: a new allegation that implicates a supported unit."""

    id: int  # outbox row id; carried in Slack message metadata so a restart can find the post
    headline: str
    url: str
    source: str
    published: dt.datetime | None
    cases: tuple[str, ...]  # case names
    implicated: tuple[UnitLine, ...]
    at_risk: tuple[UnitLine, ...]  # supported units put at risk up/down the chain of command
    allegation_types: tuple[str, ...]
    passage: str  # the evidence passage
    page: int | None = None  # report page of the passage
    statements: tuple[str, ...] = ()  # "undercuts: <talking point>" lines
    also_reported_by: tuple[str, ...] = ()
    thread_ts: str | None = None  # post as a reply in this thread (same story / case)
    language: str | None = None  # ISO 639-1 of the item, stated by the feed or detected


@dataclass(frozen=True)
class DigestEntry:
    headline: str
    url: str
    source: str
    published: dt.datetime | None
    passage: str = ""
    page: int | None = None
    allegation: bool = False
    alerted: bool = False
    statements: tuple[str, ...] = ()
    also_reported_by: tuple[str, ...] = ()
    verdict: str = ""  # the latest review's label ("Credible"), "" when not reviewed
    verdict_by: str = ""
    verdict_note: str = ""  # a person's text: escaped like feed text


@dataclass(frozen=True)
class DigestGroup:
    """Entries about one case or one unit (title like "Case: Tlatlaya killings")."""

    title: str
    entries: tuple[DigestEntry, ...]


@dataclass(frozen=True)
class FeedHealth:
    name: str
    error_count: int
    last_error: str
    last_success: dt.datetime | None


@dataclass(frozen=True)
class Digest:
    """The daily e-mail: everything linked that day, grouped by case and unit."""

    date: dt.date
    groups: tuple[DigestGroup, ...]
    statements: tuple[DigestGroup, ...] = ()  # grouped by talking point
    unhealthy_feeds: tuple[FeedHealth, ...] = field(default=())
    # items a vetter dismissed (not this unit, duplicate, not an allegation): listed short, apart
    dismissed: tuple[DigestEntry, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.groups and not self.statements and not self.dismissed


@dataclass(frozen=True)
class ArchiveEntry:
    """A stored item that, linked again against a changed watchlist, now implicates a supported unit."""

    item_id: int
    headline: str
    url: str
    source: str
    published: dt.datetime | None
    passage: str = ""
    page: int | None = None


@dataclass(frozen=True)
class ArchiveNotice:
    """One "from the archive" Slack message: every newly implicating stored item about one unit."""

    id: int  # archive outbox row id; carried in Slack message metadata like an alert's
    unit: UnitLine
    entries: tuple[ArchiveEntry, ...]
    allegation_types: tuple[str, ...] = ()
    at_risk: tuple[UnitLine, ...] = ()  # supported units the Leahy rule puts at risk (the unit may be unsupported)
