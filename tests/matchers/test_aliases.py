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
