"""The console over the sample store: in-process (Starlette's TestClient) and on a real loopback socket (uvicorn)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import uvicorn
from starlette.testclient import TestClient

from monitor.store.database import Store
from monitor.web.app import create_app
from monitor.web.context import Console
from tests.monitor.dossier import sample

TOKEN = "correct-horse-battery-staple-42"


@pytest.fixture
def ids(store: Store) -> dict[str, int]:
    return sample.fill(store)


def console(store: Store, token: str | None = None) -> Console:
    return Console(store=store, watchlist=sample.watchlist(), token=token, clock=lambda: sample.NOW)


@pytest.fixture
def client(store: Store, ids: dict[str, int]) -> Iterator[TestClient]:
    with TestClient(create_app(console(store)), follow_redirects=False) as c:
        yield c


@dataclass(frozen=True)
class LiveConsole:
    url: str
    ids: dict[str, int]


def serve(console: Console) -> Iterator[str]:
    """Run the console under uvicorn on a loopback socket bound (and listening) before the thread starts,
    so a request made at once waits in the backlog instead of failing."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(create_app(console), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def live(store: Store, ids: dict[str, int]) -> Iterator[LiveConsole]:
    for url in serve(console(store)):
        yield LiveConsole(url, ids)


@pytest.fixture
def live_with_token(store: Store, ids: dict[str, int]) -> Iterator[LiveConsole]:
    for url in serve(console(store, TOKEN)):
        yield LiveConsole(url, ids)
