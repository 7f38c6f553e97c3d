"""What flows through the pipeline: an `Item` read from a source, with its text split into pages,
and the `FeedState` kept per feed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FeedState:
    """What the store remembers of one feed: validators for conditional requests, and its health."""

    name: str
    etag: str | None = None
    last_modified: str | None = None
    last_success: dt.datetime | None = None
    last_attempt: dt.datetime | None = None
    last_error: str = ""
    error_count: int = 0
    next_poll: dt.datetime | None = None
    items_seen: int = 0


@dataclass(frozen=True)
class Page:
    """One page of a report (PDF) or the whole text of an article (`number` None)."""

    text: str
    number: int | None = None


@dataclass(frozen=True)
class Item:
    """One entry of a source, as text. Everything here is untrusted feed content.

    `guid` is the source's own id (or the URL); `url` is the canonical link (tracking parameters
    stripped). `pages` holds longer text fetched for the item (article body, report PDF pages);
    the title and summary always count as text too.
    """

    feed: str
    guid: str
    url: str
    title: str
    summary: str = ""
    published: dt.datetime | None = None
    language: str | None = None
    source: str = ""  # the outlet shown to people ("UN News", "Proceso")
    pages: tuple[Page, ...] = ()
    attachments: tuple[str, ...] = field(default=())  # URLs of report documents (PDF) to fetch

    @property
    def text(self) -> str:
        """Summary and every page, for matchers that want one text."""
        return "\n\n".join([self.summary, *(p.text for p in self.pages)]).strip()
