"""Review clicks over a loopback Slack Socket Mode websocket and the loopback Web API, with slack_sdk's
own Socket Mode client: acked, stored, the message updated once; foreign clicks change nothing; a
dropped websocket comes back. Nothing sleeps: every wait is on an event, with a timeout.
"""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator

import pytest

from monitor.review.socket import ReviewSocket, start_reviews
from monitor.store.database import Store
from tests.monitor.review.clicks import CHANNEL, NOW, click, posted_alert, settings
from tests.servers.slack import TEAM_ID, FakeSlackServer
from tests.servers.socket_mode import FakeSocketModeServer


class Outcomes(logging.Handler):
    """Collects the review module's log lines so a test can wait for one (clicks run on other threads)."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.changed = threading.Condition()

    def emit(self, record: logging.LogRecord) -> None:
        with self.changed:
            self.lines.append(record.getMessage())
            self.changed.notify_all()

    def wait_for(self, text: str, timeout: float = 10.0) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: any(text in line for line in self.lines), timeout)


@pytest.fixture
def outcomes() -> Iterator[Outcomes]:
    handler = Outcomes()
    logger = logging.getLogger("monitor.review")
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(old)


@pytest.fixture
def reviews(store: Store, slack_server: FakeSlackServer, socket_server: FakeSocketModeServer) -> Iterator[ReviewSocket]:
    slack_server.socket_url = socket_server.url
    out = io.StringIO()
    socket = start_reviews(settings(slack_server), store, lambda: NOW, out, ping_interval=0.5)
    assert socket is not None, out.getvalue()
    assert socket_server.wait_for_connections(1)
    yield socket
    socket.close()


def test_every_alert_carries_the_review_buttons(store: Store, slack_server: FakeSlackServer) -> None:
    alert_id, _ = posted_alert(store, slack_server)
    actions = [b for b in slack_server.messages[0]["blocks"] if b["type"] == "actions"]
    assert [e["text"]["text"] for e in actions[0]["elements"]] == \
        ["Credible", "Not this unit", "Duplicate", "Not an allegation", "Add a note…"]
    assert {e["value"] for e in actions[0]["elements"]} == {str(alert_id)}


def test_a_click_is_acked_stored_and_the_message_updated_once(
        store: Store, slack_server: FakeSlackServer, socket_server: FakeSocketModeServer,
        reviews: ReviewSocket, outcomes: Outcomes) -> None:
    alert_id, ts = posted_alert(store, slack_server)
    envelope = socket_server.send_interactive(click(alert_id, ts, "not-this-unit"))
    assert socket_server.wait_for_ack(envelope, timeout=3.0) == {"envelope_id": envelope}  # Slack's 3 s
    assert slack_server.wait_for_calls("chat.update", 1)
    assert outcomes.wait_for(f"alert {alert_id}: not-this-unit by U0ANA")
    review = store.latest_review(alert_id)
    assert review is not None and (review.verdict, review.by, review.via) == ("not-this-unit", "U0ANA", "slack")
    [update] = slack_server.calls("chat.update")
    assert update.args["ts"] == ts and update.args["channel"] == CHANNEL
    updated = str(slack_server.messages[0]["blocks"])
    assert "Reviewed: *Not this unit* by <@U0ANA>" in updated
    assert "&lt;b&gt;civilians&lt;/b&gt;" in updated  # the feed's text still escaped in the updated message


def test_clicks_from_elsewhere_or_for_unknown_alerts_change_nothing(
        store: Store, slack_server: FakeSlackServer, socket_server: FakeSocketModeServer,
        reviews: ReviewSocket, outcomes: Outcomes) -> None:
    alert_id, ts = posted_alert(store, slack_server)
    foreign = [click(alert_id, ts, channel="C0OTHER"), click(alert_id, ts, team="T0OTHER"),
               click(alert_id + 99, ts), click(alert_id, "999.000001")]
    for payload in foreign:
        envelope = socket_server.send_interactive(payload)
        assert socket_server.wait_for_ack(envelope) is not None  # acked all the same, so Slack does not resend
    for reason in ("another channel ('C0OTHER'", "another team ('T0OTHER')", f"alert {alert_id + 99} is unknown",
                   "'999.000001' is not where"):
        assert outcomes.wait_for(reason), outcomes.lines
    assert store.reviews(alert_id) == [] and slack_server.calls("chat.update") == []


def test_a_dropped_websocket_reconnects_and_clicks_arrive_again(
        store: Store, slack_server: FakeSlackServer, socket_server: FakeSocketModeServer,
        reviews: ReviewSocket, outcomes: Outcomes) -> None:
    alert_id, ts = posted_alert(store, slack_server)
    socket_server.drop()
    assert socket_server.wait_for_connections(2)
    assert len(slack_server.calls("apps.connections.open")) >= 2  # a fresh URL for the new connection
    envelope = socket_server.send_interactive(click(alert_id, ts, "duplicate"))
    assert socket_server.wait_for_ack(envelope) is not None
    assert outcomes.wait_for(f"alert {alert_id}: duplicate")
    assert [r.verdict for r in store.reviews(alert_id)] == ["duplicate"]


def test_the_note_modal_records_the_verdict_with_its_note(
        store: Store, slack_server: FakeSlackServer, socket_server: FakeSocketModeServer,
        reviews: ReviewSocket, outcomes: Outcomes) -> None:
    alert_id, ts = posted_alert(store, slack_server)
    button = click(alert_id, ts)
    button["actions"][0]["action_id"] = "review-note"
    socket_server.send_interactive(button)
    assert slack_server.wait_for_calls("views.open", 1)
    view = slack_server.calls("views.open")[0].args["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    submission = {"type": "view_submission", "team": {"id": TEAM_ID}, "user": {"id": "U0BEA"},
                  "view": {**view, "state": {"values": {
                      "verdict": {"verdict": {"type": "radio_buttons", "selected_option": {"value": "credible"}}},
                      "note": {"note": {"type": "plain_text_input", "value": "matches the CNDH file"}}}}}}
    socket_server.send_interactive(submission)
    assert outcomes.wait_for(f"alert {alert_id}: credible by U0BEA")
    review = store.latest_review(alert_id)
    assert review is not None and review.note == "matches the CNDH file"
    assert "matches the CNDH file" in str(slack_server.messages[0]["blocks"])


def test_without_an_app_token_reviews_are_off_and_it_says_so(store: Store, slack_server: FakeSlackServer) -> None:
    out = io.StringIO()
    assert start_reviews(settings(slack_server, slack_app_token=None), store, lambda: NOW, out) is None
    assert out.getvalue().count("reviews from Slack are off: no SLACK_APP_TOKEN") == 1
    assert slack_server.calls("apps.connections.open") == []


def test_a_refused_app_token_turns_reviews_off_and_says_why(store: Store, slack_server: FakeSlackServer,
                                                          socket_server: FakeSocketModeServer) -> None:
    slack_server.socket_url = socket_server.url
    out = io.StringIO()
    assert start_reviews(settings(slack_server, slack_app_token="xapp-revoked"), store, lambda: NOW, out) is None
    assert "reviews from Slack are off: Slack refused the connection (invalid_auth)" in out.getvalue()
    assert socket_server.connections == 0
