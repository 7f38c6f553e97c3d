"""Render the daily digest as an e-mail subject, a plain-text body and an HTML body (Jinja2 templates).

The HTML template autoescapes, so feed text cannot inject markup; links are emitted only for URLs
that pass `escape.safe_url`, everything else is shown as text.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import jinja2

from monitor.domain.messages import Digest
from notifiers.escape import one_line, plain, safe_url

TEMPLATES = "templates"


@dataclass(frozen=True)
class RenderedDigest:
    """A digest ready to send or save; `date` names the day so a re-send keeps the same Message-ID."""

    subject: str
    text: str
    html: str
    date: dt.date | None = None


def render_digest(digest: Digest) -> RenderedDigest:
    """Render `digest`; an empty day still renders, saying nothing was linked."""
    summary = _summary(digest)
    subject = f"Leahy monitor digest {digest.date.isoformat()}: {summary}"
    env = _environment()
    context = {"digest": digest, "summary": summary, "subject": subject}
    return RenderedDigest(
        subject=subject,
        text=env.get_template("digest.txt.j2").render(context),
        html=env.get_template("digest.html.j2").render(context),
        date=digest.date,
    )


def _summary(digest: Digest) -> str:
    """Counts for the subject line: built from numbers only, so no feed text reaches a mail header."""
    if digest.empty:
        return "nothing linked today"
    entries = {(e.url, e.headline): e for g in (*digest.groups, *digest.statements) for e in g.entries}
    alerted = sum(1 for e in entries.values() if e.alerted)
    allegations = sum(1 for e in entries.values() if e.allegation)
    parts = [_count(len(entries), "item"), _count(allegations, "allegation"), _count(alerted, "alert")]
    if digest.dismissed:
        parts.append(f"{len(digest.dismissed)} dismissed")
    return ", ".join(parts)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _when(value: dt.datetime | None, missing: str = "date unknown") -> str:
    if value is None:
        return missing
    return value.strftime("%Y-%m-%d %H:%M %Z").strip()


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("notifiers", TEMPLATES),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(clean=plain, line=one_line, safe_url=safe_url, when=_when)
    return env
