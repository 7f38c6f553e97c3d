"""The item's language is one small field of every alert: in the Slack byline, on the console, and
through the outbox payload."""

from __future__ import annotations

import dataclasses
import io
import json

from monitor.alerts import from_payload, to_payload
from monitor.domain.messages import Alert
from notifiers.blocks import alert_blocks
from notifiers.console import ConsoleNotifier


def test_language_shows_in_the_slack_byline_only_when_known(alert: Alert) -> None:
    spanish = json.dumps(alert_blocks(dataclasses.replace(alert, language="es")), ensure_ascii=False)
    unknown = json.dumps(alert_blocks(alert), ensure_ascii=False)
    assert "*UN News* · 2024-05-02 14:30 UTC · es · Allegation" in spanish
    assert "*UN News* · 2024-05-02 14:30 UTC · Allegation" in unknown


def test_language_shows_on_the_console(alert: Alert) -> None:
    out = io.StringIO()
    ConsoleNotifier(out).send(dataclasses.replace(alert, language="es"))
    assert "UN News | 2024-05-02 14:30+00:00 | es | allegation: extrajudicial killing" in out.getvalue()


def test_language_survives_the_outbox_payload(alert: Alert) -> None:
    spanish = dataclasses.replace(alert, language="es")
    assert from_payload(alert.id, json.loads(json.dumps(to_payload(spanish))), None).language == "es"
    old = to_payload(alert)
    old.pop("language")  # an alert queued before the field existed
    assert from_payload(alert.id, old, None).language is None
