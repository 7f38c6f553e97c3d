"""The `monitor` command. Errors from the library become one-line messages here and nowhere else:
bad configuration exits 2, other failures exit 1.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from monitor.domain.errors import ConfigError, MonitorError

if TYPE_CHECKING:  # pydantic-settings loads in ~0.1 s: only the commands that read settings pay for it
    from monitor.config.settings import Settings


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
    from monitor.config.settings import load_settings

    settings = load_settings()
    overrides: dict[str, Any] = {}
    if feeds is not None:
        overrides["feeds_path"] = feeds
    if watchlist is not None:
        overrides["watchlist_path"] = watchlist
    if db is not None:
        overrides["db"] = db
    return settings.model_copy(update=overrides)


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
    from monitor.cli_output import print_cycle
    from monitor.config.feeds import load_feeds

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
    from monitor.config.feeds import load_feeds
    from monitor.daemon import run_forever

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
    from monitor.config.feeds_edit import add_feed

    path = _settings(feeds).feeds_path
    feed = add_feed(path, url, name=name, kind=kind, interval=interval)
    click.echo(f"added {feed.name} ({feed.kind}, every {feed.interval}) to {path}")


@feeds.command("list")
@_feeds_opt
@_db_opt
def feeds_list(feeds: Path | None, db: str | None) -> None:
    """List feeds with their health: last success, last error, error count, next poll."""
    from monitor.cli_output import print_feed_list
    from monitor.config.feeds import load_feeds
    from monitor.store.health import read_feed_states

    settings = _settings(feeds, None, db)
    print_feed_list(load_feeds(settings.feeds_path), read_feed_states(settings.db))


@feeds.command("check")
@_feeds_opt
def feeds_check(feeds: Path | None) -> None:
    """Fetch and parse every feed once (nothing stored) and say what each returned."""
    import asyncio

    from monitor.cli_output import print_check
    from monitor.config.feeds import load_feeds
    from monitor.pipeline import open_fetcher
    from monitor.sources.check import check_feeds

    settings = _settings(feeds)
    feed_list = load_feeds(settings.feeds_path)
    print_check(feed_list, asyncio.run(check_feeds(open_fetcher, feed_list, settings.reliefweb_appname)))


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
    from monitor.config.watchlist import load_watchlist
    from monitor.domain.item import Item

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

    click.echo(run_eval(watchlist, items, predictions, Encoder.load(_settings().model)))


@main.command()
@click.argument("alert_id", type=int)
@click.argument("verdict", type=click.Choice(["credible", "not-this-unit", "duplicate", "not-an-allegation"]))
@click.option("--note", default="", help="Why, in a sentence (shown in Slack and the digest).")
@click.option("--by", default=None, help="Who reviewed it (default: $USER).")
@_db_opt
def review(alert_id: int, verdict: str, note: str, by: str | None, db: str | None) -> None:
    """Record a verdict on an alert; the last verdict wins, earlier ones are kept as history."""
    import getpass

    from monitor.app import utc_now
    from monitor.domain.review import as_verdict
    from monitor.review.slack import show_on_slack
    from monitor.store.database import Store

    settings = _settings(db=db)
    store = Store(settings.db)
    chosen = as_verdict(verdict)
    assert chosen is not None  # click.Choice checked it
    recorded = store.add_review(alert_id, chosen, by=by or getpass.getuser(), now=utc_now(), note=note)
    history = len(store.reviews(alert_id))
    click.echo(f"alert {alert_id}: {recorded.label} by {recorded.by}"
               + (f" (verdict {history}; the earlier ones are kept)" if history > 1 else ""))
    shown = show_on_slack(settings, store, recorded)
    if shown:
        click.echo(shown)


@main.command()
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Only items fetched on or after this day (YYYY-MM-DD, in TZ); default: every stored item.")
@_watchlist_opt
@_db_opt
def relink(since: dt.datetime | None, watchlist: Path | None, db: str | None) -> None:
    """Link stored items again against the current watchlist; report items that now implicate a supported
    unit, once, as one "from the archive" message per unit."""
    from monitor.app import App, linker_factory, make_notifier, utc_now
    from monitor.outbox import deliver_pending
    from monitor.review.relink import WATCHLIST_KEY, fingerprint
    from monitor.review.relink import relink as relink_items

    settings = _settings(None, watchlist, db)
    app = App.open(settings)
    start = dt.datetime.combine(since.date(), dt.time(0), tzinfo=settings.zone) if since else None
    report = relink_items(app.store, app.watchlist, linker_factory(app.watchlist, settings.model), now=utc_now(),
                          since=start)
    if start is None:  # every item was linked with this watchlist: `monitor run` need not do it again
        app.store.set_meta(WATCHLIST_KEY, fingerprint(settings.watchlist_path))
    delivery = deliver_pending(app.store, make_notifier(settings), utc_now)
    click.echo(f"relinked {report.items} items ({report.changed} changed); {report.reported} newly implicate a "
               f"supported unit: {len(report.messages)} archive messages queued; {delivery.sent} messages sent")
    if delivery.fatal:
        raise MonitorError(f"delivery stopped, messages kept queued: {delivery.fatal}")


@main.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The JSONL file to write (the `monitor eval --items` format).")
@_db_opt
def labels(out: Path, db: str | None) -> None:
    """Export reviewed items as labelled items for `monitor eval` (expected cases, units, alert from the verdicts)."""
    from monitor.review.labels import write_labels
    from monitor.store.database import Store

    written, left_out = write_labels(Store(_settings(db=db).db), out)
    click.echo(f"{written} labelled items written to {out}"
               + (f" ({left_out} duplicates left out: they say nothing about the links)" if left_out else ""))


@main.group("db")
def db_group() -> None:
    """The database's schema (Alembic migrations shipped with monitor)."""


@db_group.command("upgrade")
@_db_opt
def db_upgrade(db: str | None) -> None:
    """Upgrade the database to this version's schema, keeping every row (every start does this too)."""
    from monitor.store.database import Store
    from monitor.store.migrate import current_revision

    store = Store(_settings(db=db).db)
    revision = current_revision(store.engine)
    if store.migrated:
        click.echo(f"upgraded to schema revision {revision} (applied: {', '.join(store.migrated)})")
    else:
        click.echo(f"already at schema revision {revision}")


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("demo-out"), show_default=True,
              help="Folder for the demo's database and digest.")
def demo(out: Path) -> None:
    """Run the whole pipeline offline: bundled sample feeds on loopback, the bundled model, console alerts."""
    from monitor.demo import run_demo

    run_demo(out)


if __name__ == "__main__":
    sys.exit(main())
