"""A Slack Socket Mode websocket server on loopback (the `websockets` package), for the review tests.

The fake Web API's `apps.connections.open` hands out `server.url`; slack_sdk's Socket Mode client
connects, gets a `hello`, and is sent envelopes as Slack would. The server records the acks:

    envelope_id = server.send_interactive(payload)      # a block_actions click, a view_submission
    server.wait_for_ack(envelope_id)                     # the client's {"envelope_id": ...}, or None
    server.drop()                                        # cut the connection (no close frame)
    server.wait_for_connections(2)                       # the client came back
"""

from __future__ import annotations

import json
import socket
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve


class FakeSocketModeServer:
    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._open: list[ServerConnection] = []
        self.connections = 0  # every connection ever accepted
        self.acks: dict[str, dict[str, Any]] = {}
        self._server: Server = serve(self._session, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-socket-mode", daemon=True)
        self._thread.start()
        self.url = f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}/link/?ticket=test"

    def _session(self, ws: ServerConnection) -> None:
        with self._changed:
            self._open.append(ws)
            self.connections += 1
            self._changed.notify_all()
        try:
            ws.send(json.dumps({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0MONITOR"}}))
            for message in ws:
                data = json.loads(message)
                with self._changed:
                    if "envelope_id" in data:
                        self.acks[data["envelope_id"]] = data
                    self._changed.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                if ws in self._open:
                    self._open.remove(ws)
                self._changed.notify_all()

    def send_interactive(self, payload: dict[str, Any]) -> str:
        """Send an `interactive` envelope on the newest open connection; returns its envelope id."""
        envelope_id = str(uuid.uuid4())
        envelope = {"envelope_id": envelope_id, "type": "interactive", "accepts_response_payload": False,
                    "payload": payload}
        with self._changed:
            assert self._changed.wait_for(lambda: bool(self._open), 10), "no Socket Mode client connected"
            ws = self._open[-1]
        ws.send(json.dumps(envelope))
        return envelope_id

    def wait_for_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any] | None:
        with self._changed:
            self._changed.wait_for(lambda: envelope_id in self.acks, timeout)
            return self.acks.get(envelope_id)

    def wait_for_connections(self, count: int, timeout: float = 20.0) -> bool:
        """Until `count` connections were accepted in all and one is open."""
        with self._changed:
            return self._changed.wait_for(lambda: self.connections >= count and bool(self._open), timeout)

    def drop(self) -> None:
        """Cut every open connection as a network failure would: the TCP stream ends, no close frame."""
        with self._changed:
            dropped = list(self._open)
        for ws in dropped:
            ws.socket.shutdown(socket.SHUT_RDWR)
        with self._changed:
            gone = self._changed.wait_for(lambda: not any(ws in self._open for ws in dropped), 10)
        assert gone, "the dropped connections did not end"

    def close(self) -> None:
        self._server.shutdown()
        self._thread.join()

    def __enter__(self) -> FakeSocketModeServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@pytest.fixture
def socket_server() -> Iterator[FakeSocketModeServer]:
    with FakeSocketModeServer() as server:
        yield server
