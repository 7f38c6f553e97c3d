"""Shared fixtures: the bundled model is loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from matchers.embeddings import Encoder
from matchers.linker import Linker
from monitor.config.watchlist import load_watchlist
from monitor.domain.watchlist import Watchlist

# shared/ sits beside the work tree (here and in CI's fresh clone).
EVAL = Path(__file__).resolve().parents[2].parent / "shared" / "eval"


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    return Encoder.load()


@pytest.fixture(scope="session")
def watchlist() -> Watchlist:
    return load_watchlist(EVAL / "watchlist.yaml")


@pytest.fixture(scope="session")
def linker(watchlist: Watchlist, encoder: Encoder) -> Linker:
    return Linker(watchlist, encoder)
