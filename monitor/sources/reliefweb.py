"""The ReliefWeb API (v2 JSON reports): reports as Items, their PDF files as attachments."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from monitor.canonical import canonical_url
from monitor.config.feeds import Feed
from monitor.domain.errors import FetchError
from monitor.domain.item import Item
from monitor.fetch import FetchResult
from monitor.sources.markup import plain_text
from monitor.sources.rss import is_pdf, language_code

# Markdown that would otherwise reach the matchers as noise: [text](url), images, emphasis, headings.
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"(^|\s)[#>]+\s|[*_`]{1,3}|^\s*[-+]\s", re.MULTILINE)


def reliefweb_url(url: str, appname: str) -> str:
    """`url` with `appname=` added when it lacks one (the API refuses unidentified callers).

    The appname comes from the `RELIEFWEB_APPNAME` setting; it is never written into feeds.yaml.
    """
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(name == "appname" and value for name, value in query):
        return url
    query = [(n, v) for n, v in query if n != "appname"] + [("appname", appname)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def parse_reliefweb(feed: Feed, result: FetchResult) -> list[Item]:
    """Every report of a `{"data": [{"id", "fields": {...}}]}` answer as an Item."""
    try:
        document = json.loads(result.content)
    except (ValueError, RecursionError) as exc:
        raise FetchError("bad_json", f"{result.url}: not JSON ({exc})") from exc
    data = document.get("data") if isinstance(document, Mapping) else None
    if not isinstance(data, list):
        raise FetchError("bad_json", f"{result.url}: no 'data' list in the ReliefWeb answer")
    reports = (r for r in data if isinstance(r, Mapping) and isinstance(r.get("fields"), Mapping))
    return [_item(feed, report, result.url) for report in reports]


def _item(feed: Feed, report: Mapping[str, Any], base: str) -> Item:
    fields: Mapping[str, Any] = report["fields"]
    url = canonical_url(_text(fields.get("url") or fields.get("url_alias")), base)
    title = plain_text(_text(fields.get("title")))
    return Item(
        feed=feed.name,
        guid=f"reliefweb:{report.get('id')}" if report.get("id") is not None else url,
        url=url,
        title=title,
        summary=body_text(_text(fields.get("body-html") or fields.get("body"))),
        published=_created(fields.get("date")),
        language=feed.language or _language(fields.get("language")),
        source=", ".join(_names(fields.get("source"))) or feed.name,
        attachments=_pdf_files(fields.get("file"), base),
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def body_text(body: str) -> str:
    """A ReliefWeb body (HTML or markdown) as plain text."""
    body = _MD_IMAGE.sub(r"\1", body)
    body = _MD_LINK.sub(r"\1", body)
    return plain_text(_MD_MARKS.sub(r"\1", body))


def _created(date: object) -> dt.datetime | None:
    if not isinstance(date, Mapping):
        return None
    for key in ("created", "original", "changed"):
        value = date.get(key)
        if isinstance(value, str):
            try:
                parsed = dt.datetime.fromisoformat(value)
            except ValueError:
                continue
            return parsed.astimezone(dt.UTC) if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return None


def _names(sources: object) -> list[str]:
    if not isinstance(sources, list):
        return []
    named = (s["name"] for s in sources if isinstance(s, Mapping) and isinstance(s.get("name"), str))
    return [plain_text(name) for name in named]


def _language(languages: object) -> str | None:
    if isinstance(languages, list) and languages and isinstance(languages[0], Mapping):
        return language_code(languages[0].get("code"))
    return None


def _pdf_files(files: object, base: str) -> tuple[str, ...]:
    if not isinstance(files, list):
        return ()
    found: list[str] = []
    for file in files:
        if not isinstance(file, Mapping) or not isinstance(file.get("url"), str):
            continue
        url = canonical_url(file["url"], base)
        if url and is_pdf(url, _text(file.get("mimetype"))) and url not in found:
            found.append(url)
    return tuple(found)
