"""Make untrusted feed text harmless for each medium a notifier writes to.

Feed titles and passages are written by strangers. In Slack, `<!channel>` pings everyone and
`<http://evil|click>` forges a link; on a terminal, ANSI escapes rewrite the screen; bidi overrides
make text read differently than it is. HTML is escaped by Jinja2's autoescape, not here.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

ELLIPSIS = "…"

# Slack decodes exactly these three entities; escaping `&` first keeps `&lt;` typed by a feed literal.
_SLACK_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}

# C0 and C1 controls except tab and newline, DEL, and the invisible characters that reorder or hide
# text (bidi embeddings/overrides/isolates, zero-width space, BOM).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x85]")
# CSI / OSC / other ESC sequences, removed whole so no "[31m" residue is left on a terminal.
_ANSI = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])|\x9b[0-?]*[ -/]*[@-~]"
)
_URL_FORBIDDEN = re.compile(r'[\s|<>"\\]')

MAX_URL_LENGTH = 2000


def plain(text: str, limit: int | None = None) -> str:
    """Text with line breaks normalised and control/invisible characters removed, capped at `limit`."""
    text = _ANSI.sub("", _LINE_BREAKS.sub("\n", text))
    text = _INVISIBLE.sub("", text.replace("\t", " "))
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)].rstrip() + ELLIPSIS
    return text


def one_line(text: str, limit: int | None = None) -> str:
    """`plain` text folded onto one line: headlines and names must not break a layout."""
    return plain(" ".join(text.split()), limit)


def mrkdwn(text: str, limit: int = 3000) -> str:
    """Text for a Slack mrkdwn or plain_text field: `&<>` escaped, controls removed, at most `limit` chars.

    The cap is applied to the escaped text without ever cutting an entity in half (a stray `&am`
    would show as garbage), because Slack rejects blocks whose text exceeds its limits.
    """
    escaped = [_SLACK_ENTITIES.get(char, char) for char in plain(text)]
    if sum(map(len, escaped)) <= limit:
        return "".join(escaped)
    out: list[str] = []
    room = limit - len(ELLIPSIS)
    for piece in escaped:
        if len(piece) > room:
            break
        out.append(piece)
        room -= len(piece)
    return "".join(out).rstrip() + ELLIPSIS


def terminal(text: str) -> str:
    """Text safe to print on a terminal: ANSI sequences and other control characters removed."""
    return plain(text)


def safe_url(url: str) -> str | None:
    """`url` if it is a plain http(s) link with a host, else None (the caller shows it as text).

    Rejected: other schemes (`javascript:`, `data:`, `file:`), whitespace or controls, the `|<>`
    that would break out of a Slack link, quotes and backslashes that browsers reinterpret,
    credentials (`https://trusted@evil.example`), and absurd lengths.
    """
    candidate = url.strip()
    if not candidate or len(candidate) > MAX_URL_LENGTH:
        return None
    if _URL_FORBIDDEN.search(candidate) or _INVISIBLE.search(candidate) or not candidate.isprintable():
        return None
    try:
        parts = urlsplit(candidate)
        _ = parts.port  # raises on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if "@" in parts.netloc:
        return None
    return candidate
