"""The command line: every command has help, bad config exits 2 with file:line, light commands stay light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from monitor.cli import main

FIXTURES = Path(__file__).parent.parent / "fixtures" / "config"


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, command in group.commands.items():
        out.append((*prefix, name))
        if isinstance(command, click.Group):
            out.extend(_commands(command, (*prefix, name)))
    return out


@pytest.mark.parametrize("command", _commands(main))
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert main.get_command(click.Context(main), command[0]) is not None
    assert len(result.output.splitlines()) >= 3


def test_contract_commands_exist() -> None:
    names = {" ".join(c) for c in _commands(main)}
    assert {"poll", "run", "digest", "feeds add", "feeds list", "feeds check", "match", "eval", "demo"} <= names


def test_python_dash_m_monitor_is_the_same_cli() -> None:
    """`python -m monitor fit ...` is how a checkout without the entry point refits the combiners."""
    result = subprocess.run([sys.executable, "-m", "monitor", "fit", "--help"], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: monitor fit")


def test_bad_feeds_file_exits_2_naming_file_and_line(db_url: str) -> None:
    result = CliRunner().invoke(main, ["poll", "--once", "--feeds", str(FIXTURES / "bad_interval.yaml"),
                                       "--db", db_url])
    assert result.exit_code == 2
    assert "bad_interval.yaml:7: feeds[1].interval: expected a duration like '15m'" in result.output


def test_feeds_add_then_list(tmp_path: Path, db_url: str) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("# mine\nfeeds: []\n", encoding="utf-8")
    runner = CliRunner()
    added = runner.invoke(main, ["feeds", "add", "https://example.org/rss.xml", "--name", "ex", "--feeds", str(feeds)])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(main, ["feeds", "list", "--feeds", str(feeds), "--db", db_url])
    assert listed.exit_code == 0 and "ex" in listed.output
    assert feeds.read_text(encoding="utf-8").startswith("# mine\n")


def test_commands_that_do_not_embed_do_not_import_torch(tmp_path: Path, db_url: str) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - {name: a, url: 'https://example.org/a.xml'}\n", encoding="utf-8")
    code = ("import sys; from monitor.cli import main\n"
            "db = ['--db', sys.argv[2]]\n"
            "for args in (['--help'], ['feeds', 'list', '--feeds', sys.argv[1], *db],"
            " ['feeds', 'add', 'https://example.org/b.xml', '--feeds', sys.argv[1]],"
            " ['digest', '--watchlist', sys.argv[3], *db]):\n"
            "    try: main(args)\n"
            "    except SystemExit: pass\n"
            "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH')")
    watchlist = Path(__file__).parent.parent.parent / "watchlist.yaml"
    result = subprocess.run([sys.executable, "-c", code, str(feeds), db_url, str(watchlist)],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.stdout.strip().endswith("NO-TORCH"), result.stdout + result.stderr
