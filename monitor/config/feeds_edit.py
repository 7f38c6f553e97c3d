"""`monitor feeds add`: append a feed to feeds.yaml, keeping the user's comments and layout."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from monitor.config.feeds import Feed, FeedsFile
from monitor.config.yamlfile import read_yaml, validate
from monitor.domain.errors import ConfigError


def default_name(url: str) -> str:
    """A feed name from its URL: host and path words, e.g. 'news-un-org-feed-rss'."""
    parts = urlsplit(url)
    words = re.findall(r"[a-z0-9]+", f"{parts.hostname or ''} {parts.path}".lower())
    words = [w for w in words if w not in {"www", "xml", "html", "php"}]
    return "-".join(words)[:60] or "feed"


def add_feed(path: Path, url: str, *, name: str | None = None, kind: str = "rss",
             interval: str | None = None) -> Feed:
    """Append one feed entry; the whole file is validated before it is written (atomically)."""
    entry: dict[str, Any] = {"url": url}
    if name:
        entry["name"] = name
    if kind != "rss":
        entry["kind"] = kind
    if interval:
        entry["interval"] = interval
    return add_feeds(path, [entry], strict_names=bool(name))[0]


def add_feeds(path: Path, entries: Sequence[Mapping[str, Any]], *, strict_names: bool = True) -> list[Feed]:
    """Append feed entries (mappings as in feeds.yaml, `name` made from the URL when absent) and
    write the file once, atomically, after validating all of it; comments and layout are kept.

    A given name that is taken is an error when `strict_names`; made-up names get a -2, -3 suffix.
    """
    data = read_yaml(path) if path.exists() else None
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap):
        raise ConfigError("expected a mapping with a 'feeds:' list", file=str(path), line=1)
    feeds = data.setdefault("feeds", CommentedSeq())
    if feeds is None:
        feeds = data["feeds"] = CommentedSeq()
    first = len(feeds)
    for given in entries:
        entry = CommentedMap(given)
        wanted = entry.pop("name", None)
        taken = {f.get("name") for f in feeds if isinstance(f, dict)}
        if wanted and wanted in taken and strict_names:
            raise ConfigError(f"a feed named {wanted!r} exists already; pass --name", file=str(path),
                              field="name")
        entry.insert(0, "name", _unique(wanted or default_name(str(entry["url"])), feeds))
        feeds.append(entry)
    parsed = validate(FeedsFile, data, path)  # names the field if a new entry is bad
    _write_atomically(path, data)
    return list(parsed.feeds[first:])


def _unique(name: str, feeds: CommentedSeq) -> str:
    taken = {f.get("name") for f in feeds if isinstance(f, dict)}
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}-{n}", n + 1
    return candidate


def _write_atomically(path: Path, data: CommentedMap) -> None:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = StringIO()
    yaml.dump(data, buffer)
    fd, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", prefix=".feeds-", suffix=".yaml")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(buffer.getvalue())
    os.replace(tmp, path)
