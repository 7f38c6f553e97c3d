"""Start-up stays fast: a `monitor poll` with nothing to poll loads none of the heavy libraries, and
an unchanged cycle (all 304s) none of the document readers. Each check runs in a fresh interpreter,
because what this test process has imported already says nothing. (bench/bench_startup.py times it.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from monitor.store.database import Store

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("alembic", "httpx", "feedparser", "datasketch", "scipy", "trafilatura", "pypdf", "bs4", "torch",
         "sentence_transformers", "matchers", "slack_sdk")


def loaded_after(code: str, cwd: Path) -> set[str]:
    """The HEAVY top-level packages a fresh interpreter has imported after running `code`."""
    report = f"import sys; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})))"
    out = subprocess.run([sys.executable, "-c", f"{code}\n{report}"], cwd=cwd, capture_output=True, text=True,
                         check=True).stdout
    return set(out.split())


def test_poll_with_nothing_to_poll_loads_no_heavy_library(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    Store(db).close()  # a database at head, as every start but the first finds it
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - {name: off, url: 'http://127.0.0.1:9/feed.xml', enabled: false}\n", encoding="utf-8")
    args = ["poll", "--once", "--feeds", str(feeds), "--db", db, "--watchlist", str(ROOT / "watchlist.yaml")]
    code = ("from click.testing import CliRunner\nfrom monitor.cli import main\n"
            f"result = CliRunner().invoke(main, {args!r})\nassert result.exit_code == 0, result.output")
    assert loaded_after(code, tmp_path) == set()


def test_reading_feeds_loads_no_document_reader_until_a_document_comes() -> None:
    # An unchanged cycle reads feeds (httpx, the parsers) but never an article page or a report PDF.
    assert loaded_after("import monitor.sources.read", ROOT) == {"httpx", "feedparser", "bs4"}
