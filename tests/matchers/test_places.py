"""A case's place as reports name it: without the word for its kind of place, never a bare direction."""

from __future__ import annotations

import pytest

from matchers.places import bare_name, place_names, place_pattern
from monitor.domain.text import fold
from monitor.domain.watchlist import Case


@pytest.mark.parametrize(("part", "bare"), [
    ("Kasese Municipality", "Kasese"),
    ("Mopti Region", "Mopti"),
    ("Tahrir Square", "Tahrir"),
    ("municipio de Chenalhó", "Chenalhó"),
    ("Departamento del Cauca", "Cauca"),
    ("vereda La Esperanza", "La Esperanza"),
])
def test_the_kind_of_place_is_left_out(part: str, bare: str) -> None:
    assert bare_name(part) == bare


@pytest.mark.parametrize("part", ["Ciudad Juárez", "Mexico City", "Tlatlaya", "Nuevo Laredo"])
def test_a_name_with_no_kind_word_stays_whole(part: str) -> None:
    assert bare_name(part) == part


@pytest.mark.parametrize("part", ["Central Zone", "North Region", "Región Norte", "Zona Centro"])
def test_a_direction_left_alone_is_no_place(part: str) -> None:
    assert bare_name(part) == ""


def case(place: str) -> Case:
    return Case(id="c", name="c", place=place)


def test_the_place_of_a_case_is_found_by_its_bare_town_in_either_language() -> None:
    pattern = place_pattern(case("Buhikira palace, Kasese Municipality, Kasese District, Western Region"))
    assert pattern is not None
    assert "Western Region" not in place_names(case("X palace, Kasese Municipality, Western Region, Uganda"))
    assert pattern.search(fold("Soldiers stormed the palace in Kasese in November 2016."))
    assert pattern.search(fold("Los militares asaltaron el palacio de Kasese en noviembre de 2016."))
    assert not pattern.search(fold("The army held a ceremony in the western region of the country."))
