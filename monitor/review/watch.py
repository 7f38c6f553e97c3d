"""`monitor run` relinks the archive by itself on the tick after watchlist.yaml changed.

The store keeps the SHA-256 of the watchlist its links were made with (`meta`). Each tick compares
it with the file: when they differ, the new watchlist is loaded, every stored item is relinked
(`monitor.review.relink`; the archive messages go out with the tick's delivery), the fingerprint
is stored, and the poll goes on with the new watchlist. A watchlist that no longer loads is
logged once with its file:line and the previous one stays in use until the file is fixed.

With several workers on one store, the first to notice relinks; the others find the stored
fingerprint already equal to the file's and load the new watchlist without relinking again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.config.watchlist import load_watchlist
from monitor.domain.errors import ConfigError, MonitorError
from monitor.domain.watchlist import Watchlist
from monitor.review.relink import WATCHLIST_KEY, RelinkReport, fingerprint, relink
from monitor.store.database import Store

if TYPE_CHECKING:
    from matchers.linker import Linker

log = logging.getLogger(__name__)

LinkerFor = Callable[[Watchlist], Callable[[], "Linker"]]


class WatchlistWatch:
    """Notices a changed watchlist file and relinks the stored items against it."""

    def __init__(self, store: Store, path: Path, linker_for: LinkerFor, clock: Callable[[], dt.datetime]) -> None:
        self._store, self._path, self._linker_for, self._clock = store, path, linker_for, clock
        self._rejected: str | None = None  # the fingerprint of a file already reported as unreadable
        self._loaded: str | None = None  # the fingerprint of the watchlist this worker links with
        self.last: RelinkReport | None = None

    def check(self) -> tuple[Watchlist, Callable[[], Linker]] | None:
        """The new watchlist and its linker when the file changed and the archive was relinked, else None."""
        try:
            current = fingerprint(self._path)
        except OSError as exc:
            if self._rejected != "missing":
                log.error("the watchlist %s cannot be read (%s); linking with the previous one", self._path, exc)
                self._rejected = "missing"
            return None
        stored = self._store.meta(WATCHLIST_KEY)
        if stored is None:  # the first run that keeps fingerprints: nothing to compare with
            self._store.set_meta(WATCHLIST_KEY, current)
            self._loaded = current
            return None
        if current == self._rejected:
            return None
        if current == stored:
            if self._loaded in (None, current):
                self._loaded = current
                return None
            return self._reload(current)  # another worker on this store relinked it already
        return self._relink(current)

    def _load(self, current: str) -> Watchlist | None:
        """The changed watchlist, or None (logged, and this version not tried again) when it cannot be used."""
        try:
            return load_watchlist(self._path)
        except ConfigError as exc:
            log.error("the watchlist changed but cannot be used: %s; linking with the previous one", exc)
            self._rejected = current
            return None

    def _reload(self, current: str) -> tuple[Watchlist, Callable[[], Linker]] | None:
        watchlist = self._load(current)
        if watchlist is None:
            return None
        self._loaded = current
        log.warning("watchlist changed: another worker relinked the archive; linking with the new one")
        return watchlist, self._linker_for(watchlist)

    def _relink(self, current: str) -> tuple[Watchlist, Callable[[], Linker]] | None:
        watchlist = self._load(current)
        if watchlist is None:
            return None
        linker = self._linker_for(watchlist)
        try:
            self.last = relink(self._store, watchlist, linker, now=self._clock())
        except MonitorError as exc:
            log.error("relinking after the watchlist change failed (tried again next tick): %s", exc)
            return None
        self._store.set_meta(WATCHLIST_KEY, current)
        self._rejected, self._loaded = None, current
        log.warning("watchlist changed: %d stored items relinked, %d newly implicate a supported unit "
                    "(%d archive messages)", self.last.items, self.last.reported, len(self.last.messages))
        return watchlist, linker
