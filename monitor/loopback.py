"""A real HTTP server on 127.0.0.1, the one the project has: the demo serves its sample feeds with it,
and the tests their feeds and failure cases, so both go through the real fetch path offline.

    with Loopback() as server:
        server.route("/feed", lambda request: Reply(200, {}, b"..."))   # any reply, per request
        server.serve_pages({"/a.xml": body})    # static pages with ETag / Last-Modified, 304 on a match
        server.url("/feed")

Streamed and stalling replies wait on `release` (an Event set at close) instead of sleeping, so
closing the server ends every handler at once.
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

CONTENT_TYPES = {".xml": "application/rss+xml", ".atom": "application/atom+xml", ".json": "application/json",
                 ".html": "text/html; charset=utf-8", ".pdf": "application/pdf"}
LAST_MODIFIED = email.utils.formatdate(time.time() - 3600, usegmt=True)

Page = bytes | Callable[[str], bytes]  # the body, or a function of the server's base URL giving it


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
    # Headers and body go out in two writes; with Nagle on, the second waits ~40 ms for an ACK.
    disable_nagle_algorithm = True
    server: _Server

    def handle(self) -> None:
        # The client hangs up on purpose (cap, deadline, timeout): nothing to report.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        request = Request(self.path, {k.lower(): v for k, v in self.headers.items()})
        reply = self.server.owner.answer(request)
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

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (signature from http.server)
        pass  # quiet: the demo prints its own story, tests keep their output clean


class _Server(ThreadingHTTPServer):
    owner: Loopback
    # socketserver's default listen backlog is 5: a client opening more connections at once (feed discovery
    # probes six common paths together) could have one dropped on a loaded machine.
    request_queue_size = 128


class Loopback:
    """`with Loopback() as server: server.route("/feed", reply)`; `server.url("/feed")`.

    `requests` and `statuses` record every request and the status it was answered with.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self.statuses: list[int] = []
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

    def serve_pages(self, pages: Mapping[str, Page]) -> None:
        """Serve each page at its path as a well-behaved publisher does: ETag and Last-Modified on a
        200, 304 Not Modified when the request's If-None-Match is the page's ETag."""
        for path, page in pages.items():
            self.routes[path] = functools.partial(self._page, path, page)

    def _page(self, path: str, page: Page, request: Request) -> Reply:
        body = page(self.base) if callable(page) else page
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if request.headers.get("if-none-match") == etag:
            return Reply(304, {"ETag": etag})
        suffix = "." + path.rsplit(".", 1)[-1]
        return Reply(200, {"ETag": etag, "Last-Modified": LAST_MODIFIED,
                           "Content-Type": CONTENT_TYPES.get(suffix, "application/octet-stream")}, body)

    def answer(self, request: Request) -> Reply:
        """The reply to `request` (404 when no route has its path), recorded with the request."""
        self.requests.append(request)
        route = self.routes.get(request.path) or self.routes.get(urlsplit(request.path).path)
        reply = route(request) if route else Reply(404, {"Content-Type": "text/plain"}, b"no such path")
        self.statuses.append(reply.status)
        return reply

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
