"""Fixtures for the notifier tests: the loopback Slack and SMTP servers, and a sample alert."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.domain.messages import Alert, UnitLine
from tests.servers.slack import slack_server
from tests.servers.smtp import smtp_server

__all__ = ["slack_server", "smtp_server"]


@pytest.fixture
def alert() -> Alert:
    return Alert(
        id=41,
        headline="Soldiers of the 102nd Infantry Battalion accused of killings in Tlatlaya",
        url="https://news.example.org/tlatlaya?id=7&lang=en",
        source="UN News",
        published=dt.datetime(2024, 5, 2, 14, 30, tzinfo=dt.UTC),
        cases=("Tlatlaya killings",),
        implicated=(UnitLine("bi-102", "102nd Infantry Battalion", True, ("22nd Military Zone",)),),
        at_risk=(UnitLine("bi-35", "35th Infantry Battalion", True, ("22nd Military Zone",)),),
        allegation_types=("extrajudicial killing",),
        passage="Witnesses said soldiers executed the detainees after they surrendered.",
        page=12,
        statements=("undercuts: no evidence of unlawful killings by the army",),
        also_reported_by=("La Jornada", "Proceso"),
    )
