"""Feed text is untrusted everywhere it is shown: a hostile title and summary, polled over real HTTP,
arrive neutralised in the Slack post (mrkdwn) and in the digest e-mail (HTML)."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from zoneinfo import ZoneInfo

from matchers.embeddings import Encoder
from matchers.linker import Linker
from monitor.config.feeds import Feed
from monitor.config.watchlist import load_watchlist
from monitor.digests import build_digest, send_digest_once
from monitor.loopback import Loopback
from monitor.pipeline import Pipeline
from monitor.store.database import Store
from notifiers.email import SmtpSettings
from notifiers.slack import SlackNotifier, make_client
from tests.servers.slack import FakeSlackServer
from tests.servers.smtp import FakeSmtpServer

ROOT = Path(__file__).parent.parent.parent
NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)
HOSTILE = ("<!channel> <!here> <@U024BE7LH> <http://evil.example|click here> <script>alert(1)</script> "
           "Soldiers of the 102nd Infantry Battalion executed prisoners in Tlatlaya")
FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Hostile &lt;b&gt;outlet&lt;/b&gt;</title><link>http://x/</link>
<item><title><![CDATA[{HOSTILE}]]></title><link>javascript:alert(1)</link><guid>h-1</guid>
<description><![CDATA[{HOSTILE}. Witnesses said the soldiers shot men who had surrendered.]]></description></item>
</channel></rss>""".encode()


def test_hostile_feed_text_is_neutralised_in_slack_and_email(
        db_url: str, slack_server: FakeSlackServer, smtp_server: FakeSmtpServer, encoder: Encoder) -> None:
    watchlist = load_watchlist(ROOT / "watchlist.yaml")
    store = Store(db_url)
    notifier = SlackNotifier(make_client(slack_server.token, slack_server.url, sleep=lambda _s: None), "C1")
    linker = functools.cache(lambda: Linker(watchlist, encoder=encoder))
    with Loopback() as server:
        server.serve_pages({"/feed.xml": FEED})
        feed = Feed(name="hostile", url=server.url("/feed.xml"))
        Pipeline(store=store, watchlist=watchlist, linker=linker, notifier=notifier, clock=lambda: NOW).poll([feed])

    [post] = slack_server.messages
    raw = slack_server.calls("chat.postMessage")[-1].body.decode()
    for dangerous in ("<!channel>", "<!here>", "<@U024BE7LH>", "<http://evil.example|click here>", "<javascript:"):
        assert dangerous not in str(post) and dangerous not in raw
    # Markup-like text is stripped when the feed's HTML becomes plain text; what survives is escaped.
    assert "&lt;@U024BE7LH&gt;" in post["text"]
    assert '"url": "javascript:' not in raw  # an unsafe link may be shown as text, never as a link

    digest = build_digest(store, watchlist, NOW.date(), ZoneInfo("UTC"), ())
    smtp = SmtpSettings(host=smtp_server.host, port=smtp_server.port, starttls=False, sender="m@example.org",
                        recipients=("v@example.org",))
    send_digest_once(store, digest, smtp, lambda: NOW)
    html = smtp_server.messages[0].get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;@U024BE7LH&gt;" in html
    assert 'href="javascript:' not in html
    store.close()
