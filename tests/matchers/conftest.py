"""Fixtures for the matcher tests: the eval watchlist and a linker on the session's one `encoder`."""

from __future__ import annotations

import pytest

from matchers.embeddings import Encoder
from matchers.linker import Linker
from monitor.config.watchlist import load_watchlist
from monitor.domain.watchlist import Watchlist
from tests.shared import shared_path


@pytest.fixture(scope="session")
def watchlist() -> Watchlist:
    return load_watchlist(shared_path("eval", "watchlist.yaml"))


@pytest.fixture(scope="session")
def linker(watchlist: Watchlist, encoder: Encoder) -> Linker:
    return Linker(watchlist, encoder)
