"""OPML in and out: `monitor feeds import FILE.opml` and `monitor feeds export`.

Feedly, Inoreader, Miniflux and Thunderbird all export OPML; their files differ in whether folders
nest, whether outlines carry `text`, `title` or neither, and in duplicate subscriptions. listparser
(maintained, lenient) reads all of them; we only decide what becomes a feed:

- every outline with an `xmlUrl` (http/https) is a feed; its folders (all levels) and its
  `category` attribute become `tags`, plus `--tag`;
- its name is made from the title (letters and digits, '-'), else from the URL;
- an address or a name already in feeds.yaml, or taken earlier in the file, is skipped and reported;
  an address repeated inside the file (the same feed in two folders) is one feed with the tags of
  both folders (listparser merges them), reported as merged.

Hostile files are refused before parsing, as configuration errors (one line, exit 2): more than
`MAX_BYTES`, or any DOCTYPE / entity declaration (nothing in OPML needs one; entities are how XML
files are made to explode or to read local files).

Export writes OPML 2.0: one folder per feed's first tag, every tag in `category`, `type="rss"`.
Only feeds a reader can subscribe to (kind rss) are written; the others are counted as skipped.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import listparser
from lxml import etree

from monitor.config.feeds import Feed
from monitor.config.feeds_edit import add_feeds, default_name
from monitor.config.yamlfile import read_yaml
from monitor.domain.errors import ConfigError
from monitor.domain.text import strip_accents

MAX_BYTES = 5 * 1024 * 1024  # a reader's export of 10,000 subscriptions is about 2 MB
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass(frozen=True)
class Outline:
    """One subscription read from an OPML file."""

    url: str
    title: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Opml:
    outlines: list[Outline]
    repeated: int  # outlines whose address came earlier in the file (merged into the first)


@dataclass(frozen=True)
class ImportReport:
    added: tuple[Feed, ...]
    skipped: tuple[str, ...] = field(default=())  # "url: why", one per outline not added


def read_opml(path: Path) -> Opml:
    """The subscriptions of an OPML file, in file order; raises ConfigError for a hostile or non-OPML file."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ConfigError(f"{size} bytes is more than an OPML file needs (limit {MAX_BYTES}); refused",
                          file=str(path))
    data = path.read_bytes()
    declaration = _DECLARATION.search(data)
    if declaration:
        line = data.count(b"\n", 0, declaration.start()) + 1
        raise ConfigError("a DOCTYPE or entity declaration (entity expansion, local files); refused",
                          file=str(path), line=line)
    parsed = listparser.parse(data)
    if not parsed.get("version") and not parsed.feeds:
        raise ConfigError("not an OPML subscription list (no <opml> with outlines)", file=str(path))
    outlines = [o for o in (_outline(f) for f in parsed.feeds) if o is not None]
    return Opml(outlines, max(0, _feed_outlines(data) - len(parsed.feeds)))


def _feed_outlines(data: bytes) -> int:
    """How many outlines carry an xmlUrl, repeats included (listparser reports each address once)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=True)
    root = etree.fromstring(data, parser)
    if root is None:
        return 0
    return sum(1 for o in root.iter("outline") if any(k.lower() == "xmlurl" for k in o.attrib))


def _outline(feed: Any) -> Outline | None:
    url = str(feed.get("url") or "").strip()
    if not re.match(r"^https?://[^\s/]+", url):
        return None
    tags: list[str] = []
    for category in feed.get("categories") or ():
        for name in category:  # a nested folder ["News", "Mexico"] gives both tags
            if str(name).strip() and str(name).strip() not in tags:
                tags.append(str(name).strip())
    return Outline(url=url, title=str(feed.get("title") or "").strip(), tags=tuple(tags))


def import_opml(feeds_path: Path, opml_path: Path, *, tag: str | None = None) -> ImportReport:
    """Append every new subscription of `opml_path` to `feeds_path` (comments kept), one write."""
    opml = read_opml(opml_path)
    existing = read_yaml(feeds_path) if feeds_path.exists() else None
    entries = existing.get("feeds") if isinstance(existing, dict) else None
    urls = {str(e.get("url")) for e in entries or () if isinstance(e, dict)}
    names = {str(e.get("name")) for e in entries or () if isinstance(e, dict)}
    new: list[dict[str, Any]] = []
    skipped: list[str] = []
    if opml.repeated:
        skipped.append(f"{opml.repeated} outlines repeat an address of the same file: merged, their folders as tags")
    for outline in opml.outlines:
        name = feed_name(outline)
        if outline.url in urls:
            skipped.append(f"{outline.url}: address already listed")
            continue
        if name in names:
            skipped.append(f"{outline.url}: a feed named {name!r} is already listed")
            continue
        urls.add(outline.url)
        names.add(name)
        tags = [*outline.tags, *([tag] if tag and tag not in outline.tags else [])]
        new.append({"name": name, "url": outline.url, **({"tags": tags} if tags else {})})
    added = add_feeds(feeds_path, new) if new else []
    return ImportReport(tuple(added), tuple(skipped))


def feed_name(outline: Outline) -> str:
    """A feeds.yaml name from the outline's title ('Proceso — Nacional' -> 'proceso-nacional')."""
    words = re.findall(r"[a-z0-9]+", strip_accents(outline.title).lower())
    return "-".join(words)[:60] if words else default_name(outline.url)


def export_opml(feeds: Sequence[Feed], *, title: str = "monitor feeds") -> tuple[str, int]:
    """OPML 2.0 text of the rss feeds, folders by first tag; and how many feeds were left out."""
    opml = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(opml, "head")
    ElementTree.SubElement(head, "title").text = title
    ElementTree.SubElement(head, "dateCreated").text = email.utils.formatdate(usegmt=True)
    body = ElementTree.SubElement(opml, "body")
    folders: dict[str, ElementTree.Element] = {}
    readable = [f for f in feeds if f.kind == "rss"]
    for feed in readable:
        parent = body
        if feed.tags:
            first = feed.tags[0]
            if first not in folders:
                folders[first] = ElementTree.SubElement(body, "outline", text=first, title=first)
            parent = folders[first]
        attributes = {"type": "rss", "text": feed.name, "title": feed.name, "xmlUrl": feed.url}
        if feed.tags:
            attributes["category"] = ",".join(f"/{t}" for t in _safe_tags(feed.tags))
        ElementTree.SubElement(parent, "outline", attributes)
    ElementTree.indent(opml)
    text = ElementTree.tostring(opml, encoding="unicode", xml_declaration=False)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n", len(feeds) - len(readable)


def _safe_tags(tags: Iterable[str]) -> list[str]:
    # ',' and '/' separate categories and their levels in OPML's category attribute
    return [re.sub(r"[,/]", " ", t).strip() for t in tags if re.sub(r"[,/]", "", t).strip()]
