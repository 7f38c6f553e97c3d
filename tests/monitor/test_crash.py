"""Exactly-once alerts through a crash: SIGKILL a real `monitor poll --once` while the loopback Slack
server holds the response to its post, restart it, and count the posts."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.demo import FEEDS, WATCHLIST, sample_pages
from monitor.loopback import Loopback
from tests.monitor.workers.leases import wait_for_leases_to_run_out
from tests.servers.slack import FakeSlackServer


@pytest.fixture
def wire_feed(tmp_path: Path) -> Iterator[Path]:
    with Loopback() as server:
        server.serve_pages(sample_pages())
        feeds = tmp_path / "feeds.yaml"
        wire_only = [line for line in FEEDS.format(base=server.base).splitlines() if "wire-demo" in line]
        feeds.write_text("feeds:\n" + "\n".join(wire_only) + "\n", encoding="utf-8")
        yield feeds


def poll(feeds: Path, tmp_path: Path, db_url: str, slack: FakeSlackServer) -> subprocess.Popen[str]:
    env = {**os.environ, "SLACK_BOT_TOKEN": slack.token, "SLACK_CHANNEL": "C-ALERTS",
           "MONITOR_SLACK_API_URL": slack.url, "HF_HUB_OFFLINE": "1",
           # The killed run's claim on the alert it was posting lasts this long; then the restart takes it over.
           "MONITOR_LEASE_SECONDS": "2"}
    args = [sys.executable, "-m", "monitor.cli", "poll", "--once", "--feeds", str(feeds),
            "--watchlist", str(WATCHLIST), "--db", db_url]
    return subprocess.Popen(args, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_sigkill_during_a_post_then_restart_posts_each_alert_once(
        wire_feed: Path, tmp_path: Path, db_url: str, slack_server: FakeSlackServer) -> None:
    slack_server.hold()  # the first post lands, but its answer never reaches the client
    first = poll(wire_feed, tmp_path, db_url, slack_server)
    try:
        assert slack_server.wait_for_messages(1, timeout=180), "the first run never posted"
    finally:
        first.kill()  # SIGKILL: no cleanup, no chance to record the post as sent
        first.communicate(timeout=30)
    slack_server.release()
    wait_for_leases_to_run_out(db_url)

    second = poll(wire_feed, tmp_path, db_url, slack_server)
    output, _ = second.communicate(timeout=300)
    assert second.returncode == 0, output

    alert_ids = Counter(m["metadata"]["event_payload"]["alert_id"] for m in slack_server.messages)
    assert len(alert_ids) >= 2, output  # the wire feed carries two allegations against supported units
    assert set(alert_ids.values()) == {1}, f"an alert was posted twice: {alert_ids}"
    assert "1 recovered" in output
