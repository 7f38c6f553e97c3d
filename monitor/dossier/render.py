"""The dossier as a print-ready HTML document, as JSON (schema: dossier.schema.json) and as CSV.

Feed text is untrusted: the HTML template autoescapes and links only URLs `safe_url` passes; the
JSON keeps the text as data (a consumer escapes it for its medium) but gives `url` only when it is
a plain http(s) link; CSV cells that a spreadsheet would run as a formula are defused.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from monitor.dossier.model import Dossier, Entry, UnitRef
from notifiers.escape import one_line, plain, safe_url

SCHEMA_PATH = Path(__file__).parent / "dossier.schema.json"
SCHEMA_ID = "https://monitor.invalid/schemas/dossier-1.json"

CSV_COLUMNS = ("item_id", "date", "source", "title", "url", "cases", "unit_id", "unit_name", "role",
               "allegation_types", "passages", "undercuts", "also_reported_by", "alerted", "verdict")

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

UnitHref = Callable[[str], str]


def when(value: dt.datetime | dt.date | None, missing: str = "date unknown") -> str:
    if value is None:
        return missing
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M %Z").strip()
    return value.isoformat()


@functools.cache
def environment(extra: jinja2.BaseLoader | None = None) -> jinja2.Environment:
    """Jinja2 with autoescape on for every template, the escaping filters, and the dossier templates."""
    loaders: list[jinja2.BaseLoader] = [jinja2.PackageLoader("monitor.dossier", "templates")]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([*([extra] if extra else []), *loaders]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(clean=plain, line=one_line, safe_url=safe_url, when=when)
    return env


def render_html(dossier: Dossier) -> str:
    """A standalone document: a browser's "print to PDF" gives a clean copy (print CSS inline)."""
    return environment().get_template("dossier.html.j2").render(d=dossier, unit_href=None)


def to_json(dossier: Dossier) -> dict[str, Any]:
    """The dossier as JSON-ready data, in the shape dossier.schema.json documents."""
    return {
        "$schema": SCHEMA_ID,
        "unit": _unit(dossier.unit),
        "chain_of_command": [_unit(u) for u in dossier.chain],
        "subordinates": [_unit(u) for u in dossier.subordinates],
        "since": dossier.since.isoformat() if dossier.since else None,
        "until": dossier.until.isoformat() if dossier.until else None,
        "generated": dossier.generated.isoformat(),
        "summary": {
            "items": dossier.summary.items,
            "implicating": dossier.summary.implicating,
            "by_year": {str(year): n for year, n in dossier.summary.by_year},
            "by_allegation_type": dict(dossier.summary.by_allegation_type),
            "at_risk": [_unit(u) for u in dossier.summary.at_risk],
        },
        "cases": [{"case_id": g.case_id, "title": g.title, "items": [_entry(e) for e in g.entries]}
                  for g in dossier.groups],
    }


def render_json(dossier: Dossier) -> str:
    return json.dumps(to_json(dossier), ensure_ascii=False, indent=2) + "\n"


def render_csv(dossier: Dossier) -> str:
    """One row per item and unit of the dossier it bears on (an item naming two battalions is two rows)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    entries = {e.item_id: e for g in dossier.groups for e in g.entries}  # a story under two cases: once
    for entry in entries.values():
        for unit in entry.units:
            writer.writerow([_cell(v) for v in _row(entry, unit.unit_id, unit.unit_name, unit.role)])
    return out.getvalue()


def _row(e: Entry, unit_id: str, unit_name: str, role: str) -> list[str]:
    passages = " | ".join(p.text + (f" (p. {p.page})" if p.page is not None else "") for p in e.passages)
    return [str(e.item_id), e.date.isoformat(), e.source, e.title, safe_url(e.url) or "", ";".join(e.case_ids),
            unit_id, unit_name, role, ";".join(e.allegation_types), passages, " | ".join(e.undercuts),
            ";".join(e.also_reported_by), "yes" if e.alerted else "no", e.verdict or ""]


def _cell(value: str) -> str:
    value = plain(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def _unit(u: UnitRef) -> dict[str, Any]:
    return {"id": u.id, "name": u.name, "supported": u.supported}


def _entry(e: Entry) -> dict[str, Any]:
    return {
        "item_id": e.item_id, "date": e.date.isoformat(), "source": e.source, "title": e.title,
        "url": safe_url(e.url), "role": e.role,
        "units": [{"id": u.unit_id, "name": u.unit_name, "role": u.role} for u in e.units],
        "allegation_types": list(e.allegation_types),
        "passages": [{"text": p.text, "page": p.page, "signal": p.signal} for p in e.passages],
        "undercuts": list(e.undercuts), "also_reported_by": list(e.also_reported_by),
        "alerted": e.alerted, "verdict": e.verdict,
    }
