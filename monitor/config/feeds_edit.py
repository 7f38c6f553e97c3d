"""`monitor feeds add`: append a feed to feeds.yaml, keeping the user's comments and layout."""

from __future__ import annotations

import os
import re
import tempfile
from io import StringIO
from pathlib import Path
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
    data = read_yaml(path) if path.exists() else None
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap):
        raise ConfigError("expected a mapping with a 'feeds:' list", file=str(path), line=1)
    feeds = data.setdefault("feeds", CommentedSeq())
    if feeds is None:
        feeds = data["feeds"] = CommentedSeq()
    entry = CommentedMap(name=name or _unique(default_name(url), feeds), url=url)
    if kind != "rss":
        entry["kind"] = kind
    if interval:
        entry["interval"] = interval
    feeds.append(entry)
    parsed = validate(FeedsFile, data, path)  # names the field if the new entry is bad
    names = [f.name for f in parsed.feeds]
    if names.count(entry["name"]) > 1:
        raise ConfigError(f"a feed named {entry['name']!r} exists already; pass --name", file=str(path),
                          field="name")
    _write_atomically(path, data)
    return parsed.feeds[-1]


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
