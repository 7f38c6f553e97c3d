"""`feeds.yaml`: the sources to poll, as frozen, validated `Feed` objects."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from monitor.config.yamlfile import line_of, load_checked, validate
from monitor.domain.errors import ConfigError

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

DEFAULT_INTERVAL = dt.timedelta(minutes=15)


def parse_duration(value: Any) -> dt.timedelta:
    """'15m' -> 15 minutes. Accepts s, m, h, d; raises ValueError with the expected form."""
    if isinstance(value, dt.timedelta):
        return value
    match = _DURATION.match(str(value))
    if not match or int(match.group(1)) == 0:
        raise ValueError("expected a duration like '15m', '1h' or '30s'")
    return dt.timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


class Select(BaseModel):
    """CSS selectors for a list page with no feed (`kind: html`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    item: str
    title: str | None = None
    link: str | None = "a"
    date: str | None = None
    summary: str | None = None


class Feed(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    url: str
    kind: Literal["rss", "reliefweb", "html", "gdelt", "sitemap"] = "rss"
    interval: dt.timedelta = DEFAULT_INTERVAL
    language: str | None = None
    tags: tuple[str, ...] = ()
    enabled: bool = True
    fulltext: bool = False
    select: Select | None = None
    query: str | None = None  # kind: gdelt, the DOC 2.0 API query
    confirmed: str | None = None  # where the address was confirmed (the publisher's page listing its feeds)

    @field_validator("interval", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> dt.timedelta:
        return parse_duration(value)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("expected an http:// or https:// URL")
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", value):
            raise ValueError("expected letters, digits, '.', '_' or '-' (no spaces)")
        return value


class FeedsFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    feeds: tuple[Feed, ...] = ()


def load_feeds(path: Path) -> tuple[Feed, ...]:
    """Read and validate `feeds.yaml`; raises ConfigError naming file, line and field."""
    return load_checked(path, _feeds)


def _feeds(data: Any, path: Path) -> tuple[Feed, ...]:
    feeds = validate(FeedsFile, data, path).feeds
    seen: set[str] = set()
    for index, feed in enumerate(feeds):
        if feed.name in seen:
            raise ConfigError(f"duplicate feed name {feed.name!r}", file=str(path),
                              line=line_of(data, ("feeds", index, "name")), field=f"feeds[{index}].name")
        if feed.kind == "html" and feed.select is None:
            raise ConfigError("kind: html needs select: {item: ..., title: ..., link: ...}", file=str(path),
                              line=line_of(data, ("feeds", index, "kind")), field=f"feeds[{index}].select")
        if feed.kind == "gdelt" and not (feed.query or "").strip():
            raise ConfigError("kind: gdelt needs query: (GDELT DOC 2.0 search terms)", file=str(path),
                              line=line_of(data, ("feeds", index, "kind")), field=f"feeds[{index}].query")
        seen.add(feed.name)
    return feeds
