"""HTTP for every source: conditional GETs with hard limits, every failure classified as a FetchError.

One shared `httpx.AsyncClient` (connection reuse) sits behind `Fetcher.get`, which:

- sends `If-None-Match` / `If-Modified-Since` from the last `Validators` and reports a 304 as
  `not_modified` (the caller then skips parsing, as miniflux does);
- follows at most `max_redirects` redirects itself, so a loop is seen as a loop;
- streams the body and counts *decoded* bytes against a cap (a gzip bomb ends as
  `decompression_bomb`, a huge body as `too_large`);
- ends the whole request after `deadline` seconds, so a server that drips one byte a second cannot
  hold a poll cycle hostage (httpx's read timeout only bounds the gap between bytes);
- reads `Retry-After` and `Cache-Control: max-age` so the scheduler can back off.

Failures leave only as `FetchError` (or `FetchHTTPError` for a bad status), built by `classify`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import re
import ssl
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from monitor.domain.errors import FetchError, FetchHTTPError

MiB = 1024 * 1024
DEFAULT_USER_AGENT = "monitor/0.1 (+human-rights media monitoring; feed reader)"

# Only codecs whose expansion httpx decodes chunk by chunk; brotli/zstd would be negotiated
# automatically if their packages happened to be installed, and their bomb ratios are far higher.
_ACCEPT_ENCODING = "gzip, deflate"
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class Validators:
    """What the server said last time, sent back so it can answer 304 Not Modified."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchLimits:
    """Hard bounds for one request; `deadline` covers redirects and the whole body."""

    max_bytes: int = 10 * MiB
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 30.0
    max_redirects: int = 5


@dataclass(frozen=True)
class FetchResult:
    """A completed response: 2xx with its body, or 304 (`not_modified`, empty `content`)."""

    url: str  # final URL, after redirects
    status: int
    content: bytes
    headers: dict[str, str]  # lowercase names; repeated headers joined with ", "
    validators: Validators
    not_modified: bool = False
    retry_after: dt.timedelta | None = None
    max_age: dt.timedelta | None = None

    @property
    def content_type(self) -> str:
        """The media type without parameters, lowercase ('' when absent)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def make_client(limits: FetchLimits = FetchLimits(), user_agent: str = DEFAULT_USER_AGENT,
                *, max_connections: int = 20) -> httpx.AsyncClient:
    """The one shared client: timeouts from `limits`, redirects left to `Fetcher` (it counts them)."""
    timeout = httpx.Timeout(connect=limits.connect_timeout, read=limits.read_timeout,
                            write=limits.read_timeout, pool=limits.deadline)
    return httpx.AsyncClient(
        timeout=timeout,
        follow_redirects=False,
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
        headers={"User-Agent": user_agent, "Accept-Encoding": _ACCEPT_ENCODING},
    )


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Fetcher:
    """Conditional, bounded GETs over one shared client, at most `per_host` at a time per host."""

    def __init__(self, client: httpx.AsyncClient, *, limits: FetchLimits = FetchLimits(),
                 max_concurrency: int = 10, per_host: int = 2,
                 clock: Callable[[], dt.datetime] = _utcnow) -> None:
        self._client = client
        self.limits = limits
        self._global = asyncio.Semaphore(max_concurrency)
        self._per_host_limit = per_host
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._clock = clock

    async def get(self, url: str, validators: Validators = Validators(), *,
                  max_bytes: int | None = None) -> FetchResult:
        """GET `url`; raises only `FetchError` for network and HTTP problems (see `classify`)."""
        cap = max_bytes if max_bytes is not None else self.limits.max_bytes
        try:
            return await self._follow(url, validators, cap)
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError, TimeoutError,
                ssl.SSLError, UnicodeError) as exc:
            raise classify(exc, url=url) from exc

    async def _follow(self, url: str, validators: Validators, cap: int) -> FetchResult:
        _check_url(url, "bad_url")
        seen = {url}
        ends: float | None = None  # the deadline starts with the first request, not in the queue
        for _hop in range(self.limits.max_redirects + 1):
            async with self._slot(url):
                ends = ends or asyncio.get_running_loop().time() + self.limits.deadline
                async with asyncio.timeout_at(ends), self._client.stream(
                        "GET", url, headers=_conditional_headers(validators)) as response:
                    if response.status_code not in _REDIRECT_STATUSES:
                        return await self._finish(response, validators, cap)
                    url = _redirect_target(response)
            if url in seen:
                raise FetchError("redirect_loop", f"redirect loop back to {url}")
            seen.add(url)
        raise FetchError("redirect_loop", f"more than {self.limits.max_redirects} redirects, last to {url}")

    @asynccontextmanager
    async def _slot(self, url: str) -> AsyncIterator[None]:
        """The host's slot first, then a global one: a request queued for a busy host must not sit
        on a global slot that requests to idle hosts could use."""
        host = (urlsplit(url).hostname or "").lower()
        slot = self._hosts.setdefault(host, asyncio.Semaphore(self._per_host_limit))
        async with slot, self._global:
            yield

    async def _finish(self, response: httpx.Response, validators: Validators, cap: int) -> FetchResult:
        headers = _lower_headers(response.headers)
        retry_after = parse_retry_after(headers.get("retry-after"), headers.get("date"), self._clock())
        if response.status_code == 304:
            return _result(response, b"", headers, validators, retry_after, not_modified=True)
        if not 200 <= response.status_code < 300:
            raise status_error(response.status_code, str(response.url), retry_after)
        content = await read_capped(response, cap)
        return _result(response, content, headers, validators, retry_after, not_modified=False)


def _conditional_headers(validators: Validators) -> dict[str, str]:
    headers = {}
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def _redirect_target(response: httpx.Response) -> str:
    location = response.headers.get("location", "").strip()
    if not location:
        raise FetchHTTPError("bad_redirect", f"{response.status_code} from {response.url} has no Location",
                             status=response.status_code)
    try:
        target = urljoin(str(response.url), location)
        _check_url(target, "bad_redirect")
    except (ValueError, FetchError) as exc:
        raise FetchHTTPError("bad_redirect", f"{response.url} redirects to {location!r}: {exc}",
                             status=response.status_code) from exc
    return target


def _check_url(url: str, kind: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. "Invalid IPv6 URL"
        raise FetchError(kind, f"{url!r}: {exc}") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(kind, f"{url!r} is not an http(s) URL with a host")


async def read_capped(response: httpx.Response, cap: int) -> bytes:
    """The decoded body, refusing to hold more than `cap` bytes of it."""
    encoded = "content-encoding" in response.headers
    declared = response.headers.get("content-length", "")
    if not encoded and declared.isdigit() and int(declared) > cap:
        raise FetchError("too_large", f"{response.url} declares {int(declared)} bytes (limit {cap})")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > cap:
            raise _over_cap(response, size, cap, encoded)
        chunks.append(chunk)
    return b"".join(chunks)


def _over_cap(response: httpx.Response, size: int, cap: int, encoded: bool) -> FetchError:
    # A compressed body that inflates past the cap while its wire size is still small is a bomb,
    # not just a big document; the two are counted apart.
    if encoded and response.num_bytes_downloaded < cap:
        return FetchError("decompression_bomb",
                          f"{response.url}: {response.num_bytes_downloaded} compressed bytes inflate past "
                          f"{cap} (limit)")
    return FetchError("too_large", f"{response.url}: body passes {cap} bytes (read {size})")


def _result(response: httpx.Response, content: bytes, headers: dict[str, str], previous: Validators,
            retry_after: dt.timedelta | None, *, not_modified: bool) -> FetchResult:
    # A 304 need not repeat the validators; keep the ones that earned it.
    kept = previous if not_modified else Validators()
    validators = Validators(headers.get("etag") or kept.etag,
                            headers.get("last-modified") or kept.last_modified)
    return FetchResult(url=str(response.url), status=response.status_code, content=content,
                       headers=headers, validators=validators, not_modified=not_modified,
                       retry_after=retry_after, max_age=parse_max_age(headers.get("cache-control")))


def _lower_headers(headers: httpx.Headers) -> dict[str, str]:
    merged: dict[str, str] = {}
    for name, value in headers.multi_items():
        key = name.lower()
        merged[key] = f"{merged[key]}, {value}" if key in merged else value
    return merged


def parse_retry_after(value: str | None, date: str | None, now: dt.datetime) -> dt.timedelta | None:
    """`Retry-After: 120` or an HTTP date -> a non-negative delay; None when absent or unreadable.

    A date is measured against the response's own `Date` header when there is one, so a server whose
    clock is off still gets the delay it meant.
    """
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return dt.timedelta(seconds=int(value))
    when = _http_date(value)
    if when is None:
        return None
    reference = _http_date(date) if date else None
    return max(when - (reference or now), dt.timedelta(0))


def _http_date(value: str) -> dt.datetime | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def parse_max_age(cache_control: str | None) -> dt.timedelta | None:
    """`Cache-Control: public, max-age=300` -> 5 minutes."""
    match = _MAX_AGE.search(cache_control or "")
    return dt.timedelta(seconds=int(match.group(1))) if match else None


def status_error(status: int, url: str, retry_after: dt.timedelta | None = None) -> FetchHTTPError:
    """A non-2xx status as a FetchError: `http_404`, `http_429`, ... and `http_5xx` for every 5xx."""
    kind = "http_5xx" if 500 <= status < 600 else f"http_{status}"
    hint = f"; retry after {retry_after}" if retry_after is not None else ""
    return FetchHTTPError(kind, f"{url} answered {status}{hint}", status=status, retry_after=retry_after)


_CONNECT_KINDS: Mapping[str, str] = {
    # httpx reports these as ConnectError; the cause is only in the message.
    "name or service not known": "dns",
    "nodename nor servname": "dns",
    "temporary failure in name resolution": "dns",
    "getaddrinfo": "dns",
    "certificate": "tls",
    "ssl": "tls",
}


def classify(exc: BaseException, *, url: str = "") -> FetchError:
    """The one place that turns a failure into a FetchError with a short, countable `kind`."""
    if isinstance(exc, FetchError):
        return exc
    where = f"{url}: " if url else ""
    kind = _kind_of(exc)
    detail = str(exc) or type(exc).__name__
    return FetchError(kind, f"{where}{detail}")


def _kind_of(exc: BaseException) -> str:
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return "timeout"
    if isinstance(exc, httpx.TooManyRedirects):
        return "redirect_loop"
    if isinstance(exc, ssl.SSLError):
        return "tls"
    if isinstance(exc, httpx.ConnectError | ConnectionRefusedError):
        message = str(exc).lower()
        return next((kind for text, kind in _CONNECT_KINDS.items() if text in message), "connect")
    if isinstance(exc, httpx.DecodingError):
        return "bad_encoding"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.LocalProtocolError):
        return "protocol"
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL | UnicodeError):
        return "bad_url"
    if isinstance(exc, httpx.HTTPStatusError):
        return status_error(exc.response.status_code, str(exc.request.url)).kind
    if isinstance(exc, httpx.TransportError | OSError):
        return "network"
    return "fetch"


__all__ = [
    "DEFAULT_USER_AGENT", "FetchHTTPError", "FetchLimits", "FetchResult", "Fetcher", "MiB", "Validators",
    "classify", "make_client", "parse_max_age", "parse_retry_after", "read_capped", "status_error",
]
