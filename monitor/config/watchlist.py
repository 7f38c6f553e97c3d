"""Load `watchlist.yaml` into the domain's frozen `Watchlist`, with errors naming file, line and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from monitor.config.yamlfile import line_of, load_checked, validate
from monitor.domain.errors import ConfigError
from monitor.domain.watchlist import Watchlist


def load_watchlist(path: Path) -> Watchlist:
    """Read and validate `watchlist.yaml`; raises ConfigError naming file, line and field."""
    return load_checked(path, _watchlist)


def _watchlist(data: Any, path: Path) -> Watchlist:
    watchlist = validate(Watchlist, data, path)
    _check_unique_ids(watchlist, data, path)
    return watchlist


def _check_unique_ids(watchlist: Watchlist, data: Any, path: Path) -> None:
    for section in ("units", "cases", "statements"):
        seen: set[str] = set()
        for index, entry in enumerate(getattr(watchlist, section)):
            if entry.id in seen:
                line = line_of(data, (section, index, "id"))
                raise ConfigError(f"duplicate id {entry.id!r}", file=str(path), line=line,
                                  field=f"{section}[{index}].id")
            seen.add(entry.id)
