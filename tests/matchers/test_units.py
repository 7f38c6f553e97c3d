"""Place/areas, touched vs implicated, chain-of-command roll-up (real linker on the eval watchlist)."""

import pytest

from matchers.linker import Linker
from monitor.domain.item import Item
from monitor.domain.watchlist import Watchlist


def assess(linker: Linker, title: str, text: str = ""):
    return linker.assess(Item("t", title, "", title, text))


def units(assessment) -> dict[str, tuple[str, bool]]:
    return {u.id: (u.via, u.implicated) for u in assessment.units}


def test_soldiers_based_in_a_place_touch_the_unit_based_there(linker):
    found = assess(linker, "Informe", "Soldados con sede en Iguala vigilaron a los jóvenes.")
    assert units(found)["sedena-27-bi"][0] == "area"


def test_a_place_without_base_wording_touches_no_unit(linker):
    found = assess(linker, "Army had no role in Iguala events, ministry says")
    assert "sedena-27-bi" not in units(found)


def test_arresting_force_is_touched_not_implicated(linker):
    found = assess(linker, "Arrest in Guerrero",
                   "Federal police officers arrested a former mayor accused of ordering the killing of "
                   "two journalists.")
    assert units(found)["pf"] == ("named", False)
    assert not found.alert


@pytest.mark.parametrize("title, text", [
    ("Arrest in Guerrero", "Federal police officers arrested a former officer wanted over death-squad killings."),
    ("Detención en Guerrero", "Agentes de la Policía Federal detuvieron a un expolicía prófugo por la masacre."),
    ("Detención en Guerrero", "Agentes de la Policía Federal detuvieron a un exmilitar requerido por la justicia "
                              "por torturas a detenidos."),
])
def test_a_force_arresting_someone_wanted_for_abuse_is_touched_not_implicated(linker, title, text):
    found = assess(linker, title, text)
    assert units(found)["pf"] == ("named", False)
    assert not found.alert


def test_named_unit_accused_in_the_sentence_is_implicated_and_rolls_up(linker, watchlist):
    found = assess(linker, "Detainees accuse soldiers",
                   "Three men say troops of the 22nd Military Zone beat them and gave them electric shocks.")
    assert units(found)["sedena-22-zm"] == ("named", True)
    assert found.alert
    # the zone's whole family is at risk, the battalion under it included
    assert {"sedena-22-zm", "sedena-102-bi"} <= set(found.at_risk)


def test_battalion_allegation_puts_its_zone_at_risk(linker):
    found = assess(linker, "Abusos del 27 Batallón",
                   "Militares del 27 Batallón de Infantería torturaron a dos detenidos, según la CNDH.")
    assert found.implicated == ("sedena-27-bi",)
    assert set(found.at_risk) == {"sedena-27-bi", "sedena-35-zm"}


def test_named_unit_without_allegation_is_touched_only(linker):
    found = assess(linker, "Policía Federal inaugura academia",
                   "La Policía Federal inauguró una academia de formación en Puebla.")
    assert units(found) == {"pf": ("named", False)}
    assert found.allegation is None and not found.alert


def test_unsupported_case_units_raise_no_alert(linker):
    found = assess(linker, "Cocula police handed students to gang, suspect says",
                   "A detained gang member said officers of the Cocula police delivered the 43 students "
                   "of Ayotzinapa to the gang.")
    assert [c.id for c in found.cases] == ["ayotzinapa-2014"]
    assert set(found.implicated) == {"iguala-mp", "cocula-mp"}
    assert found.at_risk == () and not found.alert


def test_an_accusation_in_the_next_sentence_reaches_a_unit_named_without_one(linker):
    for text in ("Ocho militares son procesados por la desaparición forzada de dos jóvenes en Guerrero. "
                 "Los elementos estaban adscritos al 27 Batallón de Infantería.",
                 "Eight soldiers face trial for the enforced disappearance of two young men in Guerrero. "
                 "They served in the 27th Infantry Battalion at the time."):
        found = assess(linker, "Proceso", text)
        assert "sedena-27-bi" in found.implicated and found.alert


def test_a_neighbouring_accusation_of_another_force_does_not_reach_the_unit(linker):
    for text in ("Policías municipales dispararon contra los estudiantes en el centro de Guerrero. "
                 "El 27 Batallón de Infantería permaneció en su cuartel.",
                 "Municipal police officers opened fire on the students downtown. "
                 "The 27th Infantry Battalion stayed in its barracks."):
        found = assess(linker, "Ataque", text)
        assert units(found)["sedena-27-bi"] == ("named", False) and not found.alert


def test_an_army_base_in_a_place_touches_the_unit_based_there(linker):
    for text in ("Gang members paid off officers at the army base in Iguala.",
                 "Un retén instalado por soldados con base en Iguala dejó pasar a los sicarios."):
        assert units(assess(linker, "Informe", text))["sedena-27-bi"][0] == "area"


def test_a_unit_named_as_the_actor_is_a_force_without_a_force_word(linker):
    for text in ("El 27 Batallón de Infantería dejó pasar a los agresores sin intervenir.",
                 "The 27th Infantry Battalion let the attackers through without intervening."):
        found = assess(linker, "Informe", text)
        assert found.allegation is not None and "sedena-27-bi" in found.implicated and found.alert


def test_a_unit_named_only_as_the_rescuer_is_no_actor(linker):
    for text in ("El 27 Batallón de Infantería rescató a seis personas secuestradas por un cártel.",
                 "The 27th Infantry Battalion rescued six people kidnapped by a cartel."):
        found = assess(linker, "Rescate", text)
        assert units(found)["sedena-27-bi"] == ("named", False) and not found.alert


def test_a_neighbouring_state_abuse_term_without_an_actor_does_not_reach_the_unit(linker):
    found = assess(linker, "Informe", "Experts documented the enforced disappearance of the students in Guerrero. "
                                      "The 27th Infantry Battalion held a ceremony at its barracks.")
    assert units(found)["sedena-27-bi"] == ("named", False) and not found.alert


@pytest.mark.parametrize("text", [
    "El general José Pérez, quien como coronel encabezaba el 27 Batallón de Infantería en Iguala, fue detenido "
    "ayer. La Fiscalía lo acusa de desaparición forzada.",
    "A retired general who commanded the 27th Infantry Battalion in Iguala was arrested on Tuesday. "
    "Prosecutors charged him with enforced disappearance.",
])
def test_an_accusation_of_the_unit_s_commander_in_the_next_sentence_reaches_the_unit(linker, text):
    found = assess(linker, "Proceso", text)
    assert "sedena-27-bi" in found.implicated and found.alert


@pytest.mark.parametrize("text", [
    "El 27 Batallón de Infantería en Iguala celebró ayer su aniversario. La Fiscalía acusa a un exalcalde de "
    "desaparición forzada.",
    "The 27th Infantry Battalion in Iguala held a parade on Tuesday. Prosecutors charged a former mayor with "
    "enforced disappearance.",
    "A retired general who commanded the 27th Infantry Battalion in Iguala testified on Tuesday. He said gunmen "
    "from a cartel killed the students.",
])
def test_an_accusation_without_a_force_beside_a_unit_named_without_its_commander_does_not_reach_it(linker, text):
    found = assess(linker, "Proceso", text)
    assert "sedena-27-bi" not in found.implicated


@pytest.mark.parametrize("title, text", [
    ("Gendarmería y Policía Federal rastrean cerros de Iguala",
     "La Policía Federal peinó barrancas en busca de los estudiantes desaparecidos por policías municipales."),
    ("Federal police comb the hills of Iguala",
     "Federal police combed ravines for the students abducted by municipal police officers."),
])
def test_a_force_searching_for_the_disappeared_is_touched_not_implicated(linker, title, text):
    found = assess(linker, title, text)
    assert units(found)["pf"] == ("named", False) and "pf" not in found.at_risk


@pytest.mark.parametrize("text", [
    "Federal and Guerrero state police fired on students blocking the highway, killing two of them.",
    "Policías estatales y federales dispararon contra los estudiantes que bloqueaban la autopista y mataron a dos.",
])
def test_a_force_named_in_a_coordination_is_implicated(linker, text):
    found = assess(linker, "Informe", text)
    assert "pf" in found.implicated and found.alert


@pytest.mark.parametrize("text", [
    "Cables say the 27th Infantry Battalion protected the paramilitaries before the massacre in the highlands.",
    "Según los cables, el 27 Batallón de Infantería protegió a grupos paramilitares antes de la masacre.",
])
def test_a_unit_guarding_or_escorting_an_armed_group_is_implicated(linker, text):
    found = assess(linker, "Informe", text)
    assert "sedena-27-bi" in found.implicated and found.alert


@pytest.mark.parametrize("text", [
    "The 27th Infantry Battalion rescued six people from the gunmen after the massacre.",
    "Tras la masacre, el 27 Batallón de Infantería rescató de los sicarios a seis personas.",
    "El 27 Batallón de Infantería resguardó la zona donde los sicarios cometieron la masacre.",
])
def test_a_unit_rescuing_from_an_armed_group_or_guarding_its_scene_is_touched(linker, text):
    found = assess(linker, "Rescate", text)
    assert units(found)["sedena-27-bi"] == ("named", False) and not found.alert


@pytest.mark.parametrize("text", [
    "El general José Pérez, quien era coronel al mando del 27 Batallón de Infantería, fue detenido ayer. La "
    "Fiscalía lo acusa de delincuencia organizada y de desaparición forzada.",
    "A retired general who commanded the 27th Infantry Battalion was arrested on Tuesday. Prosecutors charged "
    "him with organized crime and enforced disappearance.",
])
def test_a_state_abuse_charge_on_the_commander_beside_an_organized_crime_count_reaches_the_unit(linker, text):
    found = assess(linker, "Proceso", text)
    assert "sedena-27-bi" in found.implicated and found.alert


@pytest.mark.parametrize("text", [
    "El general José Pérez, quien era coronel al mando del 27 Batallón de Infantería, declaró ayer. Según él, "
    "sicarios de un cártel asesinaron a los estudiantes.",
    "A retired general who commanded the 27th Infantry Battalion testified on Tuesday. He said cartel gunmen "
    "killed the students.",
    "El 27 Batallón de Infantería celebró ayer su aniversario. La Fiscalía acusa a un exalcalde de delincuencia "
    "organizada y de desaparición forzada.",
])
def test_a_gang_s_killing_or_a_charge_on_someone_else_does_not_reach_the_commander_s_unit(linker, text):
    found = assess(linker, "Proceso", text)
    assert "sedena-27-bi" not in found.implicated


@pytest.mark.parametrize("text", [
    "The soldiers, most of them assigned to the battalion based in Iguala, are charged with enforced disappearance.",
    "Los militares, adscritos al batallón con sede en Iguala, están acusados de desaparición forzada.",
])
def test_a_unit_s_own_noun_at_its_base_names_the_unit(linker, text):
    found = assess(linker, "Proceso", text)
    assert units(found)["sedena-27-bi"] == ("area", True) and found.alert


@pytest.mark.parametrize("text", [
    "A construction company based in Iguala was charged with fraud.",
    "Una compañía con sede en Iguala fue acusada de fraude.",
    "The battalion held a parade in Iguala on Tuesday.",
])
def test_another_noun_at_the_base_or_the_noun_without_base_wording_touches_no_unit(linker, text):
    found = assess(linker, "Proceso", text)
    assert "sedena-27-bi" not in units(found)


@pytest.mark.parametrize("text", [
    "The 27th Infantry Battalion was deployed in Iguala that night. The students had left the school at six. "
    "Their buses were stopped downtown. The battalion's soldiers tortured the detained students, witnesses said.",
    "El 27 Batallón de Infantería patrullaba Iguala esa noche. Los estudiantes habían salido de la normal a las "
    "seis. Sus autobuses fueron detenidos en el centro. Según testigos, soldados del batallón golpearon a los "
    "estudiantes detenidos.",
])
def test_the_bare_noun_after_the_unit_was_named_is_that_unit(linker, text):
    found = assess(linker, "Informe", text)
    assert units(found)["sedena-27-bi"] == ("named", True) and found.alert


@pytest.mark.parametrize("text", [
    "The 27th Infantry Battalion and the 102nd Infantry Battalion were deployed. The students had left the school "
    "at six. Their buses were stopped downtown. The battalion's soldiers tortured the detained students.",
    "El 27 Batallón de Infantería estaba en Iguala. Los estudiantes habían salido a las seis. Sus autobuses "
    "fueron detenidos en el centro. Testigos dijeron que sicarios emboscaron al batallón y mataron a dos soldados.",
    "The 27th Infantry Battalion was deployed in Iguala. The students had left the school at six. Their buses "
    "were stopped downtown. The battalion said it found the bodies of two men killed by gunmen.",
])
def test_the_bare_noun_of_two_named_units_or_as_victim_or_finder_implicates_none(linker, text):
    found = assess(linker, "Informe", text)
    assert "sedena-27-bi" not in found.implicated


@pytest.mark.parametrize("text", [
    "El 27 Batallón de Infantería fue emboscado cerca de Iguala y dos soldados fueron asesinados.",
    "Soldiers of the 27th Infantry Battalion were ambushed near Iguala and two were killed.",
])
def test_a_unit_that_suffers_the_attack_is_not_implicated(linker, text):
    found = assess(linker, "Emboscada en Guerrero", text)
    assert "sedena-27-bi" in units(found)
    assert units(found)["sedena-27-bi"][1] is False


@pytest.mark.parametrize("text", [
    "Militares del 27 Batallón de Infantería fueron detenidos por el asesinato de seis jóvenes.",
    "Soldiers of the 27th Infantry Battalion were arrested for the killing of six youths.",
])
def test_a_unit_whose_members_are_arrested_is_no_arresting_force(linker, text):
    found = assess(linker, "Detenciones en Guerrero", text)
    assert units(found).get("sedena-27-bi", ("", False))[1] is True


def test_an_accused_force_whose_only_supported_unit_is_below_it_raises_no_alert(encoder):
    watchlist = Watchlist.model_validate({"units": [
        {"id": "pn", "name": "National Police", "aliases": ["Policía Nacional", "National Police"]},
        {"id": "pn-antidrogas", "name": "Anti-drug Special Force", "parent": "pn", "supported": True,
         "aliases": ["Fuerza Especial Antidrogas"]}]})
    linker = Linker(watchlist, encoder)
    for title, text in (("Denuncian golpizas", "Agentes de la Policía Nacional golpearon y torturaron a nueve "
                         "manifestantes detenidos en un bloqueo, según defensores de derechos humanos."),
                        ("Beatings alleged", "Officers of the National Police beat and tortured nine protesters "
                         "after detaining them at a blockade, rights defenders say.")):
        found = linker.assess(Item("t", title, "", title, text))
        assert found.implicated == ("pn",) and found.at_risk == ("pn-antidrogas",)
        assert not found.alert
