"""A case's place as reports name it: without the word for its kind of place, never a bare direction."""

from __future__ import annotations

import pytest

from matchers.places import bare_name, place_names, place_pattern, reference_pattern, shared_reference_names
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


def case(place: str, aliases: tuple[str, ...] = ()) -> Case:
    return Case(id="c", name="c", place=place, aliases=aliases)


def test_the_place_of_a_case_is_found_by_its_bare_town_in_either_language() -> None:
    pattern = place_pattern(case("Buhikira palace, Kasese Municipality, Kasese District, Western Region"))
    assert pattern is not None
    assert "Western Region" not in place_names(case("X palace, Kasese Municipality, Western Region, Uganda"))
    assert pattern.search(fold("Soldiers stormed the palace in Kasese in November 2016."))
    assert pattern.search(fold("Los militares asaltaron el palacio de Kasese en noviembre de 2016."))
    assert not pattern.search(fold("The army held a ceremony in the western region of the country."))


RABAA = case("Rabaa al-Adawiya Square, Nasr City, Cairo", aliases=("Rabaa", "Rabaa massacre"))
BAGUA = case("Curva del Diablo, Bagua, Amazonas, Peru", aliases=("Bagua", "Baguazo"))


@pytest.mark.parametrize(("place", "text"), [
    (BAGUA, "The Committee against Torture said nobody was punished in the Bagua case."),
    (BAGUA, "El Comité contra la Tortura lamentó la impunidad en el caso Bagua."),
    (RABAA, "Senators asked how units could pass vetting after the Rabaa killings."),
    (RABAA, "Nadie rindió cuentas por la dispersión de Rabaa, a diez años de los hechos."),
    (RABAA, "Amnistía habló con sobrevivientes de la masacre de Rabaa al-Adawiya."),
    (BAGUA, "Relatives recalled the deaths in Bagua at a vigil."),
])
def test_a_case_named_as_a_case_by_its_place_in_either_language(place: Case, text: str) -> None:
    pattern = reference_pattern(place)
    assert pattern is not None and pattern.search(fold(text))


@pytest.mark.parametrize(("place", "text"), [
    (BAGUA, "A magnitude 7 earthquake damaged houses in Bagua, the geophysical institute said."),
    (BAGUA, "Deslizamientos bloquearon la carretera entre Bagua Grande y Pedro Ruiz."),
    (RABAA, "The Rabaa al-Adawiya mosque reopened for Friday prayers after a renovation."),
    (RABAA, "El caso de corrupción en Nasr City llegó a los tribunales de El Cairo."),  # a case noun of another thing
    (RABAA, "La policía de Cairo abrió un caso por robo."),  # the city is the broad last part
])
def test_the_town_in_its_other_news_is_no_reference_to_the_case(place: Case, text: str) -> None:
    pattern = reference_pattern(place)
    assert pattern is not None and not pattern.search(fold(text))


def test_a_case_with_only_a_broad_place_has_no_reference() -> None:
    assert reference_pattern(case("")) is None


def test_a_town_that_is_the_place_of_two_cases_names_neither_as_a_case() -> None:
    # Two cases in one city ("the Nuevo Laredo killings" of 2018 or of 2023): the town alone cannot say
    # which, so only each case's own place still refers to it.
    first = case("Valles de Anáhuac, Nuevo Laredo, Tamaulipas")
    second = case("Colonia Guerrero, Nuevo Laredo, Tamaulipas")
    shared = shared_reference_names([first, second, BAGUA])
    assert shared == {"nuevo laredo"}
    patterns = [reference_pattern(c, shared) for c in (first, second)]
    assert all(p is not None for p in patterns)
    for text in ("Nobody was punished for the Nuevo Laredo killings.", "Nadie pagó por la masacre de Nuevo Laredo."):
        assert not any(p.search(fold(text)) for p in patterns if p is not None)
    assert patterns[0] is not None and patterns[0].search(fold("Families recalled the Valles de Anáhuac killings."))
    assert reference_pattern(BAGUA, shared) is not None  # a case alone in its town keeps its references


AYOTZINAPA = case("Iguala, Guerrero", aliases=("Ayotzinapa", "43 students"))


@pytest.mark.parametrize("text", [
    "Prosecutors dropped warrants against soldiers in the Ayotzinapa case.",
    "La fiscalía especial del caso Ayotzinapa renunció.",
    "Parents recalled the case of the 43 students at a vigil.",
])
def test_an_alias_with_a_case_noun_names_the_case(text: str) -> None:
    pattern = reference_pattern(AYOTZINAPA)
    assert pattern is not None and pattern.search(fold(text))


@pytest.mark.parametrize("text", [
    "State police shot a student of the Ayotzinapa teachers college at a checkpoint.",
    "Los normalistas de Ayotzinapa bloquearon la autopista del Sol.",
])
def test_an_alias_without_a_case_noun_is_no_reference(text: str) -> None:
    pattern = reference_pattern(AYOTZINAPA)
    assert pattern is not None and not pattern.search(fold(text))
