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
    from monitor.store.worker import worker_id

    # The worker id in every line: with several workers on one database, whose line it is.
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format=f"%(asctime)s {worker_id()} %(levelname)s %(name)s: %(message)s")


@main.command()
@click.option("--once/--due", default=True, help="--once: every enabled feed now (default); --due: only feeds due.")
@_feeds_opt
@_watchlist_opt
@_db_opt
def poll(once: bool, feeds: Path | None, watchlist: Path | None, db: str | None) -> None:
    """Run one cycle: fetch every feed, store, link, notify. Exits 0 even when some feeds fail.

    Feeds another worker (a running `monitor run`, another poll) holds are left to it."""
    from monitor.app import App
    from monitor.cli_output import print_cycle
    from monitor.config.feeds import load_feeds
    from monitor.share import poll_share

    settings = _settings(feeds, watchlist, db)
    feed_list = load_feeds(settings.feeds_path)
    app = App.open(settings)
    report = poll_share(app.pipeline(), feed_list, only_due=not once)
    print_cycle(report)
    held = sum(f.enabled for f in feed_list) - len(report.feeds)
    if once and held:
        click.echo(f"{held} feeds left to another worker, which holds them")
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
    from monitor.store.runlock import single_runner

    settings = _settings(feeds, watchlist, db)
    feed_list = load_feeds(settings.feeds_path)
    with single_runner(settings.db):  # SQLite: one run per file; PostgreSQL: any number of workers
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
@click.argument("url", required=False)
@click.option("--name", default=None, help="Unique name (default: made from the URL).")
@click.option("--kind", type=click.Choice(["rss", "reliefweb", "html", "gdelt", "sitemap"]), default="rss",
              show_default=True, help="rss: the URL or the feeds its page offers (discovery); others as given.")
@click.option("--interval", default=None, help="Poll interval like 15m or 1h (default 15m).")
@click.option("--all", "add_all", is_flag=True, help="Add every feed the page offers, not only the best.")
@click.option("--query", default=None, help="kind gdelt: the GDELT DOC 2.0 query (URL: the API endpoint).")
@click.option("--gdelt-from-watchlist", "gdelt", is_flag=True,
              help="Add GDELT news-search feeds whose queries are the watchlist's case and unit aliases.")
@click.option("--gdelt-filter", default="sourcecountry:mexico", show_default=True,
              help="Added to each GDELT query (e.g. 'sourcelang:spanish').")
@_feeds_opt
@_watchlist_opt
def feeds_add(url: str | None, name: str | None, kind: str, interval: str | None, add_all: bool, query: str | None,
              gdelt: bool, gdelt_filter: str, feeds: Path | None, watchlist: Path | None) -> None:
    """Add a feed to feeds.yaml, keeping its comments and layout.

    Given a site's page (kind rss), finds its feeds (<link rel=alternate>, then /feed, /rss, ...),
    shows them and adds the best one; on a page with no feed, suggests kind: html selectors.
    """
    from monitor.config.feeds_edit import add_feeds
    from monitor.feeds_add import AddOptions, add_gdelt_from_watchlist, discover_and_add

    settings = _settings(feeds, watchlist)
    path = settings.feeds_path
    if gdelt:
        from monitor.config.watchlist import load_watchlist

        if url:
            raise click.UsageError("--gdelt-from-watchlist takes no URL")
        added = add_gdelt_from_watchlist(path, load_watchlist(settings.watchlist_path), suffix=gdelt_filter,
                                         interval=interval)
        if not added:
            click.echo("the watchlist's GDELT queries are all in feeds.yaml already")
    elif not url:
        raise click.UsageError("give a URL (or --gdelt-from-watchlist)")
    elif kind == "rss":
        added = discover_and_add(path, url, AddOptions(name, interval, add_all), click.echo)
    else:
        if (kind == "gdelt") != bool(query):
            raise click.UsageError("--query goes with --kind gdelt, and kind gdelt needs --query")
        entry = {"url": url, "kind": kind, "name": name, "interval": interval, "query": query}
        added = add_feeds(path, [{k: v for k, v in entry.items() if v}], strict_names=bool(name))
    for feed in added:
        detail = f", query {feed.query!r}" if feed.query else ""
        click.echo(f"added {feed.name} ({feed.kind}, every {feed.interval}{detail}) to {path}")


@feeds.command("import")
@click.argument("opml", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tag", default=None, help="A tag added to every imported feed (folders become tags too).")
@_feeds_opt
def feeds_import(opml: Path, tag: str | None, feeds: Path | None) -> None:
    """Add every subscription of an OPML file (Feedly, Inoreader, Miniflux, Thunderbird exports)."""
    from monitor.config.opml import import_opml
    from notifiers.escape import terminal

    path = _settings(feeds).feeds_path
    report = import_opml(path, opml, tag=tag)
    for line in report.skipped:
        click.echo(f"  skipped {terminal(line)}")
    click.echo(f"imported {len(report.added)} feeds into {path}; {len(report.skipped)} skipped")


@feeds.command("export")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the OPML here (default: standard output).")
@_feeds_opt
def feeds_export(out: Path | None, feeds: Path | None) -> None:
    """Write the rss feeds as OPML 2.0, one folder per first tag, for any feed reader to import."""
    from monitor.config.feeds import load_feeds
    from monitor.config.opml import export_opml

    text, left_out = export_opml(load_feeds(_settings(feeds).feeds_path))
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
    click.echo(f"{left_out} feeds of other kinds (html, reliefweb, gdelt, sitemap) left out", err=True)


@feeds.command("list")
@_feeds_opt
@_db_opt
def feeds_list(feeds: Path | None, db: str | None) -> None:
    """List feeds with their health (last success, next poll, errors) and the languages of their stored items."""
    from monitor.cli_output import print_feed_list
    from monitor.config.feeds import load_feeds
    from monitor.store.health import read_feed_states, read_language_counts

    settings = _settings(feeds, None, db)
    print_feed_list(load_feeds(settings.feeds_path), read_feed_states(settings.db),
                    languages=read_language_counts(settings.db))


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

    settings = _settings()
    click.echo(run_eval(watchlist, items, predictions, Encoder.load(settings.model, folder=settings.cache_dir)))


@main.command()
@click.argument("unit_id")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="First day (YYYY-MM-DD, UTC).")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Last day (YYYY-MM-DD, UTC).")
@click.option("--format", "fmt", type=click.Choice(["html", "json", "csv"]), default="html", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Write it here (default: standard output).")
@_watchlist_opt
@_db_opt
def dossier(unit_id: str, since: dt.datetime | None, until: dt.datetime | None, fmt: str, out: Path | None,
            watchlist: Path | None, db: str | None) -> None:
    """Every stored item that implicates or touches a unit or any unit under it, by case then date."""
    from monitor.app import App, utc_now
    from monitor.domain.errors import NotFoundError
    from monitor.dossier.cli import write_dossier

    app = App.open(_settings(None, watchlist, db))
    try:
        write_dossier(app.store, app.watchlist, unit_id, now=utc_now(), fmt=fmt, out=out,
                      since=since.date() if since else None, until=until.date() if until else None)
    except NotFoundError as exc:
        raise click.BadParameter(str(exc), param_hint="UNIT_ID") from exc
    if out is not None:
        click.echo(f"dossier {unit_id}: written to {out}", err=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; any but loopback needs MONITOR_WEB_TOKEN.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@_watchlist_opt
@_db_opt
def serve(host: str, port: int, watchlist: Path | None, db: str | None) -> None:
    """Serve the web console (dossiers, cases, items, feed health, search) over the store."""
    from monitor.app import App, utc_now
    from monitor.web.serve import check_exposure, serve_console

    settings = _settings(None, watchlist, db)
    check_exposure(host, settings.web_token)  # before opening anything
    app = App.open(settings)
    serve_console(app.store, app.watchlist, settings, host=host, port=port, clock=utc_now)


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
@click.option("--data", "folders", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A labelled set folder (watchlist.yaml + items.jsonl); repeat for several.")
@click.option("--ecbplus", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="The ECB+ folder of shared/eval (case linking only).")
@click.option("--topics", type=click.Choice(["odd", "even"]), default="odd", show_default=True,
              help="Which ECB+ topics to fit on (keep the other half for validation).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the fitted files (default: the package's matchers/models).")
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
    # fp32 whatever the CPU: the fitted files must not depend on whether it has bf16 (linking may use it)
    encoder = Encoder.load(_settings().model, precision="fp32")
    combiners = fit_models(sets, encoder, target, dt.datetime.now(dt.UTC).date())
    click.echo(f"{summary(combiners)}\nwritten to {target}")


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("demo-out"), show_default=True,
              help="Folder for the demo's database and digest.")
def demo(out: Path) -> None:
    """Run the whole pipeline offline: bundled sample feeds on loopback, the bundled model, console alerts."""
    from monitor.demo import run_demo

    run_demo(out)


if __name__ == "__main__":
    sys.exit(main())
