"""Fixtures shared by every test folder: loopback Slack (Web API, Socket Mode) and SMTP servers, the bundled model,
and the database each test stores into.

The database engine is chosen for the whole run by `MONITOR_TEST_DB`: `sqlite` (the default) or `postgresql`
(a real server the session starts, tests/servers/postgres.py). Tests about SQLite itself are marked
`sqlite_only` and skipped on PostgreSQL.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests import release_1
from tests.servers.postgres import PostgresServer
from tests.servers.slack import slack_server
from tests.servers.smtp import smtp_server
from tests.servers.socket_mode import socket_server

if TYPE_CHECKING:
    from matchers.embeddings import Encoder

__all__ = ["slack_server", "smtp_server", "socket_server"]

# No test may reach a model hub: the bundled model is on disk.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ENGINES = ("sqlite", "postgresql")
ENGINE = os.environ.get("MONITOR_TEST_DB", "sqlite").strip().lower() or "sqlite"
if ENGINE not in ENGINES:
    raise pytest.UsageError(f"MONITOR_TEST_DB={ENGINE!r}: expected one of {', '.join(ENGINES)}")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only(reason): a test about SQLite itself; skipped on PostgreSQL")


def pytest_report_header() -> str:
    return f"database engine: {ENGINE} (MONITOR_TEST_DB)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if ENGINE == "sqlite":
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "about SQLite itself")
            item.add_marker(pytest.mark.skip(reason=f"sqlite only: {reason}"))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole session, with a template database the store has migrated."""
    server = PostgresServer()
    try:
        server.start()
        server.migrate_template()
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh PostgreSQL database with today's schema, whatever MONITOR_TEST_DB says (for PostgreSQL-only tests)."""
    server: PostgresServer = request.getfixturevalue("postgres")
    url = server.new_database()
    yield url
    server.drop(url)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database URL of this test: a new SQLite file, or a fresh PostgreSQL database with today's schema."""
    if ENGINE == "sqlite":
        return f"sqlite:///{tmp_path / 'm.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def make_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """For a test that needs several databases: each call gives another new one, as `db_url` would."""
    made: list[str] = []

    def make() -> str:
        if ENGINE == "sqlite":
            made.append(f"sqlite:///{tmp_path / f'db{len(made) + 1}.db'}")
        else:
            server: PostgresServer = request.getfixturevalue("postgres")
            made.append(server.new_database())
        return made[-1]

    yield make
    if ENGINE != "sqlite":
        for url in made:
            request.getfixturevalue("postgres").drop(url)


@pytest.fixture
def release_1_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The first release's database (tests/release_1.py) on this run's engine, not yet upgraded: its URL."""
    if ENGINE == "sqlite":
        return release_1.copy_to_file(tmp_path / "monitor.db")
    return release_1.copy_to(str(request.getfixturevalue("blank_db_url")))


@pytest.fixture
def blank_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all (the migrations' own tests): a new SQLite file, or an empty PostgreSQL one."""
    if ENGINE == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    url = server.empty_database()
    yield url
    server.drop(url)


@pytest.fixture(scope="session")
def encoder() -> Iterator[Encoder]:
    """The real bundled all-MiniLM-L6-v2, loaded once for the whole session (every folder uses this one)."""
    from matchers.embeddings import Encoder

    yield Encoder.load(None)
