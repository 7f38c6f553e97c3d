import pytest

from matchers.aliases import AliasIndex
from monitor.domain.watchlist import Unit, Watchlist

BATTALION = Unit(id="bi-102", name="102nd Infantry Battalion", kind="battalion")
ZONE = Unit(id="zm-22", name="22nd Military Zone", kind="military zone")
POLICE = Unit(id="pf", name="Federal Police", aliases=("Policía Federal", "PF"), kind="police")


@pytest.fixture(scope="module")
def index() -> AliasIndex:
    return AliasIndex(Watchlist(units=(BATTALION, ZONE, POLICE)))


def ids(index: AliasIndex, text: str) -> list[str]:
    return sorted({h.id for h in index.find(text)})


@pytest.mark.parametrize("text", [
    "troops of the 102nd Infantry Battalion", "the 102nd Battalion", "el 102/o. Batallón de Infantería",
    "el 102° Batallón", "el 102º batallón de infantería", "el Batallón 102", "102o Batallón",
    "Batallón de Infantería No. 102", "BATALLON DE INFANTERIA 102", "the battalion 102",
])
def test_battalion_ordinals_are_generated(index, text):
    assert ids(index, text) == ["bi-102"]


@pytest.mark.parametrize("text", [
    "la 22/a. Zona Militar", "la 22a Zona Militar", "la 22ª Zona Militar", "Zona Militar 22",
    "22 Zona Militar", "the 22nd Military Zone", "la Zona Militar número 22",
])
def test_zone_ordinals_are_generated(index, text):
    assert ids(index, text) == ["zm-22"]


@pytest.mark.parametrize("text", [
    "the 102nd anniversary of the army", "Batallón 1022", "22nd Zone", "route 102 battalions",
    "Zona Militar 220", "la 122 Zona Militar",
])
def test_other_numbers_do_not_match(index, text):
    assert ids(index, text) == []


def test_accents_case_and_spanish_plurals(index):
    assert ids(index, "POLICIA FEDERAL") == ["pf"]
    assert ids(index, "dos policías federales") == ["pf"]


def test_short_acronym_is_case_sensitive(index):
    assert ids(index, "la PF detuvo a dos hombres") == ["pf"]
    assert ids(index, "see the file report.pdf or the pf settings") == []
    assert ids(index, "PFIZER shares rose") == []


NATIONAL_POLICE = Unit(id="co-pn", name="National Police of Colombia", aliases=("Policía Nacional", "National Police"),
                       kind="police", country="CO")
GENDARMERIE = Unit(id="ar-gna", name="Gendarmería Nacional", aliases=("Gendarmería", "gendarmes"),
                   kind="gendarmerie", country="AR")


@pytest.fixture(scope="module")
def national() -> AliasIndex:
    return AliasIndex(Watchlist(units=(NATIONAL_POLICE, GENDARMERIE)))


@pytest.mark.parametrize("text", [
    "Agentes de la Policía Nacional del Perú golpearon a los manifestantes.",
    "la Policía Nacional peruana dispersó la marcha",
    "French gendarmes beat a protester at the reservoir.",
    "Los gendarmes franceses cargaron contra la marcha.",
    "the Peruvian National Police said",
])
def test_a_generic_alias_beside_another_country_is_that_country_s_force(national, text):
    assert ids(national, text) == []


@pytest.mark.parametrize(("text", "unit"), [
    ("la Policía Nacional de Colombia disparó", "co-pn"),
    ("the Colombian National Police opened fire", "co-pn"),
    ("Argentine gendarmes chased the protesters", "ar-gna"),
    ("Los gendarmes persiguieron a los manifestantes.", "ar-gna"),
])
def test_the_unit_s_own_country_or_none_keeps_the_alias(national, text, unit):
    assert ids(national, text) == [unit]


BATTALION_41 = Unit(id="bi-41", name="41st Infantry Battalion", kind="battalion")
STATE_POLICE = Unit(id="gro-pe", name="Guerrero state police", aliases=("state police", "Policía Estatal"),
                    kind="police")


@pytest.fixture(scope="module")
def listed() -> AliasIndex:
    return AliasIndex(Watchlist(units=(BATTALION, BATTALION_41, ZONE, POLICE, STATE_POLICE)))


def spans(index: AliasIndex, text: str) -> list[tuple[str, str]]:
    return sorted((h.id, h.matched) for h in index.find(text))


@pytest.mark.parametrize("text", [
    "warrants against soldiers from the 41st and 102nd infantry battalions",
    "troops of the 102nd and 41st battalions",
    "los batallones 41 y 102 de infantería",
    "los batallones de infantería 102 y 41",
    "the 41st, 7th and 102nd infantry battalions",
])
def test_each_unit_of_a_list_of_numbers_is_found(listed, text):
    assert ids(listed, text) == ["bi-102", "bi-41"]


@pytest.mark.parametrize("text", [
    "the 41st and 102nd anniversaries of the army", "batallones 1020 y 410", "the 41st and 102nd military zones",
])
def test_a_list_of_numbers_before_another_noun_names_no_unit(listed, text):
    assert ids(listed, text) == []


@pytest.mark.parametrize("text", [
    "federal and Guerrero state police fired on the students",
    "Policías estatales y federales dispararon contra los estudiantes.",
    "la Policía Estatal y Federal cerró la carretera",
])
def test_a_coordination_of_modifiers_names_both_forces(listed, text):
    assert ids(listed, text) == ["gro-pe", "pf"]


@pytest.mark.parametrize("text", [
    "federal judges and state police met", "the federal budget and police reform", "policías estatales y municipales",
])
def test_a_coordination_without_the_alias_s_words_names_no_federal_force(listed, text):
    assert "pf" not in ids(listed, text)


def test_a_listed_unit_s_hit_is_its_own_words(listed):
    assert spans(listed, "the 41st and 102nd infantry battalions") == [
        ("bi-102", "102nd infantry battalions"), ("bi-41", "41st")]


@pytest.mark.parametrize("text", [
    "Perú: denuncian que la Policía Nacional golpeó a manifestantes",
    "Yemen: National Police fired on marchers in Sanaa",
])
def test_a_dateline_naming_another_country_makes_a_generic_alias_that_country_s(national, text):
    assert ids(national, text) == []


@pytest.mark.parametrize("text", [
    "Colombia: denuncian que la Policía Nacional golpeó a manifestantes",
    "Perú: entregan a un prófugo que buscaba la Policía Nacional de Colombia",
    "Informe: la Policía Nacional golpeó a manifestantes",
])
def test_a_dateline_of_the_unit_s_country_or_none_keeps_the_alias(national, text):
    assert ids(national, text) == ["co-pn"]
