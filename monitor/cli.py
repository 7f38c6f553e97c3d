"""The `monitor` command. Errors from the library become one-line messages here and nowhere else:
bad configuration exits 2, other failures exit 1.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from monitor.errors import ConfigError, MonitorError
from monitor.settings import Settings, load_settings


class _Group(click.Group):
    """Turns MonitorError into `error: ...` on stderr with the right exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)
        except MonitorError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)


def _settings(feeds: Path | None = None, watchlist: Path | None = None, db: str | None = None) -> Settings:
    settings = load_settings()
    overrides: dict[str, Any] = {}
    if feeds is not None:
        overrides["feeds_path"] = feeds
    if watchlist is not None:
        overrides["watchlist_path"] = watchlist
    if db is not None:
        overrides["db"] = db
    return replace(settings, **overrides)


_feeds_opt = click.option("--feeds", "feeds", type=click.Path(path_type=Path), default=None,
                          help="feeds.yaml to read (default: MONITOR_FEEDS or ./feeds.yaml).")
_watchlist_opt = click.option("--watchlist", type=click.Path(path_type=Path), default=None,
                              help="watchlist.yaml (default: MONITOR_WATCHLIST or ./watchlist.yaml).")
_db_opt = click.option("--db", default=None, help="SQLAlchemy URL (default: MONITOR_DB or sqlite:///monitor.db).")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log what each stage does.")
def main(verbose: bool) -> None:
    """Watch news, UN reports and official statements for allegations against US-supported units."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@main.command()
@click.option("--once/--due", default=True, help="--once: every enabled feed now (default); --due: only feeds due.")
@_feeds_opt
@_watchlist_opt
@_db_opt
def poll(once: bool, feeds: Path | None, watchlist: Path | None, db: str | None) -> None:
    """Run one cycle: fetch every feed, store, link, notify. Exits 0 even when some feeds fail."""
    from monitor.app import App
    from monitor.feeds import load_feeds
    from monitor.report import print_cycle

    settings = _settings(feeds, watchlist, db)
    feed_list = load_feeds(settings.feeds_path)
    app = App.open(settings)
    report = app.pipeline().poll(feed_list, only_due=not once)
    print_cycle(report)
    if report.delivery.fatal:
        raise MonitorError(f"alert delivery stopped, alerts kept queued: {report.delivery.fatal}")


@main.command()
@_feeds_opt
@_watchlist_opt
@_db_opt
def run(feeds: Path | None, watchlist: Path | None, db: str | None) -> None:
    """Run the scheduler in the foreground (feeds at their intervals, the digest daily) until SIGINT/SIGTERM."""
    from monitor.app import App
    from monitor.feeds import load_feeds
    from monitor.scheduler import run_forever

    settings = _settings(feeds, watchlist, db)
    feed_list = load_feeds(settings.feeds_path)
    run_forever(App.open(settings), feed_list)


@main.command()
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day (YYYY-MM-DD, local time in TZ); default today.")
@click.option("--send", is_flag=True, help="E-mail it (SMTP_*, DIGEST_*); once per day. No SMTP_HOST: write a file.")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Write the HTML digest here.")
@_watchlist_opt
@_db_opt
def digest(day: dt.datetime | None, send: bool, out: Path | None, watchlist: Path | None, db: str | None) -> None:
    """Build the digest of everything linked on a day; print it, write it (--out) or send it (--send)."""
    from monitor.app import App
    from monitor.digests import run_digest

    if send and out:
        raise click.UsageError("--send and --out exclude each other")
    settings = _settings(None, watchlist, db)
    run_digest(App.open(settings), day.date() if day else None, send=send, out=out)


@main.group()
def feeds() -> None:
    """Add, list and check the sources in feeds.yaml."""


@feeds.command("add")
@click.argument("url")
@click.option("--name", default=None, help="Unique name (default: made from the URL).")
@click.option("--kind", type=click.Choice(["rss", "reliefweb", "html"]), default="rss", show_default=True)
@click.option("--interval", default=None, help="Poll interval like 15m or 1h (default 15m).")
@_feeds_opt
def feeds_add(url: str, name: str | None, kind: str, interval: str | None, feeds: Path | None) -> None:
    """Append a feed to feeds.yaml, keeping its comments and layout."""
    from monitor.feeds_edit import add_feed

    path = _settings(feeds).feeds_path
    feed = add_feed(path, url, name=name, kind=kind, interval=interval)
    click.echo(f"added {feed.name} ({feed.kind}, every {feed.interval}) to {path}")


@feeds.command("list")
@_feeds_opt
@_db_opt
def feeds_list(feeds: Path | None, db: str | None) -> None:
    """List feeds with their health: last success, last error, error count, next poll."""
    from monitor.feed_health import read_feed_states
    from monitor.feeds import load_feeds
    from monitor.report import print_feed_list

    settings = _settings(feeds, None, db)
    print_feed_list(load_feeds(settings.feeds_path), read_feed_states(settings.db))


@feeds.command("check")
@_feeds_opt
def feeds_check(feeds: Path | None) -> None:
    """Fetch and parse every feed once (nothing stored) and say what each returned."""
    from monitor.feeds import load_feeds
    from monitor.report import check_feeds

    settings = _settings(feeds)
    check_feeds(load_feeds(settings.feeds_path), settings.reliefweb_appname)


@main.command()
@click.argument("text", required=False)
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Read the text from a file instead.")
@click.option("--title", default="", help="A headline to link along with the text.")
@_watchlist_opt
def match(text: str | None, file: Path | None, title: str, watchlist: Path | None) -> None:
    """Link one text to the watchlist and print the decision with its evidence."""
    from matchers.explain import format_assessment
    from monitor.app import linker_factory
    from monitor.models import Item
    from monitor.watchlist import load_watchlist

    if (text is None) == (file is None):
        raise click.UsageError("give TEXT or --file, not both")
    body = file.read_text(encoding="utf-8") if file else str(text)
    settings = _settings(None, watchlist)
    wl = load_watchlist(settings.watchlist_path)
    item = Item(feed="cli", guid="cli", url="", title=title, summary=body)
    click.echo(format_assessment(linker_factory(wl, settings.model)().assess(item), wl))


@main.command("eval")
@click.option("--watchlist", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--items", type=click.Path(exists=True, path_type=Path), required=True,
              help="Labelled items, one JSON object a line (format of shared/eval/dev.jsonl).")
@click.option("--predictions", type=click.Path(path_type=Path), required=True, help="Where to write predictions.")
def eval_(watchlist: Path, items: Path, predictions: Path) -> None:
    """Link every labelled item with the real matcher, write predictions, print P/R/F1 per label."""
    from matchers.embeddings import Encoder
    from monitor.evaluate import run_eval

    click.echo(run_eval(watchlist, items, predictions, Encoder.load(load_settings().model)))


@main.command()
@click.option("--data", "folders", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A labelled set folder (watchlist.yaml + items.jsonl); repeat for several.")
@click.option("--ecbplus", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="The ECB+ folder of shared/eval (case linking only).")
@click.option("--topics", type=click.Choice(["odd", "even"]), default="odd", show_default=True,
              help="Which ECB+ topics to fit on (keep the other half for validation).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for cases.json and statements.json (default: the package's matchers/models).")
def fit(folders: tuple[Path, ...], ecbplus: Path | None, topics: str, out: Path | None) -> None:
    """Fit the linker's combiners on labelled sets and write them (with how they were fitted)."""

    from matchers.embeddings import Encoder
    from matchers.fitted import MODELS
    from monitor.evaluate import LabelledSet
    from monitor.fit import fit_models, summary

    sets = [LabelledSet.folder(f) for f in folders]
    if ecbplus is not None:
        sets.append(LabelledSet.ecbplus(ecbplus, "odd" if topics == "odd" else "even"))
    if not sets:
        raise click.UsageError("give at least one --data folder or --ecbplus")
    target = out or MODELS
    models = fit_models(sets, Encoder.load(load_settings().model), target, dt.datetime.now(dt.UTC).date())
    click.echo(f"{summary(models)}\nwritten to {target}")


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("demo-out"), show_default=True,
              help="Folder for the demo's database and digest.")
def demo(out: Path) -> None:
    """Run the whole pipeline offline: bundled sample feeds on loopback, the bundled model, console alerts."""
    from monitor.demo import run_demo

    run_demo(out)


if __name__ == "__main__":
    sys.exit(main())
