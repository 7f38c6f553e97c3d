"""`monitor demo` ends with the `monitor serve` command for its store; that command parses as given."""

from __future__ import annotations

import shlex
from pathlib import Path

from monitor.cli import serve
from monitor.config.settings import Settings
from monitor.demo import serve_command


def test_the_demo_serve_command_opens_the_demos_store(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'demo out' / 'monitor.db'}"
    command = serve_command(Settings(db=db, watchlist_path=tmp_path / "watch list.yaml"))
    args = shlex.split(command)
    assert args[:2] == ["monitor", "serve"]
    ctx = serve.make_context("serve", args[2:])
    assert ctx.params["db"] == db and ctx.params["watchlist"] == tmp_path / "watch list.yaml"
    assert ctx.params["host"] == "127.0.0.1"
