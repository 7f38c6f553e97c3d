"""The console notifier prints a readable alert and nothing a terminal would interpret."""

from __future__ import annotations

import dataclasses
import io

from monitor.domain.messages import Alert
from notifiers.base import Notifier
from notifiers.console import ConsoleNotifier


def test_prints_a_readable_alert(alert: Alert) -> None:
    stream = io.StringIO()

    ts = ConsoleNotifier(stream).send(alert)

    out = stream.getvalue()
    assert ts == "console-41"
    for expected in (
        "ALERT: Soldiers of the 102nd",
        "UN News",
        "Case: Tlatlaya killings",
        "102nd Infantry Battalion [US-supported] (under 22nd Military Zone)",
        "35th Infantry Battalion",
        "Evidence (p. 12):",
        "no evidence of unlawful killings",
        "https://news.example.org/tlatlaya?id=7&lang=en",
        "Also reported by: La Jornada, Proceso",
    ):
        assert expected in out


def test_terminal_escapes_are_stripped(alert: Alert) -> None:
    stream = io.StringIO()
    hostile = dataclasses.replace(
        alert,
        headline="\x1b]0;pwned\x07\x1b[2J\x1b[31mred\x1b[0m\u202eevil",
        passage="a\x1b[1Ab\rc",
        url="javascript:alert(1)",
    )

    ConsoleNotifier(stream).send(hostile)

    out = stream.getvalue()
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out and "\r" not in out
    assert "ALERT: redevil" in out
    assert "javascript:" not in out and "withheld" in out


def test_cannot_find_earlier_posts() -> None:
    notifier: Notifier = ConsoleNotifier(io.StringIO())

    assert notifier.find_posted(41) is None
    assert notifier.find_posted(41, 0.0, thread_ts="1.2") is None
