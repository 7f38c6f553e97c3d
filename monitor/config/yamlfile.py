"""Load a YAML file keeping line numbers, and validate it with pydantic into frozen objects.

Validation errors become a `ConfigError` naming file, line and field, e.g.
`feeds.yaml:14: feeds[2].interval: expected a duration like '15m' (got '15 minutes')`.

`load_checked` reads a file with ruamel's C parser first (a 1,000-feed file in a sixth of the
round-trip parser's time, which every `monitor` command would pay) and only when the file turns out
wrong reads it again with line numbers, so that the error can name its line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from monitor.domain.errors import ConfigError

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def load_checked(path: Path, check: Callable[[Any, Path], T]) -> T:
    """`check(data, path)` on the file's plain data; when it raises ConfigError, again on the
    round-trip objects, so that `line_of` finds the line the error names (both parse YAML 1.2 alike)."""
    try:
        return check(read_yaml(path, typ="safe"), path)
    except ConfigError:
        return check(read_yaml(path), path)


def read_yaml(path: Path, typ: Literal["rt", "safe"] = "rt") -> Any:
    """Parse `path` into ruamel's round-trip objects (which remember line numbers), or with
    `typ="safe"` into plain dicts and lists (with ruamel.yaml.clib, in C; no line numbers)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("file not found", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", file=str(path)) from None
    try:
        return YAML(typ=typ).load(text)
    except MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ConfigError(f"not valid YAML: {exc.problem}", file=str(path), line=line) from None


def validate(model: type[M], data: Any, path: Path) -> M:
    """Validate `data` (from `read_yaml`) as `model`; the first error names its line and field."""
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        line = line_of(data, loc)
        got = _value_at(data, loc)
        message = clean_message(error["msg"])
        if got is not None and not isinstance(got, (dict, list)):
            message += f" (got {got!r})"
        raise ConfigError(message, file=str(path), line=line, field=field_name(loc)) from None


def field_name(loc: tuple[Any, ...]) -> str:
    """('feeds', 2, 'interval') -> 'feeds[2].interval'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_of(data: Any, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the deepest node of `loc` that exists in `data`."""
    line: int | None = None
    node = data
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            position = _position(node.lc.key, part)
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            position = _position(node.lc.item, part)
        else:
            break
        node = node[part]
        line = position if position is not None else line
    return line


def _position(lookup: Any, part: Any) -> int | None:
    # Nodes added in memory (e.g. by `monitor feeds add`) have no position: keep the parent's line.
    try:
        return int(lookup(part)[0]) + 1
    except (KeyError, IndexError, TypeError):
        return None


def _value_at(data: Any, loc: tuple[Any, ...]) -> Any:
    node = data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def clean_message(msg: str) -> str:
    # pydantic prefixes messages from our own validators with "Value error, ".
    return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
