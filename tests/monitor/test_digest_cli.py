"""`monitor digest --send` against a real SMTP server on loopback: once a day, however often it runs."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner

from monitor.cli import main
from monitor.demo import WATCHLIST
from monitor.domain.assessment import Assessment, Evidence, Link
from monitor.domain.item import Item
from monitor.store.database import Store
from tests.servers.smtp import FakeSmtpServer

DAY = dt.date(2026, 11, 23)


def _seed(db: str) -> None:
    store = Store(db)
    case = Link("case", "tlatlaya-2014", 1.5, (Evidence("alias", "Soldiers in Tlatlaya", "Tlatlaya"),))
    store.save_item(Item(feed="f", guid="1", url="https://news.example.org/1", title="Tlatlaya: new testimony"),
                    Assessment(cases=(case,)), fetched_at=dt.datetime(2026, 11, 23, 15, tzinfo=dt.UTC))
    store.close()


def _env(smtp: FakeSmtpServer) -> dict[str, str]:
    return {"SMTP_HOST": smtp.host, "SMTP_PORT": str(smtp.port), "SMTP_STARTTLS": "false",
            "DIGEST_FROM": "Monitor <monitor@example.org>", "DIGEST_TO": "vetting@example.org", "TZ": "UTC"}


def test_digest_send_twice_the_same_day_sends_one_email(db_url: str, smtp_server: FakeSmtpServer) -> None:
    db = db_url
    _seed(db)
    args = ["digest", "--date", DAY.isoformat(), "--send", "--db", db, "--watchlist", str(WATCHLIST)]
    runner = CliRunner(env=_env(smtp_server))
    first, second = runner.invoke(main, args), runner.invoke(main, args)
    assert first.exit_code == 0 and "sent to vetting@example.org" in first.output, first.output
    assert second.exit_code == 0 and "already sent" in second.output, second.output
    [message] = smtp_server.messages
    assert "Tlatlaya: new testimony" in message.get_body(("plain",)).get_content()
    assert message["Message-ID"] == "<digest-2026-11-23@example.org>"


def test_smtp_down_keeps_the_digest_pending_then_sends_it(db_url: str, smtp_server: FakeSmtpServer) -> None:
    db = db_url
    _seed(db)
    args = ["digest", "--date", DAY.isoformat(), "--send", "--db", db, "--watchlist", str(WATCHLIST)]
    down = {**_env(smtp_server), "SMTP_PORT": "9"}  # nothing listens on the discard port
    failed = CliRunner(env=down).invoke(main, args)
    assert failed.exit_code == 1 and "error:" in failed.output
    store = Store(db)
    assert store.pending_digest_days() == [DAY]
    store.close()
    sent = CliRunner(env=_env(smtp_server)).invoke(main, args)
    assert sent.exit_code == 0 and len(smtp_server.messages) == 1
