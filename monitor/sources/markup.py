"""Untrusted markup -> plain text: what every source does to titles, summaries and bodies."""

from __future__ import annotations

import hashlib
import html
import re

from bs4 import BeautifulSoup

_SPACE = re.compile(r"\s+")
_INVISIBLE = ("script", "style", "noscript", "template", "head")
# Tags that separate words when rendered; inline tags (<em>, <a>) must not add a space ("contenido.")
_BLOCKS = ("p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
           "table", "blockquote", "section", "article", "header", "footer", "dd", "dt", "hr", "pre")
_XML_DECLARATION = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*>")


def html_soup(markup: str | bytes) -> BeautifulSoup:
    """Parse markup as HTML with lxml, whatever it claims to be.

    A leading `<?xml ...?>` declaration is dropped first: these pages are read as HTML on purpose,
    and BeautifulSoup would otherwise warn that XML is being parsed as HTML.
    """
    raw = markup.encode("utf-8") if isinstance(markup, str) else markup
    declaration = _XML_DECLARATION.match(raw)
    if declaration:
        # Keep the declared encoding visible to the parser, minus the declaration itself.
        encoding = re.search(rb"encoding=[\"']([\w.-]+)", declaration.group(0))
        raw = raw[declaration.end():]
        if encoding and not isinstance(markup, str):
            return BeautifulSoup(raw, "lxml", from_encoding=encoding.group(1).decode("ascii"))
    return BeautifulSoup(raw, "lxml", from_encoding="utf-8" if isinstance(markup, str) else None)


def plain_text(markup: str | None) -> str:
    """HTML or text -> one line of plain text: tags dropped, entities unescaped, whitespace collapsed."""
    if not markup:
        return ""
    # Without a '<' there is no markup to parse, and BeautifulSoup would warn that a short
    # string looks like a URL or file name.
    if "<" in markup:
        soup = html_soup(markup)
        for tag in soup.find_all(_INVISIBLE):
            tag.decompose()
        for tag in soup.find_all(_BLOCKS):
            tag.insert_before(" ")
            tag.insert_after(" ")
        markup = soup.get_text()
    return _SPACE.sub(" ", html.unescape(markup)).strip()


def squash(text: str) -> str:
    """Runs of whitespace -> one space (for text that is already plain)."""
    return _SPACE.sub(" ", text).strip()


def text_key(*parts: str) -> str:
    """A stable id for an entry that has neither id nor link: a hash of its visible text."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"sha256:{digest[:32]}"
