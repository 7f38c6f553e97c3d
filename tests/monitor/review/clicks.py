"""Shared by the review tests: one alert stored and posted to the loopback Slack, and Slack's click payloads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from monitor.alerts import to_payload
from monitor.config.settings import Settings
from monitor.domain.assessment import Allegation, Assessment, Link
from monitor.domain.item import Item
from monitor.domain.messages import Alert, UnitLine
from monitor.outbox import deliver_pending
from monitor.store.database import Store
from notifiers.slack import SlackNotifier, make_client
from tests.servers.slack import TEAM_ID, FakeSlackServer

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
CHANNEL = "C0ALERTS"
ALERTING = Assessment(units=(Link("unit", "sedena-102-bi", 0.9, via="named", implicated=True),),
                      allegation=Allegation(("killing",)), implicated=("sedena-102-bi",), alert=True)
ALERT = Alert(id=0, headline="Soldiers of the 102nd executed <b>civilians</b>", url="https://example.org/a",
              source="Example", published=NOW, cases=(), implicated=(UnitLine("sedena-102-bi", "102nd", True),),
              at_risk=(), allegation_types=("killing",), passage="executed people who had surrendered")


def posted_alert(store: Store, slack: FakeSlackServer) -> tuple[int, str]:
    """One alert stored and sent to the loopback Slack; its id and the message ts."""
    item = Item(feed="f", guid="g1", url="https://example.org/a", title=ALERT.headline, summary="s")
    store.save_item(item, ALERTING, fetched_at=NOW, alert=to_payload(ALERT), thread_key="unit:sedena-102-bi")
    deliver_pending(store, SlackNotifier(make_client(slack.token, slack.url, sleep=lambda _s: None), CHANNEL),
                    lambda: NOW)
    [alert_id] = store.alert_ids()
    [message] = slack.messages
    return alert_id, message["ts"]


def settings(slack: FakeSlackServer, **overrides: Any) -> Settings:
    values: dict[str, Any] = dict(slack_token=slack.token, slack_channel=CHANNEL, slack_api_url=slack.url,
                                  slack_app_token=slack.app_token)
    return Settings(**{**values, **overrides})


def click(alert_id: int, ts: str, verdict: str = "credible", *, channel: str = CHANNEL,
          team: str = TEAM_ID) -> dict[str, Any]:
    return {"type": "block_actions", "team": {"id": team}, "user": {"id": "U0ANA", "username": "ana"},
            "channel": {"id": channel}, "trigger_id": "1.2.abc",
            "container": {"type": "message", "message_ts": ts, "channel_id": channel},
            "actions": [{"type": "button", "block_id": "monitor_review", "action_id": f"review:{verdict}",
                         "value": str(alert_id)}]}
