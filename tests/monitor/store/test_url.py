"""A database URL that cannot be used is one line naming MONITOR_DB and exit 2, never a traceback."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import main
from monitor.domain.errors import ConfigError
from monitor.store.database import Store, open_engine
from tests.servers.postgres import PostgresServer

ROOT = Path(__file__).resolve().parents[3]


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def one_line_error(args: list[str]) -> str:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: MONITOR_DB: "), result.output
    return lines[0]


@pytest.mark.parametrize("command", [["db", "upgrade"], ["digest"], ["review", "1", "credible"]])
def test_an_unreachable_postgresql_server(command: list[str]) -> None:
    url = f"postgresql+psycopg://monitor:s3cret-pw@127.0.0.1:{closed_port()}/monitor"
    line = one_line_error([*command, "--db", url])
    assert "cannot open postgresql+psycopg://monitor:***@127.0.0.1:" in line
    assert "s3cret-pw" not in line  # the password is never printed


def test_a_missing_database_on_a_running_server(postgres: PostgresServer) -> None:
    line = one_line_error(["db", "upgrade", "--db", postgres.url("no_such_database")])
    assert 'database "no_such_database" does not exist' in line


@pytest.mark.parametrize(("url", "said"), [
    ("not a url", "not a database URL"),
    ("nosuchdb+driver://host/x", "no database driver for it"),
    ("sqlite:////no/such/directory/m.db", "cannot open sqlite:////no/such/directory/m.db"),
])
def test_a_url_that_names_no_usable_database(url: str, said: str) -> None:
    assert said in one_line_error(["db", "upgrade", "--db", url])
    with pytest.raises(ConfigError, match="MONITOR_DB"):
        Store(url)


def test_postgresql_without_a_driver_name_uses_psycopg_3(postgres: PostgresServer) -> None:
    url = postgres.url("postgres").replace("postgresql+psycopg://", "postgresql://")
    engine = open_engine(url)
    try:
        assert engine.dialect.driver == "psycopg"
    finally:
        engine.dispose()


def test_the_real_command_exits_2_with_no_traceback() -> None:
    env = {"MONITOR_DB": f"postgresql+psycopg://monitor@127.0.0.1:{closed_port()}/monitor", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "monitor.cli", "poll", "--once", "--feeds", str(ROOT / "feeds.yaml"),
                           "--watchlist", str(ROOT / "watchlist.yaml")],
                          capture_output=True, text=True, env={**env, "PYTHONPATH": str(ROOT)}, timeout=120, cwd=ROOT)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith("error: MONITOR_DB: cannot open") and "Traceback" not in done.stderr, done.stderr
