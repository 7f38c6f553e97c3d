"""A vetter's verdict on an alert, as plain values: what the buttons, the CLI, the digest and `labels` share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, cast

Verdict = Literal["credible", "not-this-unit", "duplicate", "not-an-allegation"]
VERDICTS: tuple[Verdict, ...] = ("credible", "not-this-unit", "duplicate", "not-an-allegation")
# The words on the Slack buttons and in the digest.
VERDICT_LABELS: dict[Verdict, str] = {
    "credible": "Credible",
    "not-this-unit": "Not this unit",
    "duplicate": "Duplicate",
    "not-an-allegation": "Not an allegation",
}
# Verdicts that take an item out of the digest's main list into its short "dismissed" section.
DISMISSED: frozenset[Verdict] = frozenset({"not-this-unit", "duplicate", "not-an-allegation"})


def as_verdict(value: str) -> Verdict | None:
    """`value` if it names a verdict, else None (a click or a row from elsewhere is not trusted)."""
    return cast(Verdict, value) if value in VERDICTS else None


@dataclass(frozen=True)
class Review:
    """One verdict given on one alert; an alert's latest review is the one that counts."""

    alert_id: int
    verdict: Verdict
    by: str  # a Slack user id (U...) or the name given to `monitor review --by`
    at: dt.datetime
    note: str = ""
    via: str = "cli"  # slack | cli

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    @property
    def dismissed(self) -> bool:
        return self.verdict in DISMISSED
