"""A case's day (`dates.case_day_pattern`, the `day` signal): the case's own date or the day after, since a
night attack or a siege runs past midnight and reports date it by either day. Other days, the day before, and
the same day of another month are not the case's day."""

from __future__ import annotations

import datetime as dt

import pytest

from matchers.dates import case_day_pattern
from monitor.domain.text import fold

NIGHT = dt.date(2019, 9, 26)  # a night attack
MONTH_END = dt.date(2020, 11, 30)  # the day after is in the next month


def _day(text: str, date: dt.date) -> bool:
    return case_day_pattern(date).search(fold(text)) is not None


@pytest.mark.parametrize("text", [
    "Police opened fire on the buses on September 26.",
    "Patrols reached the clinic in the early hours of 27 September.",
    "La policía atacó los autobuses la noche del 26 de septiembre.",
    "La patrulla llegó a la clínica la madrugada del 27 de septiembre.",
    "Los hechos de la noche del 26 y 27 de septiembre siguen sin aclararse.",
])
def test_the_day_or_the_night_after_is_the_case_day(text: str) -> None:
    assert _day(text, NIGHT)


@pytest.mark.parametrize("text", [
    "The governor spoke on September 25.",  # the day before
    "El juez dictó sentencia el 28 de septiembre.",  # two days later
    "Protesters marched on October 27.",  # the next day's number in another month
    "El 27 de octubre se reunieron los padres.",
    "Se detuvo a 27 personas en septiembre.",  # a number, not a date
])
def test_other_days_are_not_the_case_day(text: str) -> None:
    assert not _day(text, NIGHT)


def test_the_day_after_the_last_of_a_month_is_the_first_of_the_next() -> None:
    assert _day("Shelling went on until December 1.", MONTH_END)
    assert _day("Los bombardeos siguieron hasta el 1 de diciembre.", MONTH_END)
    assert not _day("On November 1 the market reopened.", MONTH_END)
