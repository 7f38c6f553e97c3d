"""The one exception tree of the project; the CLI turns these into one-line messages and exit codes.

    MonitorError
    ├── ConfigError        a bad feeds.yaml / watchlist.yaml / setting (exit 2), names file:line: field
    ├── FetchError         one source could not be fetched or parsed (recorded per feed, never raised
    │   │                  out of a poll cycle)
    │   └── FetchHTTPError     the server answered a status we cannot use; carries status, Retry-After
    ├── DeliveryError      a notifier could not deliver (alert / digest stays queued)
    │   └── FatalDeliveryError   retrying will not help (invalid_auth, channel_not_found)
    ├── ModelError         the embedding model could not be loaded (says which and how to get it)
    └── NotFoundError      a unit, case or item id that neither the watchlist nor the store knows
"""

from __future__ import annotations

import datetime as dt


class MonitorError(Exception):
    """Base of every error this project raises on purpose."""


class ConfigError(MonitorError):
    """Bad configuration. `str()` reads like `feeds.yaml:14: interval: expected a duration like '15m'`."""

    def __init__(self, message: str, *, file: str = "", line: int | None = None, field: str = "") -> None:
        self.file, self.line, self.field, self.message = file, line, field, message
        where = file + (f":{line}" if line is not None else "")
        parts = [p for p in (where, field) if p]
        super().__init__(": ".join([*parts, message]))


class FetchError(MonitorError):
    """A source failed; `kind` is a short class name for counting (timeout, http_404, too_large, ...)."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        super().__init__(f"{kind}: {message}")


class FetchHTTPError(FetchError):
    """A 4xx/5xx or broken redirect; `retry_after` (from 429/503) lets the scheduler back off politely."""

    def __init__(self, kind: str, message: str, *, status: int, retry_after: dt.timedelta | None = None) -> None:
        super().__init__(kind, message)
        self.status = status
        self.retry_after = retry_after


class DeliveryError(MonitorError):
    """A notifier failed in a way that may pass (network, 5xx after retries): keep it queued."""


class FatalDeliveryError(DeliveryError):
    """A notifier failed in a way retrying cannot fix (bad token, unknown channel): stop and say so."""


class ModelError(MonitorError):
    """The sentence-transformers model could not be loaded."""


class NotFoundError(MonitorError):
    """An id asked for (`monitor dossier UNIT_ID`, a console page) that the watchlist or store does not know."""
