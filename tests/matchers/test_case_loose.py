"""A case told by its alias with words inserted ("the 43 Ayotzinapa students" for "43 students") or by its
toll as its description gives it ("los 22 civiles") fires `loose` and `toll`; other numbers, other nouns,
dates and a town alone do not. The cases are made up: the patterns come from any watchlist's wording."""

from __future__ import annotations

import datetime as dt

import pytest

from matchers.cases import loose_alias_pattern, toll_pattern
from monitor.domain.text import fold
from monitor.domain.watchlist import Case

CASE = Case(
    id="rio-claro-2019", name="Río Claro students disappearance", date=dt.date(2019, 5, 14),
    place="Río Claro, Provincia Alta", aliases=("Río Claro", "31 students", "normalistas de Río Claro"),
    description=("On 14 May 2019 police in Río Claro stopped two buses; 31 students were disappeared and 4 people "
                 "were killed. Twelve years later nobody has been convicted.",
                 "El 14 de mayo de 2019 policías de Río Claro detuvieron dos autobuses; 31 normalistas fueron "
                 "desaparecidos y murieron 4 personas."))


def _loose(text: str) -> bool:
    pattern = loose_alias_pattern(CASE)
    return pattern is not None and pattern.search(fold(text)) is not None


def _toll(text: str) -> bool:
    pattern = toll_pattern(CASE)
    return pattern is not None and pattern.search(fold(text)) is not None


@pytest.mark.parametrize("text", [
    "The parents of the 31 Río Claro students marched again.",
    "The 31 missing students were never found.",
    "Los normalistas rurales de Río Claro marcharon.",
    "Hablaron los padres de los 31 students.",
])
def test_an_alias_with_words_between_is_loose(text: str) -> None:
    assert _loose(text)


@pytest.mark.parametrize("text", [
    "Río Claro opened a new market on Monday.",  # the town alone is every other story there
    "The 31 delegates discussed the budget with the students' union.",  # too many words between
    "Students, 31 of them, protested.",  # the words out of order
    "El alcalde de Río Claro inauguró una escuela normal.",
])
def test_the_town_or_scattered_words_are_not_loose(text: str) -> None:
    assert not _loose(text)


@pytest.mark.parametrize("text", [
    "Relatives of the 31 disappeared students met the minister.",
    "Los 31 normalistas siguen sin aparecer.",
    "Un juez liberó al policía acusado por los 31 jóvenes normalistas.",
])
def test_the_toll_with_its_noun_is_a_toll(text: str) -> None:
    assert _toll(text)


@pytest.mark.parametrize("text", [
    "The 32 students of the chess club won a prize.",  # another number
    "The city hired 31 teachers.",  # the number with another noun
    "El 31 de mayo normalistas de otra escuela marcharon.",  # a date
    "On 31 May students marched.",
    "31.5 students per class on average.",  # part of a larger number
    "Twelve years later, 14 people were hurt.",  # a number the description gives for no victims
])
def test_other_numbers_and_nouns_are_no_toll(text: str) -> None:
    assert not _toll(text)


def test_a_case_without_tolls_or_long_aliases_has_no_pattern() -> None:
    bare = Case(id="x", name="X", place="Río Claro", aliases=("Río Claro",), description=("Police killed a farmer.",))
    assert loose_alias_pattern(bare) is None
    assert toll_pattern(bare) is None
