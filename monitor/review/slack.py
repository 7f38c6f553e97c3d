"""A click on an alert's review buttons (or the note modal's Save): checked, stored, the message updated.

Only clicks from our team, in our alert channel, on the message an alert was posted as, count;
anything else (another channel or workspace, an unknown alert, a verdict we do not know) is
ignored and logged. A recorded verdict is shown on the message with `chat.update`; when the update
fails the verdict stays recorded (the log says so) and the next click updates the message again.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from monitor.alerts import from_payload
from monitor.config.settings import Settings
from monitor.domain.errors import DeliveryError
from monitor.domain.review import Review, Verdict, as_verdict
from monitor.store.database import Store
from notifiers.blocks import NOTE_ACTION, NOTE_CALLBACK, REVIEW_ACTION
from notifiers.slack import SlackNotifier, make_client

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Click:
    """What a Slack interaction asks for, read from its payload (still to be checked against the store)."""

    alert_id: int
    verdict: Verdict | None  # None: the "Add a note" button, which opens the modal
    user: str
    team: str
    channel: str
    ts: str  # the clicked message
    note: str = ""
    trigger_id: str = ""


def read_click(payload: dict[str, Any]) -> Click | str:
    """The click in a block_actions or view_submission payload, or why it is not one of ours."""
    team, user = (payload.get("team") or {}).get("id", ""), (payload.get("user") or {}).get("id", "")
    if payload.get("type") == "block_actions":
        return _button(payload, team, user)
    if payload.get("type") == "view_submission":
        return _submission(payload, team, user)
    return f"an interaction of type {payload.get('type')!r}"


def _button(payload: dict[str, Any], team: str, user: str) -> Click | str:
    actions = payload.get("actions") or [{}]
    action, container = actions[0], payload.get("container") or {}
    action_id = str(action.get("action_id", ""))
    verdict = as_verdict(action_id.removeprefix(REVIEW_ACTION)) if action_id.startswith(REVIEW_ACTION) else None
    if verdict is None and action_id != NOTE_ACTION:
        return f"an unknown action {action_id!r}"
    alert_id = _int(action.get("value"))
    if alert_id is None:
        return f"a button without an alert id ({action.get('value')!r})"
    channel = container.get("channel_id") or (payload.get("channel") or {}).get("id", "")
    return Click(alert_id, verdict, user, team, str(channel), str(container.get("message_ts", "")),
                 trigger_id=str(payload.get("trigger_id", "")))


def _submission(payload: dict[str, Any], team: str, user: str) -> Click | str:
    view = payload.get("view") or {}
    if view.get("callback_id") != NOTE_CALLBACK:
        return f"a form {view.get('callback_id')!r} that is not ours"
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return "a note form with unreadable metadata"
    values = (view.get("state") or {}).get("values") or {}
    chosen = ((values.get("verdict") or {}).get("verdict") or {}).get("selected_option") or {}
    verdict = as_verdict(str(chosen.get("value", "")))
    alert_id = _int(meta.get("alert_id"))
    if verdict is None or alert_id is None:
        return "a note form without a verdict or an alert id"
    note = ((values.get("note") or {}).get("note") or {}).get("value") or ""
    return Click(alert_id, verdict, user, team, str(meta.get("channel", "")), str(meta.get("ts", "")), note=note)


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, str | int) and str(value).isdigit() else None


class ReviewDesk:
    """Turns checked clicks into stored verdicts and updated messages."""

    def __init__(self, store: Store, slack: SlackNotifier, *, channel: str, team: str,
                 clock: Callable[[], dt.datetime]) -> None:
        self._store, self._slack, self._channel, self._team, self._clock = store, slack, channel, team, clock
        # Clicks arrive on several threads; one at a time, so the message always shows the verdict stored last.
        self._lock = threading.Lock()

    def handle(self, payload: dict[str, Any]) -> str:
        """Act on one interaction; returns (and logs) one line saying what became of it."""
        click = read_click(payload)
        problem = click if isinstance(click, str) else self._problem(click)
        if problem is not None:
            log.warning("review click ignored: %s", problem)
            return f"ignored: {problem}"
        assert isinstance(click, Click)
        with self._lock:
            return self._act(click)

    def _problem(self, click: Click) -> str | None:
        if click.team != self._team:
            return f"from another team ({click.team!r})"
        if click.channel != self._channel:
            return f"from another channel ({click.channel!r}, alerts go to {self._channel!r})"
        alert = self._store.alert(click.alert_id)
        if alert is None:
            return f"alert {click.alert_id} is unknown"
        if alert.ts != click.ts:
            return f"message {click.ts!r} is not where alert {click.alert_id} was posted"
        return None

    def _act(self, click: Click) -> str:
        if click.verdict is None:
            try:
                self._slack.open_note_modal(click.trigger_id, click.alert_id, click.ts)
            except DeliveryError as exc:
                log.error("the note form for alert %d did not open: %s", click.alert_id, exc)
            return f"note form opened for alert {click.alert_id}"
        review = self._store.add_review(click.alert_id, click.verdict, by=click.user, now=self._clock(),
                                        note=click.note, via="slack")
        row = self._store.alert(click.alert_id)
        assert row is not None
        try:
            self._slack.update_alert(from_payload(row.id, row.payload, None), click.ts, review)
        except DeliveryError as exc:
            log.error("verdict on alert %d recorded, but the message was not updated: %s", click.alert_id, exc)
        outcome = f"alert {click.alert_id}: {click.verdict} by {click.user}"
        log.info("review recorded: %s", outcome)
        return outcome


def show_on_slack(settings: Settings, store: Store, review: Review) -> str:
    """After `monitor review`: show the verdict on the alert's Slack message too, when there is one.
    Returns a line saying what happened ("" when Slack is not configured or the alert was never posted)."""
    row = store.alert(review.alert_id)
    if not (settings.slack_token and settings.slack_channel) or row is None or not row.ts:
        return ""
    slack = SlackNotifier(make_client(settings.slack_token, settings.slack_api_url), settings.slack_channel)
    try:
        slack.update_alert(from_payload(row.id, row.payload, None), row.ts, review)
    except DeliveryError as exc:
        return f"(the Slack message was not updated: {exc})"
    return "the Slack message shows the verdict"
