"""Talking points in English and Spanish: distinctive concepts, contradicting concepts, stance."""

from __future__ import annotations

import math

import pytest

from matchers import statements as stmts
from matchers.combiner import Combiner
from matchers.concepts import concepts
from matchers.embeddings import Encoder
from matchers.linker import Linker
from matchers.passages import Passage
from monitor.domain.item import Item
from monitor.domain.text import fold
from monitor.domain.watchlist import Case, Statement, Watchlist

CASE = Case(id="c1", name="Río Verde killings", place="Río Verde, Durango", aliases=("Río Verde",),
            description=("Soldiers killed nine men at a ranch in Río Verde. The army said there was a firefight; "
                         "relatives spoke of executions.",))
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
])
def test_lexicon_maps_both_languages_to_one_concept(text, concept):
    assert concept in concepts(fold(text))


def test_of_course_and_trains_are_not_training():
    assert "training" not in concepts(fold("Of course, the trains ran late."))


def test_distinctive_concepts_leave_out_the_case_identity():
    # every story on the case says soldiers killed people: "soldiers" is no evidence of the training claim
    assert profile(TRAINING).claim == {"training"}
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
    combiner = Combiner(stmts.FEATURES, tuple(1.0 if f == "dense_relative" else 0.0 for f in stmts.FEATURES), 0.0,
                        0.5, {"means": {"dense_relative": 2.0}})
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
