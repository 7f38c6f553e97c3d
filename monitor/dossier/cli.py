"""`monitor dossier`: build a unit's dossier from the app's store and write it in the format asked."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from monitor.domain.watchlist import Watchlist
from monitor.dossier.build import build_dossier
from monitor.dossier.render import render_csv, render_html, render_json
from monitor.store.database import Store
from monitor.store.search import ensure_search

RENDERERS = {"html": render_html, "json": render_json, "csv": render_csv}


def write_dossier(store: Store, watchlist: Watchlist, unit_id: str, *, now: dt.datetime, fmt: str,
                  out: Path | None, since: dt.date | None = None, until: dt.date | None = None) -> None:
    ensure_search(store.engine)
    dossier = build_dossier(store, watchlist, unit_id, now=now, since=since, until=until)
    text = RENDERERS[fmt](dossier)
    if out is None:
        sys.stdout.write(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
