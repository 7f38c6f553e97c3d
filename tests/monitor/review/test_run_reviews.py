"""`monitor run` as a process with Slack configured: it connects over Socket Mode, a click is stored and the
message updated, and SIGTERM still stops it cleanly (the Socket Mode client closed with it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from monitor.demo import WATCHLIST
from monitor.store.database import Store
from tests.monitor.review.clicks import CHANNEL, click, posted_alert
from tests.servers.slack import FakeSlackServer
from tests.servers.socket_mode import FakeSocketModeServer


def test_monitor_run_takes_review_clicks_over_socket_mode(
        tmp_path: Path, db_url: str, slack_server: FakeSlackServer, socket_server: FakeSocketModeServer) -> None:
    db = db_url
    store = Store(db)
    alert_id, ts = posted_alert(store, slack_server)
    slack_server.socket_url = socket_server.url
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds: []\n", encoding="utf-8")
    env = {**os.environ, "MONITOR_DIGEST_DIR": str(tmp_path / "digests"), "SLACK_BOT_TOKEN": slack_server.token,
           "SLACK_CHANNEL": CHANNEL, "MONITOR_SLACK_API_URL": slack_server.url,
           "SLACK_APP_TOKEN": slack_server.app_token}
    process = subprocess.Popen([sys.executable, "-m", "monitor.cli", "run", "--feeds", str(feeds), "--watchlist",
                                str(WATCHLIST), "--db", db], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    try:
        lines = [process.stdout.readline()]
        # Yesterday's digest, due at once, runs on the scheduler's thread and may print before the reviews line.
        while "reviews from Slack are" not in lines[-1] and len(lines) < 4 and lines[-1]:
            lines.append(process.stdout.readline())
        assert "polling 0 feeds" in lines[0] and "reviews from Slack are on" in lines[-1], lines
        assert socket_server.wait_for_connections(1)
        envelope = socket_server.send_interactive(click(alert_id, ts, "credible"))
        assert socket_server.wait_for_ack(envelope, timeout=3.0) is not None
        assert slack_server.wait_for_calls("chat.update", 1, timeout=20)
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, "".join(lines) + rest
    assert "stopped" in rest
    review = store.latest_review(alert_id)
    assert review is not None and (review.verdict, review.via) == ("credible", "slack")
