"""Fetcher against a real loopback server: conditional GETs, limits, and every failure classified."""

from __future__ import annotations

import datetime as dt
import gzip
import socket
from collections.abc import Iterator

import pytest

from monitor.domain.errors import FetchError
from monitor.fetch import (
    Fetcher,
    FetchHTTPError,
    FetchLimits,
    FetchResult,
    Validators,
    classify,
    parse_max_age,
    parse_retry_after,
)
from monitor.loopback import Loopback, Reply, Request
from tests.monitor.conftest import TEST_LIMITS, run_fetch

MB = 1024 * 1024


def get(url: str, validators: Validators | None = None, *, limits: FetchLimits = TEST_LIMITS,
        max_bytes: int | None = None) -> FetchResult:
    async def body(fetcher: Fetcher) -> FetchResult:
        return await fetcher.get(url, validators or Validators(), max_bytes=max_bytes)
    return run_fetch(body, limits)


def failure(url: str, **options: object) -> FetchError:
    with pytest.raises(FetchError) as caught:
        get(url, **options)  # type: ignore[arg-type]
    return caught.value


def conditional(request: Request) -> Reply:
    if request.headers.get("if-none-match") == '"v1"':
        return Reply(304, {"ETag": '"v1"'})
    headers = {"ETag": '"v1"', "Last-Modified": "Tue, 03 Jun 2025 10:00:00 GMT",
               "Cache-Control": "public, max-age=600", "Content-Type": "application/rss+xml"}
    return Reply(200, headers, b"<rss version='2.0'><channel><title>t</title></channel></rss>")


def test_conditional_get_returns_not_modified_with_the_validators(server: Loopback) -> None:
    server.route("/feed", conditional)
    first = get(server.url("/feed"))
    assert first.status == 200 and not first.not_modified and first.content.startswith(b"<rss")
    assert first.validators == Validators('"v1"', "Tue, 03 Jun 2025 10:00:00 GMT")
    assert first.max_age == dt.timedelta(minutes=10)
    assert first.headers["content-type"] == "application/rss+xml"

    second = get(server.url("/feed"), first.validators)
    assert second.not_modified and second.status == 304 and second.content == b""
    assert second.validators == first.validators  # kept, though the 304 repeats only the ETag
    assert server.requests[-1].headers["if-modified-since"] == "Tue, 03 Jun 2025 10:00:00 GMT"


@pytest.mark.parametrize(("status", "kind"), [(404, "http_404"), (410, "http_410"), (500, "http_5xx"),
                                              (503, "http_5xx"), (403, "http_403")])
def test_error_statuses_are_classified(server: Loopback, status: int, kind: str) -> None:
    error = failure(server.static("/x", b"nope", status=status))
    assert isinstance(error, FetchHTTPError) and error.kind == kind and error.status == status


def test_retry_after_on_429_is_kept_for_the_scheduler(server: Loopback) -> None:
    error = failure(server.static("/busy", b"", status=429, headers={"Retry-After": "120"}))
    assert isinstance(error, FetchHTTPError) and error.kind == "http_429"
    assert error.retry_after == dt.timedelta(seconds=120)


def test_retry_after_as_http_date_is_measured_from_the_server_date() -> None:
    delay = parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT", "Wed, 21 Oct 2015 07:28:00 GMT",
                              now=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    assert delay == dt.timedelta(minutes=2)
    past = parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT", None, dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    assert past == dt.timedelta(0)
    assert parse_retry_after("soon", None, dt.datetime(2030, 1, 1, tzinfo=dt.UTC)) is None
    assert parse_max_age('no-cache, max-age="30"') == dt.timedelta(seconds=30)
    assert parse_max_age("no-store") is None


def test_connection_refused_is_classified() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert failure(f"http://127.0.0.1:{port}/feed").kind == "connect"


def test_server_that_never_answers_times_out(server: Loopback) -> None:
    def stall(_request: Request) -> Reply:
        server.release.wait(10)  # released when the test's server closes
        return Reply(200, {}, b"late")
    server.route("/stall", stall)
    assert failure(server.url("/stall")).kind == "timeout"


def test_slow_drip_is_ended_by_the_total_deadline(server: Loopback) -> None:
    # Every gap is shorter than the read timeout; only the deadline can end this.
    server.route("/drip", lambda _r: Reply(200, {"Content-Type": "text/xml"}, server.drip(b"<", 0.1, 200)))
    limits = FetchLimits(max_bytes=MB, connect_timeout=1.0, read_timeout=0.5, deadline=0.6)
    assert failure(server.url("/drip"), limits=limits).kind == "timeout"


def test_redirects_are_followed_and_loops_refused(server: Loopback) -> None:
    server.static("/target", b"ok")
    server.static("/moved", b"", status=301, headers={"Location": "/target"})
    result = get(server.url("/moved"))
    assert result.url == server.url("/target") and result.content == b"ok"

    server.static("/a", b"", status=302, headers={"Location": "/b"})
    server.static("/b", b"", status=302, headers={"Location": "/a"})
    assert failure(server.url("/a")).kind == "redirect_loop"


def test_too_many_redirects_and_broken_redirects(server: Loopback) -> None:
    for hop in range(10):
        server.static(f"/hop{hop}", b"", status=307, headers={"Location": f"/hop{hop + 1}"})
    assert failure(server.url("/hop0")).kind == "redirect_loop"
    assert failure(server.static("/nowhere", b"", status=302)).kind == "bad_redirect"
    assert failure(server.static("/file", b"", status=302, headers={"Location": "file:///etc/passwd"})).kind \
        == "bad_redirect"


def fifty_megabytes() -> Iterator[bytes]:
    block = b"x" * 65536
    for _ in range(50 * MB // len(block)):
        yield block


def test_huge_body_is_cut_at_the_cap(server: Loopback) -> None:
    server.route("/big", lambda _r: Reply(200, {"Content-Type": "application/xml"}, fifty_megabytes()))
    error = failure(server.url("/big"), max_bytes=MB)
    assert error.kind == "too_large"
    declared = server.static("/declared", b"x" * (2 * MB))
    assert failure(declared, max_bytes=MB).kind == "too_large"


def test_gzip_bomb_is_refused_while_still_small_on_the_wire(server: Loopback) -> None:
    bomb = gzip.compress(b"\0" * (64 * MB), compresslevel=9)
    assert len(bomb) < MB
    server.static("/bomb", bomb, headers={"Content-Encoding": "gzip", "Content-Type": "application/xml"})
    assert failure(server.url("/bomb")).kind == "decompression_bomb"


def test_gzip_body_is_decoded(server: Loopback) -> None:
    server.static("/gz", gzip.compress(b"<rss/>"), headers={"Content-Encoding": "gzip"})
    assert get(server.url("/gz")).content == b"<rss/>"
    assert server.requests[-1].headers["accept-encoding"] == "gzip, deflate"


def test_bad_urls_are_classified() -> None:
    assert failure("ftp://example.org/feed").kind == "bad_url"
    assert failure("http://[::1/feed").kind == "bad_url"


def test_classify_is_the_one_translation() -> None:
    assert classify(TimeoutError()).kind == "timeout"
    assert classify(ConnectionRefusedError("refused")).kind == "connect"
    original = FetchError("bad_feed", "x")
    assert classify(original) is original
