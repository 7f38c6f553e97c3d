"""Troops named just before the town a unit is based in touch it ("soldados que patrullaban en Ciudad Juárez");
the institution ("the army in Iguala") and armed groups whose names hold a force word do not."""

import pytest

from matchers.allegation import examine, touched_role
from matchers.passages import Passage
from matchers.units import AreaIndex, armed_group_named
from monitor.domain.watchlist import Unit, Watchlist

REGIMENT = Unit(id="rcm-20", name="20th Motorized Cavalry Regiment", kind="regiment",
                areas=("Ciudad Juárez", "Juárez"))
SQUADRON = Unit(id="esc-36", name="Squadron 36", kind="squadron", areas=("Esquel",))
STATE_POLICE = Unit(id="gro-pe", name="Guerrero state police", kind="police", areas=("Tixtla",))


@pytest.fixture(scope="module")
def index() -> AreaIndex:
    return AreaIndex(Watchlist(units=(REGIMENT, SQUADRON, STATE_POLICE)))


def touched(index: AreaIndex, text: str) -> set[str]:
    return {m.unit for m in index.find(Passage(text))}


@pytest.mark.parametrize("text, unit", [
    ("A migrant said soldiers in Ciudad Juárez beat him and took his money.", "rcm-20"),
    ("He was picked up by troops patrolling in Ciudad Juárez days after the killings.", "rcm-20"),
    ("Soldados que patrullaban en Ciudad Juárez lo detuvieron junto a otros tres hombres.", "rcm-20"),
    ("Los militares de Juárez negaron la acusación.", "rcm-20"),
    ("Elementos castrenses en Ciudad Juárez revisaron los vehículos.", "rcm-20"),
    ("Uniformados en Ciudad Juárez golpearon a los detenidos.", "rcm-20"),
    ("Troops from Esquel cleared the road block.", "esc-36"),
    ("Agentes estatales en Tixtla golpearon a los normalistas.", "gro-pe"),
    ("Police officers in Tixtla beat the students.", "gro-pe"),
])
def test_troops_named_before_the_town_touch_the_unit_based_there(index, text, unit):
    assert unit in touched(index, text)


@pytest.mark.parametrize("text", [
    "The army had no role in Ciudad Juárez, the ministry said.",  # the institution, not troops there
    "El Ejército en Ciudad Juárez no participó en los hechos.",
    "Ciudad Juárez: soldiers arrived after the attack.",  # the place first, as a dateline
    "Soldiers later took the wounded man to the general hospital of Ciudad Juárez.",  # too far from the troops
    "Maquiladoras in Ciudad Juárez cut 5,000 jobs.",  # no force
    "La policía de Tixtla informó del robo.",  # the institution
    "Policías comunitarios de Tixtla detuvieron a dos hombres.",  # an armed group's name, not the state's police
    "Community police in Tixtla detained two men.",
])
def test_the_institution_a_far_place_or_an_armed_group_touches_no_unit(index, text):
    assert touched(index, text) == set()


@pytest.mark.parametrize("text", [
    "guerrilleros del Ejército de Liberación Nacional con base en Arauca",
    "members of the Popular Revolutionary Army based in the mountains",
    "the Revolutionary Armed Forces of Colombia",
    "la policía comunitaria de la Montaña",
])
def test_armed_groups_named_with_a_force_word(text):
    assert armed_group_named(text)


@pytest.mark.parametrize("text", [
    "soldados del Ejército Nacional con base en Arauca",
    "the armed forces of Colombia",
    "la policía estatal de la Montaña",
])
def test_state_forces_are_not_armed_group_names(text):
    assert not armed_group_named(text)


@pytest.mark.parametrize("text, accuses", [
    ("Fighters of the National Liberation Army killed five villagers in Arauca.", False),
    ("Guerrilleros del Ejército de Liberación Nacional asesinaron a cinco campesinos.", False),
    ("The Revolutionary Armed Forces of Colombia killed three farmers.", False),
    ("Las Fuerzas Armadas Revolucionarias de Colombia asesinaron a tres campesinos.", False),
    ("Policías comunitarios golpearon a dos detenidos.", False),
    ("Soldiers of the national army killed five villagers in Arauca.", True),
    ("Las Fuerzas Armadas de Colombia asesinaron a tres campesinos.", True),
    ("Policías estatales golpearon a dos detenidos.", True),
])
def test_an_armed_group_named_with_a_force_word_is_not_the_accused_force(text, accuses):
    found = examine(Passage(text))
    assert found is not None and found.accuses_force is accuses


@pytest.mark.parametrize("text", [
    "The regiment held a parade in Ciudad Juárez on Tuesday.",  # the bare noun: any regiment may visit a town
    "El regimiento desfiló en Ciudad Juárez.",
])
def test_a_unit_s_bare_noun_before_the_town_touches_no_unit(index, text):
    assert touched(index, text) == set()


@pytest.mark.parametrize("text", [
    "Elementos de la 31/a. Zona Militar detuvieron a un exagente que tenía orden de aprehensión por no haber "
    "impedido la matanza.",
    "Soldiers of the 31st Military Zone arrested a former officer wanted for failing to intervene in the massacre.",
])
def test_an_omission_of_the_one_arrested_does_not_make_the_arresting_force_an_actor(text):
    assert touched_role(text.split("Zona Militar" if "Zona" in text else "Military Zone", 1)[1])


@pytest.mark.parametrize("after", [
    " detuvieron a los estudiantes y no impidieron la matanza.",
    " arrested the students and watched the attack without intervening.",
])
def test_an_arresting_force_that_itself_failed_to_intervene_is_an_actor(after):
    assert not touched_role(after)


BATTALION = Unit(id="bi-27", name="27th Infantry Battalion", kind="battalion", areas=("Iguala",))
ZONE = Unit(id="zm-35", name="35th Military Zone", kind="military zone", areas=("Chilpancingo",))


@pytest.fixture(scope="module")
def nouns() -> AreaIndex:
    return AreaIndex(Watchlist(units=(BATTALION, ZONE)))


@pytest.mark.parametrize("text", [
    "el personal del batallón de Iguala no salió aquella noche",
    "the Iguala battalion kept watch over the students",
    "officers of the battalion of Iguala",
])
def test_the_unit_s_noun_with_its_town_names_it(nouns, text):
    assert touched(nouns, text) == {"bi-27"}


@pytest.mark.parametrize("text", [
    "The battalion held a parade in Iguala.",  # the noun merely in the town
    "la zona de Chilpancingo quedó sin luz",  # a zone is also a stretch of land
    "el batallón de infantería desfiló",  # no town
])
def test_the_noun_in_the_town_or_a_zone_of_a_town_names_no_unit(nouns, text):
    assert touched(nouns, text) == set()
