"""A small static HTTP server on 127.0.0.1 with ETag / Last-Modified: the demo's sample feeds are
served by it (and the end-to-end tests' feeds), so they exercise the real fetch path offline.
"""

from __future__ import annotations

import email.utils
import hashlib
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

CONTENT_TYPES = {".xml": "application/rss+xml", ".atom": "application/atom+xml", ".json": "application/json",
                 ".html": "text/html; charset=utf-8", ".pdf": "application/pdf"}
LAST_MODIFIED = email.utils.formatdate(time.time() - 3600, usegmt=True)


class StaticServer:
    """Serves `pages` (path -> bytes, or a function of the base URL giving bytes) with validators."""

    def __init__(self, pages: dict[str, bytes | Callable[[str], bytes]]) -> None:
        self.pages = pages
        self.requests = 0
        self.not_modified = 0
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def body(self, path: str) -> bytes | None:
        page = self.pages.get(path)
        return page(self.url) if callable(page) else page

    def count(self, not_modified: bool) -> None:
        with self._lock:
            self.requests += 1
            self.not_modified += not_modified

    def __enter__(self) -> StaticServer:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


class _Server(ThreadingHTTPServer):
    daemon_threads = True


def _handler(server: StaticServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle on, the second waits ~40 ms for an ACK.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            body = server.body(self.path.split("?")[0])
            if body is None:
                server.count(False)
                self._answer(404, b"not found", {})
                return
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            fresh = self.headers.get("If-None-Match") == etag
            server.count(fresh)
            if fresh:
                self._answer(304, b"", {"ETag": etag})
                return
            suffix = "." + self.path.split("?")[0].rsplit(".", 1)[-1]
            self._answer(200, body, {"ETag": etag, "Last-Modified": LAST_MODIFIED,
                                     "Content-Type": CONTENT_TYPES.get(suffix, "application/octet-stream")})

        def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (signature from http.server)
            pass  # quiet: the demo prints its own story

    return Handler
