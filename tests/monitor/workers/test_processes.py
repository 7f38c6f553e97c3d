"""Several real `monitor` processes on one PostgreSQL database (the server tests/servers/postgres.py starts),
fetching from a loopback feed server that counts requests per path and posting to the loopback Slack Web API:

- two `monitor run` workers poll 200 feeds at once: each feed fetched once, every alert posted once, one digest;
- a worker SIGKILLed holding the leases of its feeds: a poll started while they last leaves the feeds alone,
  the one after they ran out takes them over and finishes them; nothing lost, nothing posted twice.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import Engine, create_engine, func, select

from bench.farm import rss, sentences
from monitor.demo import WATCHLIST
from monitor.loopback import Loopback, Reply, Request
from monitor.store import schema
from tests.monitor.workers.leases import lease_owners, wait_for_leases_to_run_out
from tests.servers.slack import FakeSlackServer
from tests.servers.smtp import FakeSmtpServer

ROOT = Path(__file__).resolve().parents[3]


def farm_pages(feeds: int, items: int) -> dict[str, bytes]:
    """`feeds` RSS feeds of `items` items each: news sentences, some with an allegation against a supported unit."""
    rng, pool = random.Random(12), sentences()
    return {f"/feed-{i}.xml": rss(i, items, pool, rng) for i in range(feeds)}


def feeds_file(path: Path, server: Loopback, pages: dict[str, bytes]) -> Path:
    path.write_text("feeds:\n" + "".join(f"  - name: {p.strip('/').removesuffix('.xml')}\n    url: {server.url(p)}\n"
                                         for p in pages), encoding="utf-8")
    return path


def environment(db: str, slack: FakeSlackServer, **extra: str) -> dict[str, str]:
    env = {**os.environ, "MONITOR_DB": db, "SLACK_BOT_TOKEN": slack.token, "SLACK_CHANNEL": "C-ALERTS",
           "MONITOR_SLACK_API_URL": slack.url, "HF_HUB_OFFLINE": "1", "TZ": "UTC", "PYTHONPATH": str(ROOT), **extra}
    env.pop("SLACK_APP_TOKEN", None)
    return env


def start(args: list[str], env: dict[str, str], cwd: Path, log: IO[str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "monitor.cli", "-v", *args, "--watchlist", str(WATCHLIST)],
                            env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, text=True)


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Check `condition` twice a second until it holds; fail naming `what` after `timeout` seconds."""
    ticks = threading.Event()
    for _ in range(int(timeout * 2)):
        if condition():
            return
        ticks.wait(0.5)
    pytest.fail(f"{what}: not within {timeout:.0f} s")


def count(engine: Engine, table: schema.Table, *where: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())  # type: ignore[arg-type]


def posted_alert_ids(slack: FakeSlackServer) -> Counter[int]:
    return Counter(m["metadata"]["event_payload"]["alert_id"] for m in slack.messages)


def hold_until_both_ready(server: Loopback, logs: list[Path], most: float = 15.0, until: float = 300.0) -> None:
    """Hold each feed's reply until every worker has printed its "polling" line (at most `most` seconds a
    reply, below the fetcher's 20 s read timeout, and not after `until` seconds): on a loaded machine one
    worker can be ready many seconds before the other and would otherwise poll every feed alone. (`until`
    was 120 s: at a load average of 8 on two cores the second worker once started after the first had
    polled all 200 feeds.)"""
    ready, deadline = threading.Event(), time.monotonic() + until

    def all_ready() -> bool:
        if not ready.is_set() and all(p.exists() and " polling " in p.read_text(encoding="utf-8") for p in logs):
            ready.set()
        return ready.is_set()

    def held(route: Callable[[Request], Reply]) -> Callable[[Request], Reply]:
        def reply(request: Request) -> Reply:
            ends = min(time.monotonic() + most, deadline)
            while not all_ready() and time.monotonic() < ends:
                ready.wait(0.2)
            return route(request)
        return reply

    for path, route in list(server.routes.items()):
        server.routes[path] = held(route)


@pytest.fixture
def engine(pg_url: str) -> Iterator[Engine]:
    e = create_engine(pg_url)
    yield e
    e.dispose()


def test_two_workers_on_one_postgresql_poll_200_feeds_each_once_post_each_alert_once_send_one_digest(
        pg_url: str, engine: Engine, tmp_path: Path, slack_server: FakeSlackServer,
        smtp_server: FakeSmtpServer) -> None:
    pages = farm_pages(200, 2)
    env = environment(pg_url, slack_server, MONITOR_CLAIM_BATCH="10", SMTP_HOST="127.0.0.1",
                      SMTP_PORT=str(smtp_server.port), SMTP_STARTTLS="false", DIGEST_TO="vetters@example.org",
                      DIGEST_TIME="00:00")  # past already: each worker catches up on yesterday's digest at start
    with Loopback() as server:
        server.serve_pages(pages)
        hold_until_both_ready(server, [tmp_path / f"worker-{n}.log" for n in "ab"])
        feeds = feeds_file(tmp_path / "feeds.yaml", server, pages)
        logs = [(tmp_path / f"worker-{n}.log").open("w", encoding="utf-8") for n in "ab"]
        workers = [start(["run", "--feeds", str(feeds)], env, tmp_path, log) for log in logs]
        try:
            yesterday = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
            wait_until(lambda: count(engine, schema.feeds, schema.feeds.c.last_success.is_not(None)) == 200
                       and count(engine, schema.alerts, schema.alerts.c.status == "pending") == 0
                       and count(engine, schema.digests, schema.digests.c.day == yesterday,
                                 schema.digests.c.status == "sent") == 1,
                       timeout=420, what="every feed polled, every alert sent and the digest sent")
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            codes = [worker.wait(timeout=120) for worker in workers]
            for log in logs:
                log.close()
        output = [(tmp_path / f"worker-{n}.log").read_text(encoding="utf-8") for n in "ab"]
        requests = Counter(r.path for r in server.requests)

    assert codes == [0, 0], output
    assert requests == Counter(pages.keys()), "a feed was fetched twice, or not at all, in the cycle"
    with engine.connect() as conn:
        alert_ids = set(conn.execute(select(schema.alerts.c.id)).scalars())
        items = conn.execute(select(func.count()).select_from(schema.items)).scalar_one()
    assert items == 400  # every item stored once
    posted = posted_alert_ids(slack_server)
    assert len(alert_ids) >= 3 and set(posted) == alert_ids, output  # every alert posted ...
    assert set(posted.values()) == {1}, f"an alert was posted twice: {posted}"  # ... once
    assert len(smtp_server.messages) == 1  # one digest e-mail between the two workers
    # Both took a share: each worker's log says what it polled, under its own worker id.
    polled = [sum(int(n) for n in re.findall(r"polled (\d+) feeds", text)) for text in output]
    assert sum(polled) == 200 and all(polled), polled
    ids = [set(re.findall(r"worker (\S+:\d+:[0-9a-f]{6}) polling", text)) for text in output]
    assert all(len(i) == 1 for i in ids) and ids[0] != ids[1], ids


def test_a_worker_killed_holding_leases_leaves_its_feeds_until_the_leases_run_out_then_another_finishes_them(
        pg_url: str, engine: Engine, tmp_path: Path, slack_server: FakeSlackServer) -> None:
    pages = farm_pages(20, 5)
    gate = threading.Event()  # the feeds answer only once the first worker is dead

    def gated(path: str) -> Callable[[Request], Reply]:
        def answer(_request: Request) -> Reply:
            gate.wait(60)
            return Reply(200, {"Content-Type": "application/rss+xml"}, pages[path])
        return answer

    env = environment(pg_url, slack_server, MONITOR_LEASE_SECONDS="20")
    with Loopback() as server:
        for path in pages:
            server.route(path, gated(path))
        feeds = feeds_file(tmp_path / "feeds.yaml", server, pages)
        poll = ["poll", "--due", "--feeds", str(feeds)]
        with (tmp_path / "doomed.log").open("w", encoding="utf-8") as log:
            doomed = start(poll, env, tmp_path, log)
            try:
                wait_until(lambda: len(server.requests) >= 1, timeout=120, what="the first worker's requests")
            finally:
                doomed.kill()  # SIGKILL, holding the lease of every feed it claimed
                doomed.wait(timeout=30)
        gate.set()
        [holder] = lease_owners(pg_url)["feeds"]
        assert count(engine, schema.feeds, schema.feeds.c.lease_owner == holder) == 20

        early = subprocess.run([sys.executable, "-m", "monitor.cli", *poll, "--watchlist", str(WATCHLIST)], env=env,
                               cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert early.returncode == 0, early.stdout + early.stderr
        assert "feeds: 0 polled" in early.stdout  # the leases still run: the dead worker's feeds are left alone
        before = len(server.requests)

        wait_for_leases_to_run_out(pg_url)
        late = subprocess.run([sys.executable, "-m", "monitor.cli", "-v", *poll, "--watchlist", str(WATCHLIST)],
                              env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
        requests = Counter(r.path for r in server.requests[before:])

    assert late.returncode == 0, late.stdout + late.stderr
    assert "feeds: 20 polled, 0 failed" in late.stdout, late.stdout
    assert late.stderr.count(f"taken over from worker {holder}") == 20
    assert requests == Counter(pages.keys())  # each of its feeds fetched once more, by the new worker
    assert count(engine, schema.items) == 100  # nothing lost
    assert count(engine, schema.feeds, schema.feeds.c.lease_owner.is_not(None)) == 0  # its saves ended the leases
    with engine.connect() as conn:
        alert_ids = set(conn.execute(select(schema.alerts.c.id)).scalars())
    posted = posted_alert_ids(slack_server)
    assert alert_ids and set(posted) == alert_ids and set(posted.values()) == {1}, posted
