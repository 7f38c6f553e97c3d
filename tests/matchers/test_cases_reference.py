"""A case named only by its place, as UN bodies and outlets do ("the Bagua case", "la masacre de Acteal"),
links; the same town in its other news does not (`reference`, lexicon/<lang>/references.yaml). The cases
are new to the shipped combiners, so this also shows a new case links without a refit."""

from __future__ import annotations

import datetime as dt

import pytest

from matchers import cases
from matchers.background import BACKGROUND
from matchers.fitted import Models
from matchers.linker import Linker
from matchers.passages import passages
from monitor.domain.item import Item
from monitor.domain.watchlist import Case, Watchlist

VALLE = Case(
    id="valle-seco-2011", name="Valle Seco road blockade killings", date=dt.date(2011, 4, 7),
    place="Puente Quemado, Valle Seco, Provincia Alta", aliases=("Valle Seco", "matanza de Valle Seco"),
    description=("On 7 April 2011 gendarmes cleared a road blockade by farmers at Puente Quemado near Valle Seco "
                 "with rifles, killing nine farmers and wounding dozens.",
                 "El 7 de abril de 2011 gendarmes desalojaron a tiros un bloqueo campesino en Puente Quemado, cerca "
                 "de Valle Seco, y mataron a nueve campesinos; decenas quedaron heridos."))
ISLA = Case(
    id="isla-verde-2016", name="Isla Verde prison riot deaths", date=dt.date(2016, 10, 2),
    place="Penal de Isla Verde, Costa Brava", aliases=("motín de Isla Verde",),
    description=("Guards and soldiers stormed the Isla Verde prison during a riot in October 2016; eleven inmates "
                 "died, several with gunshot wounds after they had surrendered.",
                 "Custodios y soldados entraron al penal de Isla Verde durante un motín en octubre de 2016; murieron "
                 "once internos, varios con heridas de bala después de rendirse."))
WATCHLIST = Watchlist(units=(), cases=(VALLE, ISLA), statements=())

NAMED_BY_TOWN = (
    Item("t", "un-en", "", "UN committee asks about impunity",
         "In its review, the UN Committee against Torture said nobody had been convicted for the Valle Seco killings "
         "and asked the delegation to report on the investigation."),
    Item("t", "un-es", "", "El comité de la ONU pregunta por la impunidad",
         "En su examen, el Comité contra la Tortura lamentó que nadie haya sido condenado en el caso Valle Seco y "
         "pidió a la delegación informar sobre la investigación.", language="es"),
)
TOWN_NEWS = (
    Item("t", "n-en", "", "Valle Seco opens a new bus terminal",
         "The mayor of Valle Seco opened a bus terminal on Monday and said it would bring jobs to the town."),
    Item("t", "n-es", "", "Valle Seco celebra su feria patronal",
         "Con procesiones y baile, los vecinos de Valle Seco celebraron la feria patronal, que atrajo a miles de "
         "visitantes.", language="es"),
)


def _reference(item: Item) -> dict[str, bool]:
    models = Models.load()
    model = cases.CaseModel(WATCHLIST, BACKGROUND, models.case_base, models.cases)
    return {s.case: s.reference for s in model.sparse_scores(passages(item), {})}


def test_the_signal_fires_for_the_case_named_by_its_town_and_for_that_case_only():
    for item in NAMED_BY_TOWN:
        assert _reference(item) == {"valle-seco-2011": True, "isla-verde-2016": False}


def test_the_signal_is_silent_on_the_towns_other_news():
    for item in TOWN_NEWS:
        assert not any(_reference(item).values())


def test_the_shipped_combiners_weigh_the_reference_for_a_link():
    weights = dict(zip(Models.load().case_base.features, Models.load().case_base.weights, strict=True))
    assert weights["reference"] > 0


def test_a_case_named_by_its_town_links_in_either_language(encoder):
    found = Linker(WATCHLIST, encoder).assess_many(list(NAMED_BY_TOWN))
    assert [[c.id for c in a.cases] for a in found] == [["valle-seco-2011"], ["valle-seco-2011"]]


@pytest.mark.xfail(strict=True, reason="known weakness (issue 9): the town's other news links on the town's names "
                   "alone (the case's alias is the town); one refit puts one of these two items over the "
                   "threshold, the next keeps both under it (the seventh session's refit on sixteen sets did, its "
                   "final refit did not); "
                   "strict, so a fix turns this into a plain test")
def test_the_towns_other_news_links_no_case(encoder):
    found = Linker(WATCHLIST, encoder).assess_many(list(TOWN_NEWS))
    assert [[c.id for c in a.cases] for a in found] == [[], []]


# A headline's "the <town> shooting" and the Spanish "la noche de <town>" name the case; "a shooting in
# <town>" or "un ataque en <town>" tell of a new event there (lexicon/<lang>/references.yaml `after`, `of`).
NAMED_ON_ONE_SIDE = (
    Item("t", "after-en", "", "Families still wait for answers",
         "Eleven years after the Valle Seco shooting, no officer has been tried."),
    Item("t", "of-es", "", "Las familias siguen esperando",
         "A once años de la noche de Valle Seco, ningún gendarme ha sido juzgado.", language="es"),
)
NEW_EVENT_IN_TOWN = (
    Item("t", "new-en", "", "Two hurt in bar fight",
         "Two men were hurt in a shooting in Valle Seco on Saturday, local police said."),
    Item("t", "new-es", "", "Dos heridos en una riña",
         "Dos hombres resultaron heridos en un ataque en Valle Seco el sábado, informó la policía local.",
         language="es"),
)


def test_a_noun_that_names_the_case_on_one_side_of_its_town_only():
    for item in NAMED_ON_ONE_SIDE:
        assert _reference(item) == {"valle-seco-2011": True, "isla-verde-2016": False}
    for item in NEW_EVENT_IN_TOWN:
        assert not any(_reference(item).values())
