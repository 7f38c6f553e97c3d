"""A unit's acronym spelled out as something else just before it ("cerebrospinal fluid (CSF)") is not the
unit; nor is a generic alias beside another country's name ("de El Salvador", "nigerinas")."""

import pytest

from matchers.aliases import AliasIndex
from monitor.domain.watchlist import Unit, Watchlist

CSF = Unit(id="eg-csf", name="Central Security Forces", aliases=("CSF", "Fuerzas de Seguridad Central"),
           kind="riot police", country="EG")
ARMY = Unit(id="bf-army", name="Burkina Faso Armed Forces", kind="army", country="BF",
            aliases=("FAN", "Fuerzas Armadas de Burkina Faso", "Burkinabe army"))
PNC = Unit(id="gt-pnc", name="Guatemalan National Civil Police", kind="police", country="GT",
           aliases=("Policía Nacional Civil", "National Civil Police"))


@pytest.fixture(scope="module")
def index() -> AliasIndex:
    return AliasIndex(Watchlist(units=(CSF, ARMY, PNC)))


def named(index: AliasIndex, text: str) -> set[str]:
    return {h.id for h in index.find(text) if h.target == "unit"}


@pytest.mark.parametrize("text", [
    "A test of proteins in cerebrospinal fluid (CSF) found early Alzheimer's disease.",
    "Una prueba del líquido cefalorraquídeo (CSF) detecta el alzhéimer.",
    "The Niger Armed Forces (FAN) repelled an attack in Tillabéri.",
    "Las Fuerzas Armadas Nigerinas (FAN) repelieron un ataque en Tillabéri.",
    "La Policía Nacional Civil de El Salvador capturó a 40 pandilleros.",
])
def test_an_acronym_spelled_out_as_another_thing_or_another_country_s_force_names_no_unit(index, text):
    assert named(index, text) == set()


@pytest.mark.parametrize("text, unit", [
    ("Officers of the Central Security Forces (CSF) fired tear gas.", "eg-csf"),
    ("Agentes de las Fuerzas de Seguridad Central (CSF) dispararon gases.", "eg-csf"),
    ("The Burkinabe army (FAN) killed civilians, residents said.", "bf-army"),
    ("Soldiers of the Burkina Faso armed forces (FAN) killed civilians.", "bf-army"),
    ("CSF officers fired tear gas.", "eg-csf"),  # no parentheses: the acronym as the unit's name
    ("La Policía Nacional Civil de Guatemala desalojó a las familias.", "gt-pnc"),
])
def test_an_acronym_spelled_out_as_the_unit_or_standing_alone_names_it(index, text, unit):
    assert unit in named(index, text)


def named_in_item(index: AliasIndex, texts: list[str]) -> list[set[str]]:
    return [{h.id for h in row if h.target == "unit"} for row in index.find_in_item(texts)]


FEDERAL = Unit(id="mx-pf", name="Federal Police", aliases=("Policía Federal",), kind="police", country="MX")


@pytest.fixture(scope="module")
def item_index() -> AliasIndex:
    return AliasIndex(Watchlist(units=(CSF, ARMY, PNC, FEDERAL)))


@pytest.mark.parametrize("texts", [
    ["New CSF test detects Alzheimer's earlier", "A test of proteins in cerebrospinal fluid (CSF) found it."],
    ["Brazil's Federal Police arrest a third suspect", "Photo caption: Federal Police officers arrive at the port."],
    ["La Policía Nacional Civil de El Salvador capturó a 40 pandilleros.", "La Policía Nacional Civil informó."],
])
def test_a_name_shown_to_be_something_else_in_one_passage_is_that_in_the_others(item_index, texts):
    assert named_in_item(item_index, texts) == [set(), set()]


@pytest.mark.parametrize("texts, unit", [
    (["Brazil's Federal Police arrest a third suspect", "Mexico's Federal Police also took part."], "mx-pf"),
    (["Officers of the Central Security Forces (CSF) fired tear gas.", "CSF trucks blocked the square."],
     "eg-csf"),
])
def test_the_other_passages_keep_a_name_the_item_shows_to_be_the_unit(item_index, texts, unit):
    assert unit in named_in_item(item_index, texts)[1]


def test_each_passage_alone_is_read_as_before(item_index):
    # without the passage that spells it out, a headline acronym is the unit's name
    assert named_in_item(item_index, ["New CSF test detects Alzheimer's earlier"]) == [{"eg-csf"}]


AIR_FORCE = Unit(id="co-fac", name="Colombian Air Force", aliases=("Fuerza Aérea Colombiana", "FAC"), kind="air force",
                 country="CO")
ARMY_CO = Unit(id="co-army", name="Colombian Army", aliases=("Ejército de Colombia",), kind="army", country="CO")


@pytest.fixture(scope="module")
def institutions() -> AliasIndex:
    return AliasIndex(Watchlist(units=(AIR_FORCE, ARMY_CO)))


@pytest.mark.parametrize("texts", [
    ["Colombia's defense minister said the air force had opened its flight logs."],
    ["Fiscales colombianos revisan el bombardeo.", "Solo los helicópteros de la Fuerza Aérea llevaban esas bombas."],
])
def test_a_bare_institution_in_an_item_about_the_unit_s_country_alone_names_it(institutions, texts):
    assert "co-fac" in set().union(*named_in_item(institutions, texts))


@pytest.mark.parametrize("texts", [
    ["The air force bombed the village, Colombian and Venezuelan officials said."],  # two countries
    ["The air force held a parade."],  # no country
    ["Colombian officials said the army and the air force of Peru met."],  # another country named too
    ["Colombian prosecutors say men in army uniform killed the farmers."],  # "army": a uniform names no force
])
def test_a_bare_institution_without_the_unit_s_country_alone_names_no_unit(institutions, texts):
    assert set().union(*named_in_item(institutions, texts)) == set()
