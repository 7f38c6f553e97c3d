import pytest

from matchers.allegation import Voice, allegation, cues, examine, findings, voice
from matchers.passages import Passage
from monitor.domain.item import Item, Page


def kinds(text: str, about_case: bool = False) -> tuple[str, ...]:
    found = allegation(findings([Passage(text)]), about_case)
    return found.types if found else ()


@pytest.mark.parametrize(("text", "kind"), [
    ("Soldiers executed eight people who had surrendered.", "killing"),
    ("Militares privaron de la vida a doce personas.", "killing"),
    ("La CNDH documentó una ejecución extrajudicial.", "killing"),
    ("Three men said troops beat them and gave them electric shocks.", "torture"),
    ("Los detenidos denunciaron golpes y descargas eléctricas por parte de policías.", "torture"),
    ("Marines raped a woman during the raid, prosecutors said.", "sexual violence"),
    ("Denuncian abuso sexual de soldados contra una detenida.", "sexual violence"),
    ("Experts documented the enforced disappearance of the students.", "disappearance"),
    ("Los agentes entregaron a los jóvenes a un grupo criminal.", "disappearance"),
    ("Police held the men incommunicado for three days.", "arbitrary detention"),
    ("La detención arbitraria de los campesinos por militares.", "arbitrary detention"),
    ("Investigators found that soldiers moved bodies and placed rifles beside them.", "scene tampering"),
    ("Agentes federales sembraron armas junto a los cuerpos.", "scene tampering"),
    ("Federal police opened fire on unarmed civilians.", "attack on civilians"),
    ("Policías dispararon contra civiles desarmados.", "attack on civilians"),
])
def test_violations_in_both_languages(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize("text", [
    "Troops helped residents clear mud and rebuild a school after the floods.",
    "El general asumió el mando de la zona militar en una ceremonia.",
    "The navy evacuated thousands of tourists after the hurricane.",
    "Gunmen attacked a bar in Acapulco, killing nine people, in a dispute between criminal groups.",
    "The prosecutor found no evidence that soldiers took part in the attack on the students.",
    "La Secretaría reitera que la institución respeta los derechos humanos.",
    "Two soldiers were killed in an ambush by gunmen.",
    "Soldiers killed three gunmen in a firefight on the highway.",
])
def test_non_allegations(text):
    assert kinds(text) == ()


def test_a_case_supplies_the_actor_a_sentence_leaves_out():
    text = "Miles marcharon por los estudiantes desaparecidos en Iguala."
    assert kinds(text) == ()
    assert kinds(text, about_case=True) == ("disappearance",)


def test_denial_is_marked_on_the_sentence():
    finding = examine(Passage("The army denied that soldiers tortured the detainees."))
    assert finding is not None and finding.denial


def test_evidence_is_the_passage_that_names_the_unit_with_its_page(linker):
    report = Item("reliefweb", "r1", "", "Mexico: Annual report on human rights, 2014", "",
                  pages=(Page("This report covers the year 2014. Torture and killings by security forces remain "
                              "widespread across the country.", 1),
                         Page("In Tlatlaya, State of Mexico, soldiers of the 102nd Infantry Battalion executed "
                              "people who had surrendered, and the scene was altered. Other sections follow.", 2)))
    found = linker.assess(report)
    assert [c.id for c in found.cases] == ["tlatlaya-2014"]
    assert found.allegation is not None and found.alert
    best = found.allegation.evidence[0]
    assert best.signal == "allegation" and best.page == 2
    assert best.passage.startswith("In Tlatlaya") and "102nd Infantry Battalion" in best.passage
    assert "killing: executed" in best.detail
    assert [e.score for e in found.allegation.evidence] == sorted((e.score for e in found.allegation.evidence),
                                                                  reverse=True)


def test_evidence_detail_names_kind_and_term():
    found = allegation(findings([Passage("Troops beat them and planted weapons in their car.")]), False)
    assert found is not None
    assert found.evidence[0].detail == "torture: beat them; scene tampering: planted weapons"


def test_the_bundled_allegation_model_loads_with_every_cue():
    from matchers.allegation import DETECTOR, FEATURES, MODEL
    from matchers.combiner import Combiner

    model = Combiner.load(MODEL)
    assert model.features == FEATURES and 0 < model.threshold < 1
    assert DETECTOR.model is not None and DETECTOR.model.features == FEATURES


def test_complicity_in_spanish_implicates_the_unit_that_watched(linker):
    found = linker.assess(Item("t", "c1", "", "Informe sobre Iguala",
                               "Soldados del 27 Batallón de Infantería vieron el ataque contra los normalistas sin "
                               "intervenir y dejaron pasar a los agresores."))
    assert found.allegation is not None and "complicity" in found.allegation.types
    assert "sedena-27-bi" in found.implicated and found.alert


def test_taken_away_without_the_word_disappearance_alerts(linker):
    found = linker.assess(Item("t", "d1", "", "Denuncia en Guerrero",
                               "Familiares dicen que elementos de la Policía Federal se los llevaron en una patrulla "
                               "y no se ha vuelto a saber de ellos."))
    assert found.allegation is not None and "disappearance" in found.allegation.types
    assert "pf" in found.implicated and found.alert


def test_an_official_denial_implicates_nobody(linker):
    found = linker.assess(Item("t", "n1", "", "Army statement",
                               "The Army denied that soldiers of the 27th Infantry Battalion took part in any abuse "
                               "and said the institution respects human rights."))
    assert found.implicated == () and not found.alert


def test_a_force_that_rescues_is_touched_not_implicated(linker):
    for text in ("Federal Police officers rescued twelve migrants kidnapped by a cartel in Puebla.",
                 "La Policía Federal rescató en Puebla a doce migrantes que un cártel mantenía secuestrados."):
        found = linker.assess(Item("t", "r1", "", "Rescate", text))
        assert {u.id: u.implicated for u in found.units} == {"pf": False}
        assert not found.alert


@pytest.mark.parametrize(("text", "kind"), [
    ("None of the seven soldiers charged over the deaths of the villagers has been tried.", "prosecution"),
    ("Ninguno de los policías federales acusados por los disparos ha recibido sentencia.", "prosecution"),
    ("Soldiers left the wounded students without calling an ambulance.", "complicity"),
    ("Los soldados se retiraron sin pedir una ambulancia ni brindarles protección.", "complicity"),
])
def test_prosecution_and_omission_in_both_languages(text, kind):
    assert kind in kinds(text)


def test_whereabouts_unknown_without_the_word_disappearance_with_a_case():
    for text in ("Ese grupo de estudiantes continúa sin ser localizado.", "He was last seen being pushed into a van."):
        assert kinds(text) == ()
        assert kinds(text, about_case=True) == ("disappearance",)


@pytest.mark.parametrize("text", [
    "Police charged a man with the murder of his neighbour.",
    "La fiscalía procesó a los sicarios que emboscaron a los militares.",
    "El equipo se retiró sin pedir la revancha.",
])
def test_prosecution_and_omission_near_misses(text):
    assert not {"prosecution", "complicity"} & set(kinds(text))


@pytest.mark.parametrize("text", [
    "Cuatro hombres fueron asesinados en una vivienda; la fiscalía atribuyó el ataque a un grupo delictivo.",
    "Gunmen killed four men in a house in the town centre, prosecutors said.",
    "Marinos liberaron a 40 migrantes que permanecían secuestrados en una casa de seguridad.",
    "Marines freed 40 migrants held by kidnappers in a safe house.",
    "Four soldiers were killed when their patrol was attacked.",
])
def test_a_linked_case_supplies_no_actor_where_the_sentence_names_another(text):
    """A criminal group, forces as victims, or a force that only rescues: the case's units are not the actor."""
    assert kinds(text, about_case=True) == ()


# -- the item's voice and the cues it adds ------------------------------------------------------------

@pytest.mark.parametrize("texts", [
    ["Army says troops followed protocol", "The Defense Secretariat said the troops acted within the law."],
    ["Eritrea dismisses report", "The information ministry called the reports a disinformation campaign."],
    ["Sedena: el personal repelió una agresión", "La Secretaría de la Defensa informó que el personal militar "
     "repelió una agresión armada."],
    ["Ministro defiende a la policía",
     "El ministro afirmó que la policía usa armas de fuego solo como último recurso."],
])
def test_the_accused_institution_defending_itself_is_a_defence(texts):
    assert voice([Passage(t) for t in texts]).defence


@pytest.mark.parametrize("texts", [
    ["Witnesses say soldiers beat detainees", "Survivors said the soldiers denied them water and beat them."],
    ["Testigos: los soldados golpearon a los detenidos", "Los sobrevivientes rechazaron la versión del Ejército."],
    ["The ministry opened a hospital", "The health ministry said the new wing has 40 beds."],
])
def test_no_defence_without_both_an_official_speaker_and_a_denial(texts):
    assert not voice([Passage(t) for t in texts]).defence


@pytest.mark.parametrize("text", [
    "The UN office urged a prompt and impartial investigation into the deaths of 17 people.",
    "A year later no soldier has been questioned over the killings.",
    "Integrantes del Comité lamentaron que ningún militar haya sido procesado por las muertes.",
    "Las viudas de los indígenas siguen esperando justicia.",
])
def test_talk_of_a_case_s_dead_or_of_justice_is_harm(text):
    assert voice([Passage(text)]).harm


@pytest.mark.parametrize("text", [
    "Fifty children started the school year in the new classrooms.",
    "Unos 400 agentes reforzaron los patrullajes durante la cosecha de limón.",
])
def test_ordinary_news_is_no_harm(text):
    assert not voice([Passage(text)]).harm


def test_case_harm_needs_a_linked_case_and_defence_comes_from_the_voice():
    found = findings([Passage("The UN called for an investigation into the deaths.")])
    stance = voice([Passage("The UN called for an investigation into the deaths.")])
    assert cues(found, True, stance=stance)["case_harm"] == 1.0
    assert cues(found, False, stance=stance)["case_harm"] == 0.0
    assert cues(found, True, stance=Voice(defence=True))["defence"] == 1.0


@pytest.mark.parametrize(("text", "expected"), [
    ("The commission recorded thousands of acts of torture in prisons last year.", 1.0),
    ("La comisión registró miles de hechos de tortura y malos tratos en cárceles.", 1.0),
    ("Gunmen tortured and killed two men, police said.", 0.0),
    ("Pistoleros de un cártel torturaron a dos hombres.", 0.0),
    ("Soldiers tortured two men at the base.", 0.0),  # the actor is named: the rule carries it, not this cue
    ("Rescuers search for four people reported missing after the landslide.", 0.0),  # not a state kind
    ("Bomberos buscan a cuatro personas desaparecidas tras el deslave.", 0.0),
])
def test_unattributed_violation_is_one_with_no_actor_named_or_excluded(text, expected):
    assert cues(findings([Passage(text)]), about_case=False)["unattributed"] == expected


@pytest.mark.parametrize("text", [
    "Residents accused the pro-government militia of executing men at a checkpoint.",
    "Members of a civilian auxiliary force rounded up and shot a dozen herders.",
    "Combatientes de las Fuerzas de Apoyo Rápido y milicias aliadas mataron a hombres que huían.",
    "Tres milicianos acusados de ejecutar a siete pastores.",
])
def test_militia_and_auxiliary_forces_acting_for_the_state_are_actors(text):
    finding = examine(Passage(text))
    assert finding is not None and finding.accuses_force


@pytest.mark.parametrize("text", [
    "Marinos con base en Nuevo Laredo liberaron a 40 migrantes que permanecían secuestrados.",
    "Uniformados del Gaula de la Policía Nacional rescataron a un comerciante secuestrado.",
    "Officers of the state police rescued a businessman kidnapped in the city.",
])
def test_a_force_that_rescues_after_its_base_or_full_name_is_a_bystander(text):
    finding = examine(Passage(text))  # the freed victim's kidnapping is no finding at all, or a bystander's
    assert finding is None or (finding.bystander and not finding.accuses_force)


def test_a_force_named_in_full_that_kidnaps_is_still_the_actor():
    finding = examine(Passage("Uniformados de la Policía Nacional secuestraron a dos jóvenes."))
    assert finding is not None and finding.accuses_force


def test_seized_goods_are_no_kidnapping():
    assert examine(Passage("La Gendarmería secuestra mercadería de contrabando en la frontera.")) is None
    assert "disappearance" in examine(Passage("Policías secuestraron a dos jóvenes.")).kinds


@pytest.mark.parametrize(("title", "lead"), [
    ("Sedena: personal militar repelió una agresión",
     "La Secretaría de la Defensa informó que el personal fue atacado."),
    ("Police: 46 guards killed at the palace",
     "A police spokesman said the guards were killed in an exchange of fire."),
    ("Kampala sostiene que había una milicia",
     "El portavoz del Gobierno afirmó que los fallecidos eran combatientes."),
    ("Ministry gives nationwide toll", "The health ministry said 638 people were killed across the country."),
])
def test_the_institution_as_first_speaker_is_an_official_lead(title, lead):
    assert voice([Passage(title, kind="title"), Passage(lead)]).official_lead


@pytest.mark.parametrize(("title", "lead"), [
    ("HRW: suspected soldiers executed civilians", "Human Rights Watch said soldiers killed 83 men."),
    ("Testigos: los soldados golpearon a los detenidos", "Según testigos, el ministerio ocultó los hechos."),
    ("Amnistía: un año después, impunidad total", "Amnistía Internacional denunció que nadie fue investigado."),
    ("Witnesses contradict the army", "Survivors told reporters that the ministry's account was false."),
])
def test_a_third_party_first_is_no_official_lead(title, lead):
    assert not voice([Passage(title, kind="title"), Passage(lead)]).official_lead


def test_an_official_account_of_a_firefight_is_a_defence():
    assert voice([Passage("Officials said the men died in a clash with the army.")]).defence
    assert voice([Passage("El vocero dijo que murieron en un enfrentamiento.")]).defence
    assert not voice([Passage("Witnesses said the men died in a clash with the army.")]).defence


@pytest.mark.parametrize(("title", "lead"), [
    ("Mexico reports full compliance with the court's judgment",
     "The government said it has paid compensation to the women and held a public act of acknowledgement."),
    ("Supreme Court overturns the convictions of eleven farmers",
     "The court found that prosecutors had not proved who fired and ordered their immediate release."),
    ("Villagers mark the tenth anniversary of the massacre", "Relatives laid flowers at the memorial."),
    ("La Policía Nacional rinde homenaje a los agentes caídos", "El comandante entregó placas a las viudas."),
    ("La Corte ordena liberar a los indígenas presos", "La Sala concedió el amparo a veinte sentenciados."),
    ("El Estado ofrece una disculpa pública a las familias", "La secretaria habló en el acto."),
])
def test_a_lead_about_what_came_after_is_an_aftermath(title, lead):
    assert voice([Passage(title, kind="title"), Passage(lead)]).aftermath


@pytest.mark.parametrize(("title", "lead"), [
    ("Witnesses say soldiers shot a farmer", "Residents said troops entered the village shooting."),
    ("The judge ordered the arrest of four soldiers", "Prosecutors charged them with murder."),
    ("Testigos: los policías golpearon a los detenidos", "Los agentes los tuvieron boca abajo durante horas."),
    ("El juez ordenó la detención de cuatro militares", "La Fiscalía los acusa de homicidio."),
])
def test_an_account_of_the_abuse_itself_is_no_aftermath(title, lead):
    assert not voice([Passage(title, kind="title"), Passage(lead)]).aftermath


def test_an_aftermath_after_the_lead_is_not_read():
    """Only the title and first sentence say what an item is told for; a later mention of an anniversary is
    background."""
    passages = [Passage("Witnesses say soldiers shot a farmer", kind="title"), Passage("Troops entered shooting."),
                Passage("The killing comes a year before the anniversary of the raid.")]
    assert not voice(passages).aftermath


@pytest.mark.parametrize("text", [
    "The fiscalía attributes the bodies to a dispute between criminal groups.",
    "Six police officers died in an ambush while serving a court order.",
    "Las autoridades atribuyen los crímenes a la disputa entre grupos delictivos.",
    "Seis policías fueron asesinados en la emboscada.",
])
def test_another_actor_in_the_item_is_others_act_unless_a_force_is_accused(text):
    stance = voice([Passage(text)])
    assert stance.others_act
    assert cues([], True, stance=stance)["others_act"] == 1.0
    accusing = findings([Passage("Soldiers executed eight people who had surrendered.")])
    assert cues(accusing, True, stance=stance)["others_act"] == 0.0


@pytest.mark.parametrize("text", [
    "Soldiers executed eight people who had surrendered.",
    "Los soldados dispararon contra los campesinos.",
])
def test_a_force_acting_alone_is_no_other_actor(text):
    assert not voice([Passage(text)]).others_act


@pytest.mark.parametrize(("title", "text"), [
    ("Three bodies found outside Iguala", "State prosecutors reported finding three bodies with signs of "
     "violence outside Iguala; the authorities blamed a dispute between criminal groups."),
    ("Hallan tres cuerpos en Iguala", "La fiscalía informó del hallazgo de tres cuerpos con huellas de "
     "violencia en Iguala; las autoridades atribuyen los crímenes a la disputa entre grupos delictivos."),
    ("Tribunal libera a autodefensas sentenciados por Apatzingán", "Un tribunal federal anuló la sentencia "
     "contra cinco integrantes de autodefensas por los hechos de Apatzingán y ordenó su liberación inmediata."),
    ("Court frees men convicted over the Apatzingán clash", "A federal court overturned the convictions of five "
     "self-defence group members over the Apatzingán shooting and ordered their immediate release."),
])
def test_a_case_s_town_with_other_actors_or_a_ruling_that_frees_is_no_allegation(linker, title, text):
    """Dead in a tracked case's town blamed on criminal groups, or a court freeing civilians tried over the case:
    the case links, but no force is accused."""
    found = linker.assess(Item("t", "o1", "", title, text))
    assert found.allegation is None and not found.alert


@pytest.mark.parametrize(("title", "text", "kind"), [
    ("Iguala police watched the gunmen pass", "According to the case file, Iguala municipal police officers saw the "
     "armed men drive past toward the bus station and did not stop them.", "complicity"),
    ("Policías de Iguala vieron pasar a los agresores", "Según el expediente, agentes de la policía municipal "
     "de Iguala vieron pasar a los hombres armados rumbo a la central de autobuses y no los detuvieron.", "complicity"),
    ("Expertos piden investigar siembra de evidencia en Ayotzinapa", "Los expertos pidieron investigar una posible "
     "siembra de evidencia por personal de la Marina en el río San Juan.", "scene tampering"),
])
def test_omission_and_planted_evidence_worded_without_the_old_terms(linker, title, text, kind):
    found = linker.assess(Item("t", "w1", "", title, text))
    assert found.allegation is not None and kind in found.allegation.types


@pytest.mark.parametrize(("title", "byline", "lead"), [
    ("Ten years on, thousands march for the students", "By Laura Mendez.",
     "Relatives marked the tenth anniversary of the attack with a march."),
    ("A diez años, miles marchan por los normalistas", "Por Laura Méndez.",
     "Las familias encabezaron la marcha del décimo aniversario."),
])
def test_a_byline_is_not_the_lead(title, byline, lead):
    """A web page's byline line comes before its first sentence: the lead read for an aftermath is the
    sentence after it."""
    passages = [Passage("Witnesses say soldiers shot a farmer", kind="title"), Passage(byline), Passage(lead)]
    assert voice(passages).aftermath
    told = [Passage("Witnesses say soldiers shot a farmer", kind="title"), Passage("By Laura Mendez."),
            Passage("Residents said troops entered the village shooting."), Passage(lead)]
    assert not voice(told).aftermath


@pytest.mark.parametrize("text", [
    "Three officers of the municipal police were killed when gunmen ambushed their patrol car.",
    "Dos agentes de la policía municipal fueron asesinados en una emboscada.",
])
def test_a_force_whose_name_the_fallen_force_completes_is_the_victim(text):
    found = examine(Passage(text))
    assert found is not None and found.victim and not found.accuses_force


@pytest.mark.parametrize("text", [
    "Two soldiers from the 35th Military Zone were killed when gunmen opened fire on their patrol.",
    "Un sargento de Carabineros murió tras recibir disparos durante un control vehicular.",
    "Muere policía baleado en un asalto a un banco.",
    "He was the third local officer killed this year.",
])
def test_forces_named_with_their_unit_or_headline_tense_that_die_are_the_victims(text):
    found = examine(Passage(text))
    assert found is None or (found.victim and not found.accusing)


@pytest.mark.parametrize("text", [
    "Soldiers of the 102nd Infantry Battalion killed at least a dozen people who had surrendered.",
    "Soldiers from the 35th Military Zone killed three men at a checkpoint.",
])
def test_a_unit_that_kills_is_not_made_a_victim_by_its_noun(text):
    found = examine(Passage(text))
    assert found is not None and found.accusing and found.accuses_force


@pytest.mark.parametrize("text", [
    "La Policía atribuye el ataque al Clan del Golfo.",
    "Police blamed the attack on a local gang.",
])
def test_a_force_that_attributes_the_violence_to_a_gang_is_a_bystander(text):
    found = examine(Passage(text))
    assert found is not None and not found.accuses_force


@pytest.mark.parametrize("text", [
    "The minister said soldiers at the base were never asked for help by state authorities to stop the attack.",
    "La Secretaría informó que el personal permaneció en el cuartel, ya que ninguna autoridad civil solicitó su apoyo"
    " durante el ataque.",
    "Sedena: el Ejército no intervino en los hechos de Iguala.",
    "The defence lawyer said the general never gave any order to attack civilians.",
    "El exjefe del Ejército aseguró que nunca dio orden de matar a los detenidos.",
])
def test_the_institution_s_position_that_no_one_asked_for_it_is_a_denial(text):
    found = examine(Passage(text))
    assert found is None or (found.denial and not found.accusing)


def test_a_force_named_before_the_fallen_with_its_own_act_is_still_accused():
    found = examine(Passage("Soldiers executed two men after an ambush in which a police officer was killed."))
    assert found is not None and found.accuses_force


@pytest.mark.parametrize(("title", "lead"), [
    ("Troops fire on a van at a checkpoint",
     "Soldiers opened fire on a van carrying migrants, killing six, the defence ministry said."),
    ("Militares disparan contra una camioneta",
     "Los soldados dispararon contra una camioneta con migrantes y mataron a seis, informó la Secretaría."),
])
def test_an_institution_reporting_its_troops_abuse_is_no_official_lead(title, lead):
    assert not voice([Passage(title, kind="title"), Passage(lead)]).official_lead
    assert voice([Passage(title, kind="title"),
                  Passage("The ministry said in a statement that troops repelled an attack.")]).official_lead


@pytest.mark.parametrize("text", [
    "The governor said the operation had freed three kidnapped women.",
    "Marines rescued 40 kidnapped migrants from a safe house.",
    "Tropas del Ejército rescataron a un comerciante que llevaba 40 días secuestrado.",
    "Se liberó a tres mujeres secuestradas y se aseguraron armas largas.",
])
def test_a_victim_the_force_frees_is_no_disappearance_by_the_force(text):
    found = examine(Passage(text))
    assert found is None or "disappearance" not in found.kinds


@pytest.mark.parametrize("text", [
    "Soldiers kidnapped three women in the village and weeks later freed one of them.",
    "Los soldados secuestraron a tres mujeres; liberaron a una días después.",
    "Police rescued the hostages, then disappeared two of the kidnappers.",
])
def test_a_freeing_verb_in_another_clause_keeps_the_kidnapping(text):
    found = examine(Passage(text))
    assert found is not None and "disappearance" in found.kinds


@pytest.mark.parametrize("text", [
    "The army said its soldiers were never asked to intervene and stayed in the barracks.",
    "Soldiers remained in their barracks because no civilian authority requested their support, the ministry said.",
    "El general explicó que el batallón no intervino porque nadie pidió su apoyo.",
    "La Defensa dijo que los militares no intervinieron porque no se solicitó su intervención.",
])
def test_a_force_not_asked_to_intervene_is_a_denial_not_an_omission(text):
    found = examine(Passage(text))
    assert found is None or (found.denial and not found.accusing)


@pytest.mark.parametrize("text", [
    "Residents asked the soldiers for help, but the troops did not intervene.",
    "Los vecinos pidieron auxilio a los militares, que no intervinieron.",
])
def test_a_force_asked_for_help_that_did_not_intervene_is_still_an_omission(text):
    found = examine(Passage(text))
    assert found is not None and "complicity" in found.kinds and found.accusing


@pytest.mark.parametrize("text", [
    "Army intelligence officers followed the attack on the students in real time.",
    "Soldiers at the control centre watched the gunmen on the security cameras.",
    "Los militares del C4 siguieron en tiempo real el ataque contra los estudiantes.",
    "Los militares vigilaban los movimientos de los normalistas y los siguieron toda la noche.",
])
def test_a_force_that_monitored_the_attack_is_complicit(text):
    found = examine(Passage(text))
    assert found is not None and "complicity" in found.kinds and found.accusing


@pytest.mark.parametrize("text", [
    "Fans followed the match in real time on their phones.",
    "El servicio meteorológico publica los datos en tiempo real.",
    "La Policía Federal deja de existir; sus elementos pasan a la Guardia Nacional.",
])
def test_real_time_and_passing_without_an_attack_are_no_complicity(text):
    assert examine(Passage(text)) is None


@pytest.mark.parametrize("text", [
    "The governor thanked the army for its courage and professionalism after the operation.",
    "El gobernador agradeció a las fuerzas armadas su valor y profesionalismo.",
])
def test_an_authority_praising_the_forces_speaks_in_their_defence(text):
    assert voice([Passage(text)]).defence


@pytest.mark.parametrize("text", [
    "Relatives thanked the lawyers who took the case to court.",
    "Las familias agradecieron a los abogados su acompañamiento.",
])
def test_thanks_to_others_is_no_defence(text):
    assert not voice([Passage(text)]).defence


@pytest.mark.parametrize("text", [
    "Troops of the 35th Military Zone, in coordination with prosecutors, arrested three men accused of the murder"
    " of a mayor.",
    "Tropas del Ejército, con apoyo de la Fiscalía, detuvieron a tres presuntos responsables del asesinato"
    " de un alcalde.",
])
def test_an_aside_between_the_force_and_its_arrest_keeps_it_touched(text):
    found = examine(Passage(text))
    assert found is not None and not found.accuses_force and found.bystander


@pytest.mark.parametrize(("lead", "told"), [
    ("Villagers mark the tenth anniversary of the massacre", "Soldiers executed eight people who had surrendered."),
    ("Diez años de la masacre: misa y ofrenda floral", "Los soldados dispararon contra los campesinos desarmados."),
])
def test_an_aftermath_counts_only_when_the_item_does_not_tell_the_abuse(lead, told):
    stance = voice([Passage(lead, kind="title")])
    assert cues([], True, stance=stance)["aftermath"] == 1.0
    assert cues(findings([Passage(told)]), True, stance=stance)["aftermath"] == 0.0


@pytest.mark.parametrize("text", [
    "La adolescente murió a manos de militares en la bodega.",
    "Murieron tres jóvenes a manos de policías estatales.",
])
def test_killed_at_the_hands_of_a_force_makes_it_the_actor_not_the_victim(text):
    found = examine(Passage(text))
    assert found is not None and not found.victim


def test_forces_that_died_are_still_the_victims():
    found = examine(Passage("Murieron tres militares en la emboscada."))
    assert found is None or found.victim


@pytest.mark.parametrize("text", [
    "Al-Qaeda-linked fighters attacked a camp of the army, killing at least ten soldiers.",
    "Los yihadistas atacaron un campamento del ejército y mataron al menos a diez soldados.",
])
def test_soldiers_killed_at_least_are_the_victims(text):
    found = examine(Passage(text))
    assert found is not None and found.victim and not found.accusing


@pytest.mark.parametrize(("text", "accused"), [
    ("Military police officers beat at least ten journalists outside the UN office.", True),
    ("The home team beat the visitors three to one.", False),
])
def test_beating_journalists_is_abuse_but_a_match_is_not(text, accused):
    found = examine(Passage(text))
    assert (found is not None and "torture" in found.kinds and found.accusing) == accused


@pytest.mark.parametrize("text", [
    "No one was hurt when soldiers fired on the protesters.",
    "No hubo heridos cuando los soldados dispararon contra los manifestantes.",
])
def test_no_one_hurt_does_not_deny_the_shooting(text):
    found = examine(Passage(text))
    assert found is not None and not found.denial and found.accusing


@pytest.mark.parametrize(("text", "defence"), [
    ("The defence ministry said troops neutralized twelve terrorists in the operation.", True),
    ("El Estado Mayor informó que fueron neutralizados doce terroristas en el operativo.", True),
    ("Witnesses said troops neutralized nobody: they shot the men after they surrendered.", False),
])
def test_an_official_count_of_neutralized_enemies_is_a_defence(text, defence):
    assert voice([Passage(text)]).defence == defence


@pytest.mark.parametrize("text", [
    "Los militares del cuartel siguieron en vivo la persecución de los autobuses.",
    "Elementos del Ejército monitorearon minuto a minuto cómo los policías cercaban a los estudiantes.",
])
def test_a_force_that_followed_the_attack_live_is_complicit(text):
    found = examine(Passage(text))
    assert found is not None and "complicity" in found.kinds and found.accusing


@pytest.mark.parametrize("text", [
    "La Secretaría dijo que a sus elementos no se les solicitó intervenir y que no intervinieron.",
    "Los policías no intervinieron porque la corporación no fue requerida esa noche.",
])
def test_a_force_not_called_in_is_a_denial_in_spanish(text):
    found = examine(Passage(text))
    assert found is None or (found.denial and not found.accusing)


@pytest.mark.parametrize("text", [
    "Personal de la Zona Militar fue agredido por civiles armados; los efectivos repelieron el ataque y "
    "murieron cuatro agresores.",
    "Militares que patrullaban fueron atacados por civiles armados y respondieron a la agresión; murieron dos hombres.",
    "Soldiers on patrol were attacked by armed civilians and returned fire, killing four.",
    "The army said the three people killed by soldiers were combatants, not civilians.",
    "El vocero afirmó que los fallecidos eran combatientes que habían atacado a la policía, no civiles.",
])
def test_a_firefight_account_with_armed_or_denied_civilians_stays_a_firefight(text):
    found = examine(Passage(text))
    assert found is not None and found.firefight and not found.accusing


@pytest.mark.parametrize("text", [
    "Soldiers opened fire on civilians after a clash with gunmen.",
    "Los soldados dispararon contra civiles tras un enfrentamiento.",
    "Tras el enfrentamiento, los militares ejecutaron a dos civiles que se habían rendido.",
])
def test_civilians_shot_after_a_clash_still_accuse(text):
    found = examine(Passage(text))
    assert found is not None and not found.firefight and found.accusing


@pytest.mark.parametrize("text", [
    "Tropas de la 35/a. Zona Militar, en coordinación con la Fiscalía estatal, detuvieron a tres hombres "
    "presuntamente vinculados con el asesinato de un alcalde.",
    "Troops arrested three men allegedly involved in the murder of a mayor.",
])
def test_the_force_that_arrests_men_linked_to_a_killing_is_not_its_actor(text):
    found = examine(Passage(text))
    assert found is not None and found.bystander and not found.accusing


def test_a_force_that_arrests_and_then_tortures_is_still_the_actor():
    found = examine(Passage("Tropas de la 35/a. Zona Militar detuvieron a dos jóvenes y los torturaron."))
    assert found is not None and found.accusing and found.actors == ("military",)


@pytest.mark.parametrize(("before", "text"), [
    ("Soldiers broke into the house at dawn.", "They took him away and he has not been seen since."),
    ("Soldados entraron a la casa de madrugada.", "Se lo llevaron y desde entonces no se sabe de él."),
    ("Policías estatales irrumpieron en la vivienda.", "Se lo llevaron y desde entonces no se sabe de él."),
])
def test_a_violation_with_no_actor_takes_the_force_acting_in_the_sentence_before(before, text):
    alone = findings([Passage(text)])
    assert len(alone) == 1 and not alone[0].carried
    *_, found = findings([Passage(before), Passage(text)])
    assert found.carried
    assert cues([found], about_case=False)["carried"] == 1.0


@pytest.mark.parametrize(("before", "text"), [
    ("Gunmen broke into the house at dawn.", "They took him away and he has not been seen since."),
    ("Hombres armados entraron a la casa de madrugada.", "Se lo llevaron y desde entonces no se sabe de él."),
    ("Police found the bodies on Tuesday.", "They took him away and he has not been seen since."),
    ("Two soldiers were killed in an ambush.", "They took him away and he has not been seen since."),
])
def test_no_actor_is_carried_from_a_criminal_group_a_finder_or_a_victim_force(before, text):
    *_, found = findings([Passage(before), Passage(text)])
    assert not found.carried


def test_the_actor_is_carried_from_the_title_but_not_across_report_pages():
    title = Passage("Soldiers raid a village in the north", kind="title")
    text = Passage("They took him away and he has not been seen since.")
    assert findings([title, Passage("It rained all day."), text])[-1].carried
    assert not findings([Passage("Gunmen raid a village", kind="title"), Passage("It rained."), text])[-1].carried
    paged = [Passage("Soldiers broke into the house at dawn.", page=1), Passage(text.text, page=2)]
    assert not findings(paged)[-1].carried


def _case_unit(linker, title: str, text: str) -> float:
    from matchers.allegation_fit import allegation_rows

    row = {"id": "x", "lang": "", "title": title, "text": text, "expect": {"allegation": True}}
    return allegation_rows(linker, [row])[0].cues["case_unit"]


@pytest.mark.parametrize("title, text", [
    ("Extraditan a excomandante por la masacre de Tlatlaya",
     "El coronel que encabezaba el 102 Batallón de Infantería en 2014 fue extraditado por las 22 muertes en la "
     "bodega de San Pedro Limón."),
    ("Former officer extradited over the Tlatlaya killings",
     "A colonel who led the 102nd Infantry Battalion in 2014 was flown back to face a judge over the 22 deaths in "
     "the San Pedro Limón warehouse."),
])
def test_an_item_naming_the_unit_its_linked_case_accuses_has_the_case_unit_cue(linker, title, text):
    assert _case_unit(linker, title, text) == 1.0


@pytest.mark.parametrize("title, text", [
    # the case's unit as the victim of its sentence
    ("Ambush near Tlatlaya", "The 102nd Infantry Battalion was ambushed near the San Pedro Limón warehouse where 22 "
     "people died in 2014."),
    # a unit the linked case does not accuse
    ("Tlatlaya killings: troops parade",
     "The 27th Infantry Battalion marched in San Pedro Limón, Tlatlaya, on Flag Day."),
    # the unit with no case linked
    ("Ceremonia", "El 102 Batallón de Infantería celebró su aniversario con una ceremonia."),
])
def test_a_victim_unit_another_case_s_unit_or_no_case_gives_no_case_unit_cue(linker, title, text):
    assert _case_unit(linker, title, text) == 0.0


# -- parity of the "not the accused" cues (alert6): the predicate after a force's name reads its role -------------

@pytest.mark.parametrize("text", [
    "Soldiers of Battalion 27 were ambushed and two of them were killed near the river.",
    "Soldados del Batallón de Infantería 27 fueron emboscados y dos de ellos fueron asesinados cerca del río.",
    "Elementos de la Guardia Nacional resultaron heridos y un civil fue asesinado en el ataque.",
    "Dos agentes de la Policía Estatal resultaron heridas en el ataque en que murió un hombre.",
    "Three police officers died in the attack in which gunmen killed a driver.",
    "Tres policías murieron en el ataque en que sicarios asesinaron a un conductor.",
])
def test_a_force_whose_own_verb_makes_it_suffer_is_the_victim_in_both_languages(text):
    found = examine(Passage(text))
    assert found is not None and found.victim and not found.accuses_force


@pytest.mark.parametrize("text", [
    "Soldiers of Battalion 27 killed two men who were ambushed on the road.",
    "Soldados del Batallón de Infantería 27 asesinaron a dos hombres que fueron emboscados en el camino.",
    "Los soldados mataron a tres hombres que resultaron heridos en el retén.",
    "Soldiers killed three men who were wounded at the checkpoint.",
])
def test_a_victim_predicate_about_someone_else_leaves_the_force_the_actor(text):
    found = examine(Passage(text))
    assert found is not None and found.accuses_force and found.accusing


@pytest.mark.parametrize(("after", "suffers"), [
    (" de Infantería 27 fueron emboscados", True),
    (" of the 35th Military Zone were attacked", True),
    (" resultaron lesionadas", True),
    (" died in the ambush", True),
    (" murió en la emboscada", True),
    (" de Infantería 27 emboscaron a una familia", False),
    (" ambushed a family", False),
    (", que fueron emboscados", False),  # a clause about the force: its verb is what comes after it
    (" mataron a dos hombres que fueron emboscados", False),
])
def test_suffers_reads_the_predicate_past_the_rest_of_the_name(after, suffers):
    from matchers.allegation import suffers as reads
    assert reads(after) is suffers


@pytest.mark.parametrize("text", [
    "No hubo enfrentamiento: los soldados los mataron.",
    "Los militares mataron a los hombres, pero nunca fue un enfrentamiento.",
    "Tras la balacera, los agentes los ultimaron cuando ya estaban reducidos.",
    "Un policía la abatió de un disparo durante una marcha pacífica.",
    "Soldiers killed them, but there was no firefight.",
    "Police killed a woman in a shootout during a peaceful march.",
])
def test_a_firefight_denied_or_a_peaceful_protest_is_no_firefight(text):
    found = examine(Passage(text))
    assert found is not None and not found.firefight and found.accusing


@pytest.mark.parametrize(("text", "kind"), [
    ("Murieron en operativos de la policía presentados como enfrentamientos.", "scene tampering"),
    ("The killings by soldiers were presented as firefights.", "scene tampering"),
    ("Los capturados eran llevados a cárceles clandestinas.", "disappearance"),
    ("Captives were held in clandestine detention centres.", "disappearance"),
])
def test_killings_passed_off_as_combat_and_clandestine_prisons(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize("text", [
    "Los militares les quitaron los celulares y no llamaron a una ambulancia.",
    "Los soldados supieron y callaron lo que pasaba en las calles.",
    "The soldiers took their phones and did not call an ambulance.",
    "The soldiers knew and kept silent about the attack.",
])
def test_a_force_that_called_no_help_or_kept_silent_is_complicit(text):
    assert "complicity" in kinds(text)


@pytest.mark.parametrize("title", [
    "'Eran policías estatales': madre busca a su hijo en Veracruz",
    "\"It was the soldiers\": mother searches for her son",
])
def test_a_quote_heading_a_title_is_no_official_speaker(title):
    body = Passage("Su hijo fue detenido por policías estatales y desde entonces se desconoce su paradero.")
    assert not voice([Passage(title, None, "title"), body]).official_lead
