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
