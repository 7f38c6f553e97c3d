"""A real HTTP server on loopback that speaks enough of the Slack Web API for the real WebClient.

Methods: chat.postMessage, chat.update, conversations.history, conversations.replies, auth.test,
views.open, and apps.connections.open (with the app token: it returns `socket_url`, set it to a
FakeSocketModeServer's URL). It checks the bearer token, enforces Slack's Block Kit size limits (so
an oversized alert fails here as it would in Slack), stores what was posted, and can be scripted to misbehave:

    server.fail_next(2, status=429, retry_after=0)   # rate limited twice
    server.fail_next(1, status=500)
    server.error_next("channel_not_found")           # HTTP 200, ok: false
    server.hold(); ...; server.release()             # record the post, then withhold the answer

Use it as a context manager or through the `slack_server` fixture.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-1-test-token"
TEAM_ID = "T0TEST"
BOT_USER = "U0MONITOR"
BOT_ID = "B0MONITOR"
DEFAULT_CHANNEL = "C0ALERTS"

Args = dict[str, Any]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as it arrived on the wire, for asserting on exactly what the client sent."""

    method: str  # the API method, like "chat.postMessage"
    headers: dict[str, str]
    body: bytes
    args: Args


@dataclass
class _Fault:
    remaining: int
    method: str | None
    status: int = 200
    retry_after: float | None = None
    error: str | None = None


@dataclass
class _State:
    token: str
    channels: frozenset[str] | None
    clock: Callable[[], float]
    socket_url: str = ""
    messages: list[Args] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)
    faults: list[_Fault] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)
    released: threading.Event = field(default_factory=threading.Event)
    last_ts: float = 0.0


class FakeSlackServer:
    """The Slack Web API on 127.0.0.1; `url` is the base URL (ending in `/api/`) to give WebClient."""

    def __init__(
        self,
        *,
        token: str = TOKEN,
        channels: tuple[str, ...] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._state = _State(
            token=token, channels=None if channels is None else frozenset(channels), clock=clock
        )
        self._state.released.set()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.state = self._state
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="fake-slack", daemon=True
        )
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._httpd.server_port}/api/"
        self.token = token
        self.app_token = APP_TOKEN

    @property
    def socket_url(self) -> str:
        return self._state.socket_url

    @socket_url.setter
    def socket_url(self, url: str) -> None:
        """The ws:// URL apps.connections.open hands out."""
        self._state.socket_url = url

    def wait_for_calls(self, method: str, count: int, timeout: float = 10.0) -> bool:
        """Block until `count` requests of `method` arrived; False on timeout."""
        with self._state.changed:
            return self._state.changed.wait_for(
                lambda: sum(r.method == method for r in self._state.requests) >= count, timeout
            )

    @property
    def messages(self) -> list[Args]:
        """Every posted message, oldest first, as stored (text, blocks, metadata, thread_ts, ts, channel)."""
        with self._state.changed:
            return list(self._state.messages)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._state.changed:
            return list(self._state.requests)

    def calls(self, method: str) -> list[RecordedRequest]:
        return [request for request in self.requests if request.method == method]

    def fail_next(
        self, n: int = 1, *, status: int = 429, retry_after: float | None = 0, method: str | None = None
    ) -> None:
        """Answer the next `n` requests (of `method`, or any) with HTTP `status`, storing nothing."""
        with self._state.changed:
            self._state.faults.append(_Fault(n, method, status=status, retry_after=retry_after))

    def error_next(self, error: str, n: int = 1, *, method: str | None = None) -> None:
        """Answer the next `n` requests with HTTP 200 `{"ok": false, "error": error}`."""
        with self._state.changed:
            self._state.faults.append(_Fault(n, method, error=error))

    def hold(self) -> None:
        """From now on, store each chat.postMessage and then keep the client waiting for the answer."""
        self._state.released.clear()

    def release(self) -> None:
        """Answer the held posts (a client that gave up meanwhile never hears it)."""
        self._state.released.set()

    def wait_for_messages(self, count: int, timeout: float = 10.0) -> bool:
        """Block until `count` messages are stored; False on timeout. For threads racing the server."""
        with self._state.changed:
            return self._state.changed.wait_for(lambda: len(self._state.messages) >= count, timeout)

    def close(self) -> None:
        self.release()
        self._httpd.shutdown()
        self._httpd.server_close()  # joins the handler threads: nothing outlives the test
        self._thread.join()

    def __enter__(self) -> FakeSlackServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@pytest.fixture
def slack_server() -> Iterator[FakeSlackServer]:
    """A fresh FakeSlackServer per test."""
    with FakeSlackServer() as server:
        yield server


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True
    state: _State

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out on a held post has hung up; that is the scenario, not a failure.
        pass


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _dispatch(self) -> None:
        state = self.server.state
        method = urlsplit(self.path).path.removeprefix("/api/")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        args = _parse_args(self.path, self.headers.get("Content-Type", ""), body)
        with state.changed:
            state.requests.append(RecordedRequest(method, dict(self.headers.items()), body, args))
            fault = _take_fault(state, method)
            state.changed.notify_all()
        if fault is not None and fault.error is None:
            return self._fail(fault)
        authorization = self.headers.get("Authorization")
        error = fault.error if fault is not None else _auth_error(state, authorization, method)
        if error is not None:
            return self._reply({"ok": False, "error": error})
        handler = _METHODS.get(method)
        if handler is None:
            return self._reply({"ok": False, "error": "unknown_method"})
        self._reply(handler(state, args))

    def _fail(self, fault: _Fault) -> None:
        payload = json.dumps({"ok": False, "error": "ratelimited" if fault.status == 429 else "fatal_error"})
        self.send_response(fault.status)
        if fault.retry_after is not None and fault.status == 429:
            self.send_header("Retry-After", f"{fault.retry_after:g}")
        self._write(payload)

    def _reply(self, payload: Args) -> None:
        self.send_response(200)
        self._write(json.dumps(payload))

    def _write(self, payload: str) -> None:
        data = payload.encode()
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _parse_args(path: str, content_type: str, body: bytes) -> Args:
    args: Args = dict(parse_qsl(urlsplit(path).query))
    if content_type.startswith("application/json"):
        args.update(json.loads(body or b"{}"))
    elif body:
        form = dict(parse_qsl(body.decode()))
        for key in ("blocks", "metadata", "attachments", "view"):  # form bodies carry these as JSON text
            if isinstance(form.get(key), str):
                form[key] = json.loads(form[key])
        args.update(form)
    return args


def _take_fault(state: _State, method: str) -> _Fault | None:
    for fault in state.faults:
        if fault.remaining > 0 and fault.method in (None, method):
            fault.remaining -= 1
            return fault
    return None


def _auth_error(state: _State, authorization: str | None, method: str) -> str | None:
    if not authorization:
        return "not_authed"
    # Socket Mode URLs are issued to the app-level token (xapp-) only, as in Slack.
    token = APP_TOKEN if method == "apps.connections.open" else state.token
    return None if authorization == f"Bearer {token}" else "invalid_auth"


def _truthy(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


def _post_message(state: _State, args: Args) -> Args:
    channel = str(args.get("channel") or "")
    if not channel or (state.channels is not None and channel not in state.channels):
        return {"ok": False, "error": "channel_not_found"}
    if not args.get("text") and not args.get("blocks"):
        return {"ok": False, "error": "no_text"}
    problem = _block_problem(args.get("blocks") or [])
    if problem:
        return {"ok": False, "error": "invalid_blocks", "errors": [problem]}
    with state.changed:
        message = _store(state, channel, args)
        state.changed.notify_all()
    state.released.wait()
    public = {k: v for k, v in message.items() if k != "channel"}
    return {"ok": True, "channel": channel, "ts": message["ts"], "message": public}


def _store(state: _State, channel: str, args: Args) -> Args:
    ts = max(state.clock(), state.last_ts + 0.000001)
    state.last_ts = ts
    message: Args = {
        "type": "message",
        "user": BOT_USER,
        "bot_id": BOT_ID,
        "ts": f"{ts:.6f}",
        "channel": channel,
        "text": args.get("text", ""),
        "blocks": args.get("blocks") or [],
    }
    if args.get("thread_ts"):
        message["thread_ts"] = str(args["thread_ts"])
    if args.get("metadata"):
        message["metadata"] = args["metadata"]
    state.messages.append(message)
    return message


def _block_problem(blocks: list[Args]) -> str | None:
    """Slack's own limits: a message breaking one of them is refused whole."""
    if len(blocks) > 50:
        return "more than 50 blocks"
    for index, block in enumerate(blocks):
        text = (block.get("text") or {}).get("text", "")
        if block.get("type") == "header" and len(text) > 150:
            return f"blocks[{index}]: header text longer than 150"
        if block.get("type") == "section" and not 0 < len(text) <= 3000:
            return f"blocks[{index}]: section text empty or longer than 3000"
        if block.get("type") == "context" and not 0 < len(block.get("elements") or []) <= 10:
            return f"blocks[{index}]: context needs 1 to 10 elements"
    return None


def _history(state: _State, args: Args) -> Args:
    channel = str(args.get("channel") or "")
    if state.channels is not None and channel not in state.channels:
        return {"ok": False, "error": "channel_not_found"}
    with state.changed:
        found = [m for m in state.messages if m["channel"] == channel]
    top_level = [m for m in found if m.get("thread_ts") in (None, m["ts"])]
    return _page(list(reversed(top_level)), args)


def _replies(state: _State, args: Args) -> Args:
    channel, parent = str(args.get("channel") or ""), str(args.get("ts") or "")
    with state.changed:
        thread = [
            m
            for m in state.messages
            if m["channel"] == channel and (m["ts"] == parent or m.get("thread_ts") == parent)
        ]
    if not thread:
        return {"ok": False, "error": "thread_not_found"}
    return _page(thread, args)


def _page(messages: list[Args], args: Args) -> Args:
    """One page of messages after `oldest` (exclusive unless `inclusive`), cursor = an offset."""
    if args.get("oldest"):
        oldest = float(args["oldest"])
        inclusive = _truthy(args.get("inclusive"))
        messages = [
            m for m in messages if float(m["ts"]) > oldest or (inclusive and float(m["ts"]) == oldest)
        ]
    start = int(str(args.get("cursor") or "offset:0").removeprefix("offset:"))
    limit = int(args.get("limit") or 100)
    chunk = messages[start : start + limit]
    if not _truthy(args.get("include_all_metadata")):
        chunk = [{k: v for k, v in m.items() if k != "metadata"} for m in chunk]
    more = start + limit < len(messages)
    return {
        "ok": True,
        "messages": [{k: v for k, v in m.items() if k != "channel"} for m in chunk],
        "has_more": more,
        "response_metadata": {"next_cursor": f"offset:{start + limit}" if more else ""},
    }


def _auth_test(state: _State, args: Args) -> Args:
    return {
        "ok": True,
        "url": "https://monitor-test.slack.com/",
        "team": "Test",
        "user": "monitor",
        "team_id": TEAM_ID,
        "user_id": BOT_USER,
        "bot_id": BOT_ID,
    }


def _update(state: _State, args: Args) -> Args:
    channel, ts = str(args.get("channel") or ""), str(args.get("ts") or "")
    problem = _block_problem(args.get("blocks") or [])
    if problem:
        return {"ok": False, "error": "invalid_blocks", "errors": [problem]}
    with state.changed:
        message = next((m for m in state.messages if m["channel"] == channel and m["ts"] == ts), None)
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        message.update(text=args.get("text", ""), blocks=args.get("blocks") or [], edited=True)
    return {"ok": True, "channel": channel, "ts": ts, "text": message["text"]}


def _connections_open(state: _State, args: Args) -> Args:
    return {"ok": True, "url": state.socket_url} if state.socket_url else {"ok": False, "error": "internal_error"}


def _views_open(state: _State, args: Args) -> Args:
    if not args.get("trigger_id"):
        return {"ok": False, "error": "invalid_trigger_id"}
    view = args.get("view")
    view = json.loads(view) if isinstance(view, str) else view
    return {"ok": True, "view": {"id": "V0NOTE", **(view or {})}}


_METHODS: dict[str, Callable[[_State, Args], Args]] = {
    "chat.postMessage": _post_message,
    "chat.update": _update,
    "apps.connections.open": _connections_open,
    "views.open": _views_open,
    "conversations.history": _history,
    "conversations.replies": _replies,
    "auth.test": _auth_test,
}
