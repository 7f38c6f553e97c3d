"""Refuse XML entity tricks before feedparser sees the document.

feedparser drops external and nested entity declarations itself, but it keeps "safe" ones and its
loose (sgmllib) parser expands them without any bound: one 50 KB entity referenced 20,000 times
becomes a 1 GB title (quadratic blow-up). Expat would stop that, but feedparser falls back to the
loose parser on any syntax error, which an attacker can add on purpose. So we look first:

- an external entity (`SYSTEM` / `PUBLIC`), a parameter entity (`%`), or an entity whose value
  refers to other entities (billion laughs) -> `FetchError("unsafe_xml")`;
- plain text entities are allowed while their total expansion stays under `max_expansion`.

The check runs on the bytes feedparser will parse (after its own re-encoding to UTF-8), so a
UTF-16 or EBCDIC document cannot hide a declaration from it.
"""

from __future__ import annotations

import re

from feedparser.encodings import convert_to_utf8

from monitor.domain.errors import FetchError

_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
# name, then the rest of the declaration with quoted parts kept whole (a '>' may sit inside quotes)
_BODY = re.compile(rb"<!ENTITY\s+(%\s*)?([^\s>\"']+)\s*((?:\"[^\"]*\"|'[^']*'|[^>\"'])*)>",
                   re.IGNORECASE)
_EXTERNAL = re.compile(rb"^\s*(SYSTEM|PUBLIC)\b", re.IGNORECASE)
_VALUE = re.compile(rb"^\s*(\"([^\"]*)\"|'([^']*)')\s*$")
_REFERENCE = re.compile(rb"[&%](?!#)[^\s;]*;")
MAX_ENTITIES = 64


def check_entities(data: bytes, headers: dict[str, str], *, max_expansion: int = 1024 * 1024) -> None:
    """Raise FetchError("unsafe_xml") when `data` declares entities that could leak files or explode."""
    text = _as_parsed(data, headers)
    if not _DECLARATION.search(text):
        return
    declarations = list(_BODY.finditer(text))
    if len(declarations) != len(_DECLARATION.findall(text)):
        raise FetchError("unsafe_xml", "an <!ENTITY declaration that cannot be read safely")
    if len(declarations) > MAX_ENTITIES:
        raise FetchError("unsafe_xml", f"{len(declarations)} entity declarations (limit {MAX_ENTITIES})")
    expansion = sum(_expansion(match, text) for match in declarations)
    if expansion > max_expansion:
        raise FetchError("unsafe_xml", f"entities would expand to {expansion} bytes (limit {max_expansion})")


def _expansion(declaration: re.Match[bytes], text: bytes) -> int:
    parameter, name, rest = declaration.group(1), declaration.group(2), declaration.group(3)
    shown = name.decode("utf-8", "replace")
    if parameter:
        raise FetchError("unsafe_xml", f"parameter entity %{shown} (can load external DTDs)")
    if _EXTERNAL.match(rest):
        raise FetchError("unsafe_xml", f"external entity &{shown}; (could read local files or URLs)")
    value = _VALUE.match(rest)
    if value is None:
        raise FetchError("unsafe_xml", f"entity &{shown}; has an unreadable value")
    literal = value.group(2) if value.group(2) is not None else value.group(3)
    if _REFERENCE.search(literal):
        raise FetchError("unsafe_xml", f"entity &{shown}; refers to other entities (nested expansion)")
    return len(literal) * text.count(b"&" + name + b";")


def _as_parsed(data: bytes, headers: dict[str, str]) -> bytes:
    # feedparser.parse runs exactly this conversion before parsing; checking its output means we
    # look at the same bytes the parser will.
    scratch: dict[str, object] = {}
    try:
        return bytes(convert_to_utf8(dict(headers), data, scratch))
    except (LookupError, UnicodeError, ValueError):
        return data
