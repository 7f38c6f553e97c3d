"""Talking points in English and Spanish: distinctive concepts, contradicting concepts, stance."""

from __future__ import annotations

import math

import pytest

from matchers import statements as stmts
from matchers.combiner import Combiner
from matchers.concepts import claim_keys, concepts
from matchers.embeddings import Encoder
from matchers.linker import Linker
from matchers.passages import Passage
from monitor.domain.item import Item
from monitor.domain.text import fold
from monitor.domain.watchlist import Case, Statement, Watchlist

CASE = Case(id="c1", name="Río Verde killings", place="Río Verde, Durango", aliases=("Río Verde",),
            description=("Soldiers killed nine men at a ranch in Río Verde. The army said there was a firefight; "
                         "relatives spoke of executions.",
                         "Soldados mataron a nueve hombres en un rancho de Río Verde. El Ejército habló de un "
                         "enfrentamiento; los familiares, de ejecuciones."))
TRAINING = Statement(id="s-training", text="None of the soldiers charged had been trained by the U.S. military.",
                     cases=("c1",))
FIREFIGHT = Statement(id="s-firefight", text="The deaths happened during an armed confrontation.", cases=("c1",))


def profile(statement: Statement) -> stmts.StatementProfile:
    return stmts.profile(statement, {"c1": CASE})


@pytest.mark.parametrize(("text", "concept"), [
    ("Los militares estuvieron presentes", "military"), ("las tropas del Ejército", "military"),
    ("recibieron adiestramiento en Estados Unidos", "training"), ("US training of the unit", "training"),
    ("hubo un enfrentamiento armado", "confrontation"), ("the firefight lasted an hour", "confrontation"),
    ("fueron privadas de la vida de manera arbitraria", "unlawful killing"),
    ("ejecuciones extrajudiciales", "unlawful killing"), ("el fuero militar", "military court"),
    ("fueron crímenes aislados", "isolated acts"), ("these were isolated crimes", "isolated acts"),
    ("se hacían pasar por marinos", "impostors"), ("gunmen posing as marines", "impostors"),
    ("la patrulla cayó en una emboscada", "attack on forces"), ("the convoy was ambushed", "attack on forces"),
    ("dispararon munición real", "firearms"), ("they fired live ammunition", "firearms"),
    ("solo murieron terroristas", "combatants"), ("only militants were killed", "combatants"),
    ("la mayoría de los muertos eran civiles", "civilians"), ("most of the dead were civilians", "civilians"),
    ("calificó el informe de mentiras y propaganda", "fabrication"), ("called the reports fabricated", "fabrication"),
    ("el juez cerró la causa", "case closed"), ("the matter is closed", "case closed"),
    ("los policías vieron el ataque y no intervinieron", "omission"), ("troops stood by", "omission"),
    ("el expediente no registra ninguna orden judicial", "court order"), ("acting on a court order", "court order"),
    ("dijo que se trataba de un pleito entre pandillas", "gang feud"), ("killed by a rival gang", "gang feud"),
])
def test_lexicon_maps_both_languages_to_one_concept(text, concept):
    assert concept in concepts(fold(text))


@pytest.mark.parametrize(("text", "concept"), [
    ("the foreign forces were not operating in the valley", "presence"),
    ("el gobierno negó la presencia de soldados extranjeros", "presence"),
    ("the officers kept to the guidelines on the use of force", "lawful force"),
    ("actuaron con apego a los protocolos sobre el uso de la fuerza", "lawful force"),
    ("the three men were last known to be in military custody", "detention"),
    ("se los llevaron de la plaza en una camioneta", "detention"),
    ("the defence says the police planted guns in the car", "scene tampering"),
    ("las armas plantadas por los agentes junto a los cuerpos", "scene tampering"),
    ("the governor blamed a feud between families", "intercommunal"),
    ("lo atribuyeron a viejas rencillas entre familias", "intercommunal"),
    ("police spoke of a turf war", "gang feud"),
    ("su madre repitió que no eran pandilleros", "gang feud"),
    ("la fiscalía habló de un ataque contra una banda contraria", "gang feud"),
])
def test_an_account_told_in_other_words_maps_to_its_concept(text, concept):
    """The words reports use for what a claim asserts or denies, beyond the claim's own: a negated presence, the
    rules named before the force, custody, evidence planted, a feud or a rival band told around its words."""
    assert concept in concepts(fold(text))


@pytest.mark.parametrize("text", ["The rival candidates debated on television.", "Los rivales del club empataron.",
                                  "Soldiers killed the young men at a party."])
def test_a_rival_that_is_no_gang_is_no_gang_feud(text):
    assert "gang feud" not in concepts(fold(text))


def test_of_course_and_trains_are_not_training():
    assert "training" not in concepts(fold("Of course, the trains ran late."))


def test_distinctive_concepts_leave_out_the_case_identity():
    # every story on the case says soldiers killed people: "soldiers" is no evidence of the training claim
    assert "training" in profile(TRAINING).claim and "military" not in profile(TRAINING).claim
    assert profile(TRAINING).negated
    # the record already speaks of executions; an unlawful-killing finding still contradicts the claim
    firefight = profile(FIREFIGHT)
    assert "confrontation" in firefight.claim
    assert "unlawful killing" in firefight.counter and "execution" not in firefight.counter


@pytest.fixture(scope="module")
def linker(encoder: Encoder) -> Linker:
    watchlist = Watchlist(cases=(CASE,), statements=(TRAINING, FIREFIGHT))
    return Linker(watchlist, encoder)


def statement_links(linker: Linker, title: str, text: str) -> dict[str, str]:
    found = linker.assess(Item("t", title, "", title, text))
    assert [c.id for c in found.cases] == ["c1"]
    return {s.id: s.stance for s in found.statements}


def test_spanish_finding_of_arbitrary_killing_undercuts_the_firefight(linker):
    links = statement_links(linker, "CNDH: en Río Verde hubo ejecuciones extrajudiciales",
                            "La comisión concluyó que nueve personas fueron privadas de la vida de manera "
                            "arbitraria por militares en Río Verde.")
    assert links == {"s-firefight": "undercuts"}


def test_denial_that_repeats_the_claim_restates_it(linker):
    links = statement_links(linker, "Defensa: en Río Verde hubo un enfrentamiento",
                            "La Secretaría reiteró que no hay pruebas de abusos y que los hechos de Río Verde "
                            "ocurrieron durante un enfrentamiento con un grupo armado.")
    assert links == {"s-firefight": "restates"}


def test_statement_probability_is_the_link_score_and_passes_the_fitted_threshold(linker):
    found = linker.assess(Item("t", "CNDH: en Río Verde hubo ejecuciones extrajudiciales", "",
                               "CNDH: en Río Verde hubo ejecuciones extrajudiciales",
                               "La comisión concluyó que nueve personas fueron privadas de la vida de manera "
                               "arbitraria por militares en Río Verde."))
    threshold = linker.models.statements.threshold
    assert all(threshold <= s.score <= 1.0 for s in found.statements) and found.statements


def test_without_embeddings_the_dense_features_take_their_fitted_mean():
    weights = tuple(1.0 if f == "dense_clause_relative" else 0.0 for f in stmts.FEATURES)
    combiner = Combiner(stmts.FEATURES, weights, 0.0, 0.5, {"means": {"dense_clause_relative": 2.0}})
    found = profile(FIREFIGHT)
    signals = [stmts.Signals(found, (), None)]
    assert [s.score for s in stmts.decide(signals, None, combiner)] == [round(1 / (1 + math.exp(-2.0)), 3)]
    without_mean = Combiner(combiner.features, combiner.weights, 0.0, 0.5)
    assert [s.score for s in stmts.decide(signals, None, without_mean)] == [0.5]  # absent: 0


def test_story_on_the_case_without_the_claim_links_no_statement(linker):
    assert statement_links(linker, "Familias de Río Verde piden justicia",
                           "Los familiares de los nueve hombres marcharon en Río Verde para exigir justicia.") == {}


def test_polarity_decides_when_there_is_no_allegation_or_denial():
    found = profile(TRAINING)
    hits = stmts.concept_hits(found, [Passage("Five of the officers had received US training in 2012.")])
    assert stmts.stance(found, hits, None) == "undercuts"
    hits = stmts.concept_hits(found, [Passage("None of them had any US training, records show.")])
    assert stmts.stance(found, hits, None) == "restates"


def test_untied_statement_needs_every_claim_concept_in_one_passage():
    untied = stmts.profile(Statement(id="u", text="US-trained soldiers never faced a military court."), {})
    assert untied.claim >= {"training", "military court"}
    one = stmts.concept_hits(untied, [Passage("Soldiers received training.")])
    both = stmts.concept_hits(untied, [Passage("Soldiers who received training went before a military court.")])
    assert not stmts.addressed(untied, one)
    assert stmts.addressed(untied, both)


TORTURE_CASE = Case(id="t1", name="Loma Alta detentions", place="Loma Alta, Sonora", aliases=("Loma Alta",),
                    description=("Police detained and tortured five farmworkers in Loma Alta in 2015.",))
ISOLATED = Statement(id="s-isolated", text="Torture is not a practice of the police; each case is an isolated act.")


def keys_of(found: stmts.StatementProfile) -> set[str]:
    return {k for k, _ in found.keys}


def test_claim_keys_are_the_statement_words_its_case_does_not_carry_weighted_by_rarity():
    keys = dict(profile(FIREFIGHT).keys)
    assert "confr" in keys and "#confrontation" in keys  # the claim, as a word stem and as a concept
    assert not {"rio", "verde"} & keys.keys()  # the case's name says nothing of the claim
    assert keys["confr"] > keys.get("happe", 0.0)  # "confrontation" is rarer than "happened"
    assert "the" not in keys and "durin" not in keys  # function words and everyday words weigh nothing


@pytest.mark.parametrize("text", [
    "The commission said the deaths were not the result of an armed confrontation.",
    "La comisión dijo que no hubo confrontación armada alguna.",  # Spanish: the cognate stem and the concept
])
def test_a_passage_speaking_of_the_claim_overlaps_it_in_english_and_spanish(text):
    found = profile(FIREFIGHT)
    assert stmts.overlap(found, [claim_keys(text)]) >= 0.5


@pytest.mark.parametrize("text", [
    "Relatives of the nine men marched in Río Verde to demand justice.",
    "Los familiares de los nueve hombres marcharon en Río Verde para exigir justicia.",
])
def test_a_passage_on_the_case_but_not_the_claim_hardly_overlaps_it(text):
    assert stmts.overlap(profile(FIREFIGHT), [claim_keys(text)]) < 0.2


def test_a_statement_tied_to_no_case_does_not_count_the_words_every_case_uses():
    # a general claim about torture: the watchlist's torture case says "torture", so that word shows no claim
    found = stmts.profile(ISOLATED, {"t1": TORTURE_CASE})
    assert "#torture" not in keys_of(found) and "tortu" not in keys_of(found)
    assert {"isola", "#isolated acts"} <= keys_of(found)
    story = claim_keys("Police tortured the five farmworkers of Loma Alta, a court found.")
    finding = claim_keys("The UN found torture is a widespread practice, not an isolated act.")
    assert stmts.overlap(found, [story]) < 0.1 < 0.5 < stmts.overlap(found, [finding])


@pytest.fixture(scope="module")
def torture_linker(encoder: Encoder) -> Linker:
    return Linker(Watchlist(cases=(TORTURE_CASE,), statements=(ISOLATED,)), encoder)


@pytest.mark.parametrize(("title", "text"), [
    ("Court: Loma Alta farmworkers were tortured", "A judge found that police tortured the five farmworkers "
     "detained in Loma Alta, Sonora, and ordered their release."),
    ("Juez: los jornaleros de Loma Alta fueron torturados", "Un juez concluyó que policías torturaron a los cinco "
     "jornaleros detenidos en Loma Alta, Sonora, y ordenó liberarlos."),
])
def test_a_torture_story_does_not_link_the_general_claim_on_the_word_torture(torture_linker, title, text):
    found = torture_linker.assess(Item("t", title, "", title, text))
    assert not found.statements


@pytest.mark.parametrize(("title", "text"), [
    ("UN: torture by police is systematic, not isolated", "The UN committee said torture by police is a "
     "widespread and systematic practice and that cases are not isolated acts."),
    ("ONU: la tortura policial es sistemática, no aislada", "El comité de la ONU afirmó que la tortura policial es "
     "una práctica generalizada y sistemática y que los casos no son actos aislados."),
])
def test_a_finding_on_the_practice_links_the_general_claim(torture_linker, title, text):
    found = torture_linker.assess(Item("t", title, "", title, text))
    assert [s.id for s in found.statements] == ["s-isolated"]


MOURA_LIKE = Case(id="m1", name="Kolo killings", place="Kolo, Mopti", aliases=("Kolo",),
                  description=("Soldiers executed some 300 people in Kolo, most of them civilians; the army said it "
                               "had neutralized 200 terrorists.",))
ONLY_TERRORISTS = Statement(id="s-terrorists", text="Only terrorists were killed in Kolo; no civilian died.",
                            cases=("m1",))


def test_words_the_case_identity_carries_are_left_to_overlap_common():
    found = stmts.profile(ONLY_TERRORISTS, {"m1": MOURA_LIKE})
    assert {"#civilians", "#combatants"} <= {k for k, _ in found.common}
    assert not {"#civilians", "#combatants"} & keys_of(found)
    assert "kolo" not in {k for k, _ in found.common}  # the case's name is in every story of it


@pytest.mark.parametrize(("text", "bears"), [
    ("The government insisted that only terrorists died in Kolo and that no civilian was killed.", True),
    ("El Gobierno insistió en que en Kolo solo murieron terroristas y ningún civil.", True),
    ("Relatives of the dead of Kolo asked for access to the graves.", False),
    ("Los familiares de los muertos de Kolo pidieron acceso a las fosas.", False),
])
def test_overlap_common_tells_the_claim_from_a_story_of_the_same_case(text, bears):
    found = stmts.profile(ONLY_TERRORISTS, {"m1": MOURA_LIKE})
    share = stmts.overlap_common(found, [claim_keys(text)])
    assert share >= 0.5 if bears else share < 0.2


GUNFIRE_CASE = Case(id="g1", name="Puente Alto protest deaths", place="Puente Alto", aliases=("Puente Alto",),
                    description=("Police met the Puente Alto protest with firearms; four marchers died.",
                                 "La policía recibió la protesta de Puente Alto con armas de fuego; murieron cuatro "
                                 "manifestantes."))
NON_LETHAL = Statement(id="s-nonlethal", text="The police at Puente Alto used only non-lethal means.", cases=("g1",))


@pytest.mark.parametrize(("text", "bears"), [
    ("Witnesses said officers fired live ammunition at the marchers.", True),
    ("Testigos dijeron que los agentes dispararon armas de fuego contra los manifestantes.", True),
    ("Relatives of the four marchers asked Congress for compensation.", False),
    ("Los familiares de los cuatro manifestantes pidieron una indemnización.", False),
])
def test_a_contradiction_the_case_record_asserts_still_speaks_of_the_claim(text, bears):
    # the record says "firearms", yet a story of gunfire repeats what "only non-lethal means" denies
    found = stmts.profile(NON_LETHAL, {"g1": GUNFIRE_CASE})
    assert "firearms" not in found.counter  # the stance and `addressed` still leave the record's own concepts out
    share = stmts.overlap(found, [claim_keys(text)])
    assert share >= 0.3 if bears else share == 0.0


def test_unknown_dense_features_take_the_mean_of_the_known_rows():
    rows = [{"dense_relative": -0.2, "overlap": 0.1}, {"dense_relative": 0.0, "overlap": 0.0},
            {"dense_relative": math.nan, "overlap": 0.3}]
    stmts.impute_unknown(rows)
    assert rows[2] == {"dense_relative": -0.1, "overlap": 0.3} and rows[0]["dense_relative"] == -0.2


def test_an_item_not_embedded_has_unknown_dense_features():
    found = stmts.profile(ISOLATED, {})
    row = stmts.features([stmts.Signals(found, (), None)], None)[0]
    assert math.isnan(row["dense_relative"]) and not math.isnan(row["overlap"])


@pytest.fixture(scope="module")
def gunfire_linker(encoder: Encoder) -> Linker:
    return Linker(Watchlist(cases=(GUNFIRE_CASE,), statements=(NON_LETHAL,)), encoder)


@pytest.mark.parametrize(("title", "text", "expected"), [
    ("Puente Alto: witnesses say police fired live rounds", "Witnesses of the Puente Alto protest said police "
     "officers fired live ammunition at the marchers as they ran.", {"s-nonlethal": "undercuts"}),
    ("Puente Alto: testigos dicen que la policía disparó armas de fuego", "Testigos de la protesta de Puente Alto "
     "dijeron que los policías dispararon armas de fuego contra los manifestantes.", {"s-nonlethal": "undercuts"}),
    ("Puente Alto families ask for compensation", "Relatives of the four marchers who died in Puente Alto asked "
     "Congress for compensation.", {}),
    ("Familias de Puente Alto piden una indemnización", "Los familiares de los cuatro manifestantes muertos en "
     "Puente Alto pidieron una indemnización al Congreso.", {}),
])
def test_gunfire_on_a_gunfire_case_bears_on_the_non_lethal_claim(gunfire_linker, title, text, expected):
    found = gunfire_linker.assess(Item("t", title, "", title, text))
    assert [c.id for c in found.cases] == ["g1"]
    assert {s.id: s.stance for s in found.statements} == expected


# -- the dense model on the statement's clauses and on the item's stance towards an official account ----------

@pytest.mark.parametrize(("text", "expected"), [
    ("The officers sent to the blockade were unarmed; the shots came from armed groups.",
     ("The officers sent to the blockade were unarmed; the shots came from armed groups",
      "The officers sent to the blockade were unarmed", "the shots came from armed groups")),
    ("Los policías actuaron conforme a la ley, y ningún manifestante fue detenido.",
     ("Los policías actuaron conforme a la ley, y ningún manifestante fue detenido",
      "Los policías actuaron conforme a la ley", "ningún manifestante fue detenido")),
    ("None of the soldiers had been trained by the U.S. military.",
     ("None of the soldiers had been trained by the U.S. military",)),
    # a piece too short to stand alone stays only in the whole
    ("Those killed were attackers: all of them.",
     ("Those killed were attackers: all of them", "Those killed were attackers")),
])
def test_a_statement_is_read_whole_and_claim_by_claim(text, expected):
    assert stmts.clauses(text) == expected


CONFRONTATION_CASE = Case(id="k1", name="Los Pinos ranch killings", place="Los Pinos", aliases=("Los Pinos",),
                          description=("Soldiers killed eleven men at the Los Pinos ranch in May.",
                                       "Soldados mataron a once hombres en el rancho Los Pinos en mayo."))
CONFRONTATION = Statement(id="s-confrontation", text="The men at Los Pinos died in a confrontation; the soldiers only "
                          "returned fire.", cases=("k1",))


@pytest.fixture(scope="module")
def confrontation_linker(encoder: Encoder) -> Linker:
    return Linker(Watchlist(cases=(CONFRONTATION_CASE,), statements=(CONFRONTATION,)), encoder)


def _stance_of(linker: Linker, title: str, text: str) -> dict[str, float]:
    signals, allegation = linker.statement_signals([Item("t", title, "", title, text)])[0]
    assert [s.found.statement.id for s in signals] == ["s-confrontation"]  # the case is linked: in play
    return stmts.features(signals, allegation)[0]


@pytest.mark.parametrize(("disputing", "recounting"), [
    (("Los Pinos: pathologists find the men were shot from a metre away",
      "The pathologists who examined the eleven bodies from Los Pinos found entry wounds at very short distance, "
      "several in the back of the head, which does not fit the army's story of a gun battle."),
     ("Los Pinos families hold a memorial mass",
      "Relatives of the eleven men killed at the Los Pinos ranch gathered for a mass on the anniversary.")),
    (("Los Pinos: los forenses hallaron disparos a menos de un metro",
      "Los forenses que examinaron los once cuerpos de Los Pinos hallaron orificios de entrada a muy corta "
      "distancia, varios en la nuca, lo que no concuerda con la versión militar de un tiroteo."),
     ("Familias de Los Pinos celebran una misa",
      "Los familiares de los once hombres muertos en el rancho Los Pinos se reunieron en una misa en el aniversario.")),
])
def test_an_item_disputing_the_official_account_is_closer_to_the_dispute_sentences(confrontation_linker, disputing,
                                                                                   recounting):
    found, other = _stance_of(confrontation_linker, *disputing), _stance_of(confrontation_linker, *recounting)
    assert found["dispute"] > other["dispute"] + 0.05


@pytest.mark.parametrize(("title", "text"), [
    ("Army: soldiers at Los Pinos came under fire first", "The Defence Ministry said the soldiers at the Los Pinos "
     "ranch were attacked by gunmen and fired back to protect themselves."),
    ("Ejército: los soldados en Los Pinos fueron agredidos primero", "La Secretaría de la Defensa afirmó que los "
     "soldados en el rancho Los Pinos fueron atacados a balazos y respondieron para protegerse."),
])
def test_an_official_restating_the_account_is_closer_to_the_restating_sentences(confrontation_linker, title, text):
    found = _stance_of(confrontation_linker, title, text)
    memorial = _stance_of(confrontation_linker, "Los Pinos families hold a memorial mass", "Relatives of the eleven "
                          "men killed at the Los Pinos ranch gathered for a mass on the anniversary.")
    assert found["restate"] > memorial["restate"] + 0.05


def test_an_item_on_one_claim_is_closer_to_that_clause_than_to_the_whole_statement(confrontation_linker, encoder):
    title = "Los Pinos: the soldiers fired first, a survivor says"
    text = "A survivor of the Los Pinos ranch said nobody shot at the soldiers before they opened fire."
    signals, _ = confrontation_linker.statement_signals([Item("t", title, "", title, text)])[0]
    dense = signals[0].dense
    whole = encoder.encode([CONFRONTATION.text])[0]
    assert dense is not None and dense.clause > max(float(v @ whole) for v in encoder.encode([title, text]))


@pytest.mark.parametrize(("title", "text", "expected"), [
    ("Los Pinos: pathologists find the men were shot from a metre away", "The pathologists who examined the eleven "
     "bodies from Los Pinos found entry wounds at very short distance, several in the back of the head, which does "
     "not fit the army's story of a gun battle.", {"s-confrontation": "undercuts"}),
    ("Autopsias de Los Pinos: disparos a quemarropa, algunos de rodillas", "Las autopsias de los once hombres "
     "muertos en Los Pinos muestran disparos a quemarropa; algunos estaban de rodillas.",
     {"s-confrontation": "undercuts"}),
    ("Army: soldiers at Los Pinos came under fire first", "The Defence Ministry said the soldiers at the Los Pinos "
     "ranch were attacked by gunmen and fired back to protect themselves.", {"s-confrontation": "restates"}),
    # the same case, not the claim
    ("Los Pinos families hold a memorial mass", "Relatives of the eleven men killed at the Los Pinos ranch gathered "
     "for a mass on the anniversary.", {}),
    ("Familias de Los Pinos celebran una misa", "Los familiares de los once hombres muertos en el rancho Los Pinos "
     "se reunieron en una misa en el aniversario.", {}),
    ("Los Pinos: a new prosecutor takes over", "A new prosecutor was appointed to lead the investigation into the "
     "Los Pinos killings, the attorney general's office said.", {}),
    ("Los Pinos: nombran a un nuevo fiscal", "La fiscalía nombró a un nuevo fiscal para encabezar la investigación "
     "del caso Los Pinos.", {}),
])
def test_a_claim_undercut_in_other_words_links_and_other_news_of_the_case_does_not(confrontation_linker, title, text,
                                                                                   expected):
    found = confrontation_linker.assess(Item("t", title, "", title, text))
    assert [c.id for c in found.cases] == ["k1"]
    assert {s.id: s.stance for s in found.statements} == expected


_FILLER = {"en": ["The city council approved the new budget for street lighting.",
                  "The football club announced the signing of a young striker.",
                  "Heavy rain is expected over the weekend in the northern valleys.",
                  "The central bank kept interest rates unchanged this month.",
                  "A new museum of modern art opened its doors downtown."],
           "es": ["El cabildo aprobó el nuevo presupuesto para el alumbrado público.",
                  "El club de fútbol anunció el fichaje de un joven delantero.",
                  "Se esperan fuertes lluvias el fin de semana en los valles del norte.",
                  "El banco central mantuvo sin cambios las tasas de interés este mes.",
                  "Un nuevo museo de arte moderno abrió sus puertas en el centro."]}
_ELSEWHERE = {"en": "In another state, pathologists found that the victims of a police raid were shot at close range, "
                    "which contradicts the official account of a gun battle.",
              "es": "En otro estado, los forenses hallaron que las víctimas de un operativo policial recibieron "
                    "disparos a corta distancia, lo que contradice la versión oficial de un enfrentamiento."}
_MEMORIAL = {"en": ("Los Pinos families hold a memorial mass", "Relatives of the eleven men killed at the Los Pinos "
                    "ranch gathered for a mass on the anniversary."),
             "es": ("Familias de Los Pinos celebran una misa", "Los familiares de los once hombres muertos en el "
                    "rancho Los Pinos se reunieron en una misa en el aniversario.")}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_long_page_is_read_for_the_claim_only_around_the_case(confrontation_linker, lang):
    """A web page whose story on the case is a memorial, and whose unrelated story further down disputes another
    force's account: the dispute is not the case's (the window around case evidence); on its own it is."""
    title, text = _MEMORIAL[lang]
    page = " ".join([text, *_FILLER[lang], *_FILLER[lang][::-1], _ELSEWHERE[lang]])
    memorial = _stance_of(confrontation_linker, title, page)
    alone = _stance_of(confrontation_linker, title, " ".join([text, _ELSEWHERE[lang]]))
    assert alone["dispute"] > memorial["dispute"] + 0.05


# -- what a statement denies of its case, what each claim asserts -------------------------------------

MISSING_CASE = Case(id="m1", name="Courthouse siege", place="Ciudad Alta", aliases=("courthouse siege",),
                    description=("Soldiers retook the courthouse after a two-day siege; eleven people who left the "
                                 "building were never seen again and their families say they disappeared.",))
NO_DISAPPEARED = Statement(id="s-nodisap", text="The Army disappeared no one during the courthouse siege; the people "
                           "reported missing died inside in the fire.", cases=("m1",))
NO_TRAINING = Statement(id="s-notraining", text="No unit linked to the disappearances at the courthouse had received "
                        "training from the United States.", cases=("m1",))
SIEGE_WATCHLIST = {"m1": MISSING_CASE}


def test_a_statement_that_negates_what_its_case_record_asserts_denies_it():
    assert stmts.profile(NO_DISAPPEARED, SIEGE_WATCHLIST).denied == frozenset({"disappearance"})
    # the disappearances here only say which units; the claim denies training, which the record does not assert
    assert stmts.profile(NO_TRAINING, SIEGE_WATCHLIST).denied == frozenset()
    # a denial that also claims what the record does not (criminals in fake uniforms) claims that
    impostors = Statement(id="s-impostors", text="Soldiers did not detain the people reported missing at the "
                          "courthouse; criminals wearing fake army uniforms did.", cases=("m1",))
    assert stmts.profile(impostors, SIEGE_WATCHLIST).denied == frozenset()
    # an affirmative claim denies nothing
    assert stmts.profile(FIREFIGHT, {"c1": CASE}).denied == frozenset()


@pytest.mark.parametrize(("text", "expected"), [
    ("None of the soldiers charged had been trained by the U.S. military", "training"),
    ("Ninguno de los soldados procesados había recibido adiestramiento de Estados Unidos", "training"),
    ("The deaths happened during an armed confrontation", "confrontation"),
    ("Las muertes ocurrieron durante un enfrentamiento armado", "confrontation"),
    ("The Army was not involved in the attack", "involvement"),
    ("The soldiers went home", None),
])
def test_a_claim_ends_on_the_concept_it_asserts(text, expected):
    from matchers.concepts import last_concept
    assert last_concept(fold(text)) == expected


def _siege_features(linker: Linker, title: str, text: str) -> dict[str, dict[str, float]]:
    signals, allegation = linker.statement_signals([Item("t", title, "", title, text)])[0]
    return {s.found.statement.id: row for s, row in zip(signals, stmts.features(signals, allegation), strict=True)}


@pytest.fixture(scope="module")
def siege_linker() -> Linker:
    return Linker(Watchlist(cases=(MISSING_CASE,), statements=(NO_DISAPPEARED, NO_TRAINING)))


@pytest.mark.parametrize(("title", "text"), [
    ("Courthouse siege: video shows the clerk walking out alive", "Archive footage of the courthouse siege shows the "
     "clerk leaving the building alive, escorted by soldiers; his family says he is still missing."),
    ("Toma del juzgado: un video muestra al secretario salir con vida", "Imágenes de archivo del courthouse siege "
     "muestran al secretario saliendo vivo del edificio, escoltado por soldados; su familia dice que sigue "
     "desaparecido."),
])
def test_a_story_of_the_missing_speaks_of_what_the_denial_denies(siege_linker, title, text):
    found = _siege_features(siege_linker, title, text)
    assert found["s-nodisap"]["denied"] == 1.0
    assert found["s-notraining"]["denied"] == 0.0  # it denies no disappearance
    assert found["s-notraining"]["predicate"] == 0.0  # nor does the story speak of training


@pytest.mark.parametrize(("title", "text", "told"), [
    ("Courthouse siege: units had US training, records show", "Records show that the battalion that retook the "
     "courthouse in the courthouse siege had received training from US instructors.", 1.0),
    ("Toma del juzgado: el batallón recibió adiestramiento de EU", "Documentos muestran que el batallón que retomó "
     "el courthouse siege había recibido adiestramiento de instructores estadounidenses.", 1.0),
    # the claim's subject (the officers charged) without what it says of them
    ("Courthouse siege: judge sets trial date", "A judge set a trial date for the officers charged over the "
     "courthouse siege.", 0.0),
    ("Courthouse siege: un juez fija la fecha del juicio", "Un juez fijó la fecha del juicio contra los oficiales "
     "procesados por el courthouse siege.", 0.0),
])
def test_an_item_engages_a_claim_only_when_it_speaks_of_what_the_claim_asserts(siege_linker, title, text, told):
    # one claim here: `predicate` (the share of claims told) and `engaged` (one claim told) agree
    found = _siege_features(siege_linker, title, text)["s-notraining"]
    assert (found["predicate"], found["engaged"]) == (told, told)


def test_what_a_denial_denies_told_engages_it_and_a_claim_without_concepts_asks_nothing(siege_linker):
    found = _siege_features(siege_linker, "Courthouse siege: footage shows the clerk walking out",
                            "Archive footage of the courthouse siege shows the clerk walking out of the building "
                            "alive, escorted by two soldiers.")
    assert found["s-nodisap"]["engaged"] == 1.0  # `denied` told: the people said to have died seen alive
    plain = Statement(id="s-plain", text="The ministry will publish its annual report in May.", cases=())
    assert stmts.profile(plain, {}).predicates == ()
    signals = stmts.Signals(stmts.profile(plain, {}), (), None, (frozenset({"publish"}),))
    assert stmts.engaged(signals) == 1.0


@pytest.mark.parametrize(("title", "text", "expected"), [
    # the people the denial says died inside, seen leaving alive in the soldiers' hands: no word of disappearance
    ("Courthouse siege: footage shows the clerk walking out", "Archive footage of the courthouse siege shows the "
     "clerk walking out of the building alive, escorted by two soldiers.", 1.0),
    ("Courthouse siege: las imágenes muestran al secretario", "Las imágenes de archivo del courthouse siege muestran "
     "al secretario saliendo vivo del edificio, escoltado por dos soldados.", 1.0),
    # the same case, nobody seen alive: a rebuilt courthouse
    ("Courthouse siege: the rebuilt courthouse opens", "The courthouse damaged in the courthouse siege reopened "
     "after a restoration that took three years.", 0.0),
    ("Courthouse siege: reabre el juzgado", "El edificio dañado en el courthouse siege reabrió tras una restauración "
     "de tres años.", 0.0),
])
def test_people_seen_leaving_alive_refute_a_denied_disappearance(siege_linker, title, text, expected):
    assert _siege_features(siege_linker, title, text)["s-nodisap"]["denied"] == expected


@pytest.mark.parametrize("text", [
    "A military court acquitted the soldiers over the Río Verde killings.",
    "A federal judge ordered the release of the soldiers held over Río Verde.",
    "Un juez federal ordenó liberar a los soldados detenidos por Río Verde.",
])
def test_a_contradiction_of_the_claims_subject_alone_does_not_overlap_it(text):
    # "charged" is who the claim speaks of; what it asserts is "had been trained": an acquittal or a release
    # contradicts the charges, not the training
    found = profile(TRAINING)
    assert found.predicates == (frozenset({"#training"}),)
    assert stmts.overlap(found, [claim_keys(text)]) < 0.15


@pytest.mark.parametrize("text", [
    "The embassy said none of the soldiers charged had received U.S. military training.",
    "La embajada dijo que ninguno de los soldados acusados recibió entrenamiento militar de Estados Unidos.",
])
def test_a_passage_on_what_the_claim_asserts_overlaps_it(text):
    assert stmts.overlap(profile(TRAINING), [claim_keys(text)]) >= 0.25


@pytest.mark.parametrize("text", [
    "Forensic experts found the men had been executed after they surrendered.",
    "Los peritos concluyeron que los hombres fueron ejecutados tras rendirse.",
])
def test_a_contradiction_of_what_the_claim_asserts_still_overlaps_it(text):
    # "executions" answers "an armed confrontation": the confrontation is what the claim asserts
    assert stmts.overlap(profile(FIREFIGHT), [claim_keys(text)]) >= 0.25


def test_a_gap_is_a_statements_value_less_the_best_in_play_and_zero_when_unknown():
    rows = [{"overlap": 0.5}, {"overlap": 0.2}, {"overlap": math.nan}]
    stmts.with_gap(rows, "gap", "overlap")
    assert [r["gap"] for r in rows] == [0.0, pytest.approx(-0.3), 0.0]


def features_by_statement(linker: Linker, title: str, text: str) -> dict[str, dict[str, float]]:
    """The combiner's features of each statement in play for one item, by statement id."""
    signals, allegation = linker.statement_signals([Item("t", title, "", title, text)])[0]
    return {s.found.statement.id: r for s, r in zip(signals, stmts.features(signals, allegation), strict=True)}


@pytest.mark.parametrize(("title", "text", "engaged", "rival", "dense"), [
    ("Río Verde: soldiers had U.S. training", "Records show that several of the soldiers charged over the Río Verde "
     "killings had been trained by the U.S. military at a base in Texas.", "s-training", "s-firefight", True),
    # the dense model puts "las muertes de Río Verde" nearer "the deaths happened during an armed confrontation"
    # than the training claim: the words still tell them apart
    ("Río Verde: los soldados recibieron adiestramiento de EE.UU.", "Varios de los soldados acusados por las muertes "
     "de Río Verde recibieron adiestramiento del ejército de Estados Unidos.", "s-training", "s-firefight", False),
    ("Río Verde: no hubo enfrentamiento, dice un sobreviviente", "Un sobreviviente de Río Verde dijo que nadie "
     "disparó contra los soldados: no hubo ningún enfrentamiento armado.", "s-firefight", "s-training", True),
])
def test_the_statement_an_item_bears_on_stands_out_from_the_other_statements_of_its_case(linker, title, text, engaged,
                                                                                         rival, dense):
    rows = features_by_statement(linker, title, text)
    assert set(rows) == {"s-training", "s-firefight"}
    assert rows[engaged]["overlap_gap"] == 0.0 and rows[rival]["overlap_gap"] < 0.0
    assert (rows[engaged]["dense_gap"] == 0.0 and rows[rival]["dense_gap"] < 0.0) is dense


def test_a_statement_added_to_the_watchlist_is_read_against_its_rivals_without_a_refit(encoder):
    added = Statement(id="s-added", text="The soldiers were acting on a court order.", cases=("c1",))
    grown = Linker(Watchlist(cases=(CASE,), statements=(TRAINING, FIREFIGHT, added)), encoder)
    title = "Río Verde: no court order, the file shows"
    text = "The Río Verde file holds no court order for the soldiers' raid on the ranch, the defence lawyers said."
    rows = features_by_statement(grown, title, text)
    assert rows["s-added"]["overlap_gap"] == 0.0 and rows["s-training"]["overlap_gap"] < 0.0


@pytest.mark.parametrize(("title", "text", "expected"), [
    # an account given and what the claim asserts, in one passage
    ("Courthouse siege: the Army denies training", "The Army denied that the battalion that retook the courthouse "
     "in the courthouse siege had received training from US instructors.", 1.0),
    ("Toma del juzgado: el Ejército lo niega", "El Ejército negó que el batallón que retomó el courthouse siege "
     "hubiera recibido adiestramiento de instructores estadounidenses.", 1.0),
    # an account disputed, told by the verb that disputes it
    ("Courthouse siege: rights group rebuts the Army", "A rights group refuted that the battalion that retook the "
     "courthouse in the courthouse siege had received no training from US instructors.", 1.0),
    ("Toma del juzgado: una ONG desmiente al Ejército", "Una organización desmintió que el batallón que retomó el "
     "courthouse siege no hubiera recibido adiestramiento de instructores estadounidenses.", 1.0),
    # what the claim asserts, told with no one's account of it
    ("Courthouse siege: units had US training, records show", "Records show that the battalion that retook the "
     "courthouse in the courthouse siege had received training from US instructors.", 0.0),
    # an account given, but of something else: the trial's date
    ("Courthouse siege: the court insisted", "The court insisted that the trial of the officers charged over the "
     "courthouse siege would open in May.", 0.0),
])
def test_a_passage_voicing_an_account_of_what_the_claim_asserts_is_voiced_engaged(siege_linker, title, text,
                                                                                  expected):
    assert _siege_features(siege_linker, title, text)["s-notraining"]["voiced_engaged"] == expected


ESCAPE = Statement(id="s-escape", text="The prisoners were shot during an escape attempt.", cases=("c1",))
DEFENCE = Statement(id="s-defence", text="The soldiers only acted in self-defence.", cases=("c1",))


@pytest.mark.parametrize(("statement", "text"), [
    # the official account of a killing in the words reports use for it, in Spanish and English
    (FIREFIGHT, "Un general en retiro sostuvo que fue un choque armado contra irregulares."),
    (DEFENCE, "La patrulla fue recibida a tiros y se limitó a responder al fuego."),
    (DEFENCE, "The governor said the troops only responded to the aggression."),
    (ESCAPE, "La Marina sostuvo durante años la versión de un intento de fuga."),
    (ESCAPE, "The navy said the prisoners were killed trying to escape."),
])
def test_an_account_told_in_other_common_words_engages_the_claim(statement, text):
    signals = stmts.Signals(profile(statement), (), None, (claim_keys(text),))
    assert stmts.engaged(signals) == 1.0
