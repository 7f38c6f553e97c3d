"""`monitor demo`: the whole pipeline on a fresh machine with no network and no credentials.

Bundled sample feeds (RSS, Atom, a ReliefWeb response whose report PDF carries the allegation on
page 2, a list page of communiqués) are served on loopback; the bundled model links them; alerts
go to the console; a second cycle shows conditional requests storing nothing; the digest is a file.
"""

from __future__ import annotations

import datetime as dt
import shlex
import shutil
import sys
from pathlib import Path
from typing import TextIO

from monitor.app import App
from monitor.cli_output import print_cycle
from monitor.config.feeds import load_feeds
from monitor.config.settings import Settings, load_settings
from monitor.digests import run_digest
from monitor.loopback import Loopback, Page

DATA = Path(__file__).parent / "demo_data"
WATCHLIST = Path(__file__).resolve().parent.parent / "watchlist.yaml"

# URL path served -> bundled file; `{{BASE}}` in a file becomes the server's address.
PAGES = {
    "/un-news.xml": "un-news.xml",
    "/prensa.xml": "prensa.xml",
    "/wire.atom": "wire.atom",
    "/reliefweb.json": "reliefweb.json",
    "/files/rapporteur-follow-up.pdf": "rapporteur-follow-up.pdf",
    "/comunicados": "comunicados.html",
}

FEEDS = """\
feeds:
  - {{name: un-news-demo, url: "{base}/un-news.xml", language: en}}
  - {{name: prensa-demo, url: "{base}/prensa.xml", language: es}}
  - {{name: wire-demo, url: "{base}/wire.atom", language: en}}
  - {{name: reliefweb-demo, kind: reliefweb, url: "{base}/reliefweb.json?appname=monitor-demo", language: en}}
  - name: defensa-demo
    kind: html
    url: "{base}/comunicados"
    language: es
    select: {{item: article, title: h2, link: a, date: time, summary: p}}
"""


def sample_pages() -> dict[str, Page]:
    """The bundled sample feeds and documents by URL path, for `Loopback.serve_pages`."""
    return {path: _page(name) for path, name in PAGES.items()}


def _page(filename: str) -> Page:
    data = (DATA / filename).read_bytes()
    if filename.endswith(".pdf"):
        return data
    return lambda base: data.replace(b"{{BASE}}", base.encode())


def run_demo(out: Path, stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    if out.exists():
        shutil.rmtree(out)  # a demo starts from nothing, so every run shows the same story
    out.mkdir(parents=True)
    with Loopback() as server:
        server.serve_pages(sample_pages())
        feeds_path = out / "feeds.yaml"
        feeds_path.write_text(FEEDS.format(base=server.base), encoding="utf-8")
        settings = _demo_settings(load_settings(dotenv=None), out, feeds_path)
        app = App.open(settings)
        feeds = load_feeds(feeds_path)
        pipeline = app.pipeline()
        print(f"demo: {len(feeds)} sample feeds served at {server.base}; alerts print below.\n", file=stream)
        print_cycle(pipeline.poll(feeds), stream)
        print("\ndemo: second cycle (conditional requests; nothing new should be stored):", file=stream)
        second = pipeline.poll(feeds)
        print_cycle(second, stream)
        fresh = sum(o.not_modified for o in second.feeds)
        print(f"demo: {fresh} of {len(second.feeds)} feeds answered 304 Not Modified", file=stream)
    day = dt.datetime.now(settings.zone).date()
    run_digest(app, day, send=False, out=out / f"digest-{day.isoformat()}.html", stream=stream)
    app.store.close()
    print(f"\ndemo: browse the demo's store in the web console:\n  {serve_command(settings)}", file=stream)


def serve_command(settings: Settings) -> str:
    """The `monitor serve` command line that opens this store with this watchlist (shell-quoted)."""
    return shlex.join(["monitor", "serve", "--db", settings.db, "--watchlist", str(settings.watchlist_path)])


def _demo_settings(base: Settings, out: Path, feeds_path: Path) -> Settings:
    # No credentials, whatever the environment says: the demo must never post or e-mail for real.
    return base.model_copy(update={
        "db": f"sqlite:///{(out / 'monitor.db').resolve()}", "slack_token": None, "slack_channel": None,
        "smtp_host": None,
        "digest_dir": out, "feeds_path": feeds_path, "watchlist_path": WATCHLIST})
