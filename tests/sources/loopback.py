"""A real HTTP server on 127.0.0.1 for source tests: routes map a path to a canned or streamed reply.

Streamed and stalling replies wait on `release` (an Event set at close) instead of sleeping, so
closing the server ends every handler at once.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Request:
    path: str  # with query
    headers: dict[str, str]  # lowercase names


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes] = b""


Route = Callable[[Request], Reply]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def handle(self) -> None:
        # The client hangs up on purpose (cap, deadline, timeout): nothing to report.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        request = Request(self.path, {k.lower(): v for k, v in self.headers.items()})
        self.server.owner.requests.append(request)
        reply = self.server.owner.reply_for(request)
        try:
            self._send(reply)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client hung up on purpose (cap, deadline)

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        streamed = not isinstance(reply.body, bytes)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if streamed:  # length unknown: the body ends when the connection closes
            self.send_header("Connection", "close")
            self.close_connection = True
        elif "content-length" not in {k.lower() for k in reply.headers}:
            self.send_header("Content-Length", str(len(reply.body)))  # type: ignore[arg-type]
        self.end_headers()
        for chunk in [reply.body] if isinstance(reply.body, bytes) else reply.body:
            self.wfile.write(chunk)
            self.wfile.flush()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # keep test output quiet


class _Server(ThreadingHTTPServer):
    owner: Loopback


class Loopback:
    """`with Loopback() as server: server.route("/feed", reply)`; `server.url("/feed")`."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self.release = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._server.daemon_threads = False
        self._server.block_on_close = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, route: Route) -> None:
        self.routes[path] = route

    def static(self, path: str, body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> str:
        self.routes[path] = lambda _request: Reply(status, dict(headers or {}), body)
        return self.url(path)

    def reply_for(self, request: Request) -> Reply:
        route = self.routes.get(request.path) or self.routes.get(urlsplit(request.path).path)
        return route(request) if route else Reply(404, {"Content-Type": "text/plain"}, b"no such path")

    def drip(self, chunk: bytes, every: float, count: int) -> Iterator[bytes]:
        """`count` chunks, one every `every` seconds, ending early when the server closes."""
        for _ in range(count):
            if self.release.wait(every):
                return
            yield chunk

    def stall(self, seconds: float = 10.0) -> Iterator[bytes]:
        """Send nothing until the server closes (or `seconds` pass)."""
        self.release.wait(seconds)
        yield b""

    def __enter__(self) -> Loopback:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
