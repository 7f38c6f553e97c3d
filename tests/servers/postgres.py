"""A real PostgreSQL server for the tests: Debian's `postgresql` binaries, a cluster in a temporary
directory, on a free loopback port, started once per session (`scripts/install test` installs the package).

Each test gets a database of its own, copied from a template the store has already migrated
(`CREATE DATABASE ... TEMPLATE`, tens of milliseconds), and dropped after the test.

The server refuses to run as root, so as root (CI) the cluster belongs to the `postgres` user the
package creates, and its commands run through `runuser`. Durability is switched off (fsync,
synchronous_commit, full_page_writes): the cluster is thrown away at the end of the session.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import weakref
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import event
from sqlalchemy.pool import Pool

TEMPLATE = "monitor_template"
_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=300",
             "listen_addresses=127.0.0.1", "shared_buffers=64MB", "log_min_messages=warning")


# Every DBAPI connection a pool opens in this process, so a test's databases can be left cleanly: a Store
# a test (or a command run in-process) never closed would otherwise be collected later, in another test,
# with its connection open, and psycopg warns about that (ResourceWarning, an error here).
_opened: list[weakref.ref[Any]] = []


@event.listens_for(Pool, "connect")
def _remember(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, psycopg.Connection):
        _opened.append(weakref.ref(dbapi_connection))


def close_connections(database: str) -> None:
    """Close the connections this process still has open to `database`."""
    alive: list[weakref.ref[Any]] = []
    for ref in _opened:
        conn = ref()
        if conn is None or conn.closed:
            continue
        if conn.info.dbname == database:
            conn.close()
        else:
            alive.append(ref)
    _opened[:] = alive


class PostgresMissing(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def bindir() -> Path:
    """The newest installed server's bin directory (Debian keeps it off PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    raise PostgresMissing("no PostgreSQL server found: run `./scripts/install test` (it installs Debian's "
                          "postgresql) or `apt-get install -y postgresql`")


class PostgresServer:
    """One throwaway cluster; `new_database()` hands out fresh migrated databases by URL."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="monitor-pg-"))
        self.port = _free_port()
        self._bin = bindir()
        self._as_postgres = os.geteuid() == 0
        self._numbers = itertools.count(1)
        self._admin: psycopg.Connection[tuple[object, ...]] | None = None

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://monitor@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        data, sockets = self.root / "data", self.root / "sockets"
        sockets.mkdir()
        if self._as_postgres:
            shutil.chown(self.root, "postgres")
            shutil.chown(sockets, "postgres")
        self._run("initdb", "-D", str(data), "-U", "monitor", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        options = " ".join([f"-p {self.port}", f"-k {sockets}", *(f"-c {s}" for s in _SETTINGS)])
        self._run("pg_ctl", "-D", str(data), "-l", str(self.root / "server.log"), "-o", options, "-w", "start")
        self._admin = psycopg.connect(f"host=127.0.0.1 port={self.port} user=monitor dbname=postgres",
                                      autocommit=True)
        self._admin.execute(f"CREATE DATABASE {TEMPLATE}")

    def migrate_template(self) -> None:
        """Let the store build today's schema in the template, once, the way it builds any new database."""
        from monitor.store.database import Store

        Store(self.url(TEMPLATE)).close()

    def new_database(self) -> str:
        name = f"test_{next(self._numbers)}"
        self._sql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def empty_database(self) -> str:
        """A database with no tables at all, for the tests of the migrations themselves."""
        name = f"empty_{next(self._numbers)}"
        self._sql(f"CREATE DATABASE {name} TEMPLATE template0")
        return self.url(name)

    def drop(self, url: str) -> None:
        database = url.rsplit("/", 1)[1]
        close_connections(database)
        # FORCE ends those of other processes (a `monitor` command a test started and killed).
        self._sql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
        data = self.root / "data"
        if (data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def _sql(self, statement: str) -> None:
        assert self._admin is not None, "the server is not started"
        self._admin.execute(statement)  # type: ignore[arg-type]  # names made here, never user input

    def _run(self, program: str, *args: str) -> None:
        command = [str(self._bin / program), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.root, check=False)
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}{tail}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
