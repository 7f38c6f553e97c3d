"""What every page of the console reads: the store, the watchlist, the token, the clock and zone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import jinja2

from monitor.domain.watchlist import Watchlist
from monitor.store.database import Store

TEMPLATES = jinja2.PackageLoader("monitor.web", "templates")


@dataclass(frozen=True)
class Console:
    store: Store
    watchlist: Watchlist
    token: str | None  # None: no login (loopback only, see serve.py)
    clock: Callable[[], dt.datetime]
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    loader: jinja2.BaseLoader = TEMPLATES
