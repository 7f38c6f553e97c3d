"""The composition root: build the store, notifier, linker and pipeline from Settings.

Heavy parts (the embedding model, torch) are loaded only when a command needs to link.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from monitor.config.settings import Settings
from monitor.config.watchlist import load_watchlist
from monitor.domain.watchlist import Watchlist
from monitor.store.database import Store
from notifiers.base import Notifier

if TYPE_CHECKING:
    from matchers.linker import Linker
    from monitor.pipeline import Pipeline


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def make_notifier(settings: Settings, stream: TextIO | None = None) -> Notifier:
    """Slack when a token is set, else the console (the no-credentials default)."""
    if settings.slack_token and settings.slack_channel:
        from notifiers.slack import SlackNotifier, make_client

        return SlackNotifier(make_client(settings.slack_token, settings.slack_api_url), settings.slack_channel)
    from notifiers.console import ConsoleNotifier

    return ConsoleNotifier(stream or sys.stdout)


def linker_factory(watchlist: Watchlist, model: str | None, cache_dir: Path | None = None) -> Callable[[], Linker]:
    """A function that loads the model and builds the linker the first time it is called; `cache_dir`: the
    folder where its warm-up keeps the watchlist's vectors."""

    @cache
    def build() -> Linker:
        from matchers.embeddings import Encoder
        from matchers.linker import Linker

        return Linker(watchlist, encoder=Encoder.load(model, folder=cache_dir))

    return build


@dataclass
class App:
    settings: Settings
    store: Store
    watchlist: Watchlist

    @classmethod
    def open(cls, settings: Settings) -> App:
        watchlist = load_watchlist(settings.watchlist_path)
        return cls(settings, Store(settings.db, settings.worker), watchlist)

    def pipeline(self, notifier: Notifier | None = None, linker: Callable[[], Linker] | None = None) -> Pipeline:
        from monitor.pipeline import Pipeline

        return Pipeline(store=self.store, watchlist=self.watchlist,
                        linker=linker or linker_factory(self.watchlist, self.settings.model, self.settings.cache_dir),
                        notifier=notifier or make_notifier(self.settings),
                        clock=utc_now, reliefweb_appname=self.settings.reliefweb_appname)
