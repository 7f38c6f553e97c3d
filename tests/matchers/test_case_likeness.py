"""How alike the watchlist describes two cases (`cases.case_likeness`) and the feature it gives the case
combiner: a case described like the item's most probable one must not be linked on the winner's words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pytest

from matchers import cases
from matchers.background import BACKGROUND
from matchers.fitted import Models
from matchers.linker import Linker
from monitor.domain.item import Item
from monitor.domain.watchlist import Case, Watchlist

STRIKE_2019 = Case(
    id="lerma-strike-2019", name="Ciudad Lerma dock strike killings", date=dt.date(2019, 3, 12),
    place="Puerto Viejo, Ciudad Lerma, Costa Azul", aliases=("huelga portuaria de 2019",),
    description=("Riot police fired on striking dock workers blocking the port road in Puerto Viejo, Ciudad "
                 "Lerma, in March 2019, killing four workers; the union said officers shot at people who were "
                 "running away.",
                 "La policía antimotines disparó contra estibadores en huelga que bloqueaban la vía al puerto en "
                 "Puerto Viejo, Ciudad Lerma, en marzo de 2019, y mató a cuatro trabajadores; el sindicato dijo "
                 "que los agentes dispararon contra personas que huían."))
STRIKE_2021 = Case(
    id="lerma-strike-2021", name="Ciudad Lerma transport strike killings", date=dt.date(2021, 9, 3),
    place="Mercado Central, Ciudad Lerma, Costa Azul", aliases=("paro de transportistas de 2021",),
    description=("Riot police fired on striking bus drivers blocking the avenue by the Mercado Central in Ciudad "
                 "Lerma in September 2021, killing two drivers; the union said officers shot at people who were "
                 "running away.",
                 "La policía antimotines disparó contra choferes en paro que bloqueaban la avenida del Mercado "
                 "Central en Ciudad Lerma, en septiembre de 2021, y mató a dos conductores; el sindicato dijo "
                 "que los agentes dispararon contra personas que huían."))
FISHERMEN = Case(
    id="bahia-roja-2017", name="Bahía Roja fishermen disappearance", date=dt.date(2017, 5, 20),
    place="Bahía Roja, Costa Azul", aliases=("pescadores de Bahía Roja",),
    description=("Five fishermen from Bahía Roja were last seen when marines took them from their boat at dawn; "
                 "their families have searched the coast for them ever since.",
                 "Cinco pescadores de Bahía Roja fueron vistos por última vez cuando infantes de marina los "
                 "sacaron de su lancha al amanecer; sus familias los buscan desde entonces en la costa."))
WATCHLIST = Watchlist(units=(), cases=(STRIKE_2019, STRIKE_2021, FISHERMEN), statements=())


def _likeness(watchlist: Watchlist) -> np.ndarray:
    models = Models.load()
    return cases.CaseModel(watchlist, BACKGROUND, models.case_base, models.cases).likeness


def test_cases_described_alike_are_alike_and_an_unrelated_case_is_not():
    likeness = _likeness(WATCHLIST)
    assert likeness.shape == (3, 3) and np.allclose(likeness, likeness.T)
    assert np.all(np.diag(likeness) == 0.0)
    assert likeness[0, 1] > 0.3  # the two strikes share their wording, in English and in Spanish
    assert likeness[0, 2] < likeness[0, 1] / 3 and likeness[1, 2] < likeness[0, 1] / 3


@pytest.mark.parametrize("language", [0, 1])
def test_likeness_holds_in_each_language_alone(language: int):
    only = [c.model_copy(update={"description": (c.description[language],)}) for c in WATCHLIST.cases]
    likeness = _likeness(Watchlist(units=(), cases=tuple(only), statements=()))
    assert likeness[0, 1] > 3 * max(likeness[0, 2], likeness[1, 2])


def test_a_case_added_to_the_watchlist_gets_its_likeness_without_a_refit():
    before = _likeness(Watchlist(units=(), cases=(STRIKE_2019, FISHERMEN), statements=()))
    after = _likeness(WATCHLIST)
    assert before.shape == (2, 2) and after.shape == (3, 3)
    assert after[0, 1] > 3 * before[0, 1]  # the new case is alike the 2019 strike, the fishermen were not


def test_the_feature_is_the_likeness_to_the_items_most_probable_case_and_zero_for_that_case():
    likeness = np.array([[0.0, 0.6, 0.1], [0.6, 0.0, 0.2], [0.1, 0.2, 0.0]])
    own = np.zeros((3, len(cases.OWN)))
    column = cases.FEATURES.index("rival_likeness")
    found = cases.feature_matrix(own, np.array([-1.0, 3.0, -4.0]), -8.0, likeness)[:, column]
    assert found.tolist() == [0.6, 0.0, 0.2]
    assert not cases.feature_matrix(own, np.array([-1.0, 3.0, -4.0]), -8.0)[:, column].any()  # no likeness
    assert cases.feature_matrix(own[:1], np.array([3.0]), -8.0, likeness[:1, :1])[0, column] == 0.0  # alone


ABOUT_2021 = (
    Item("t", "en", "", "Court charges officers over the 2021 bus drivers' strike killings in Ciudad Lerma",
         "A judge charged three riot police officers with the killing of two bus drivers who were blocking the "
         "avenue by the Mercado Central during the September 2021 transport strike."),
    Item("t", "es", "", "Imputan a policías por las muertes del paro de transportistas de 2021",
         "Un juez imputó a tres policías antimotines por la muerte de dos choferes que bloqueaban la avenida del "
         "Mercado Central de Ciudad Lerma durante el paro de septiembre de 2021.", language="es"),
)


def test_an_item_about_one_of_two_alike_cases_links_that_one_only(encoder):
    found = Linker(WATCHLIST, encoder).assess_many(list(ABOUT_2021))  # shipped files: these cases are new
    assert [[c.id for c in a.cases] for a in found] == [["lerma-strike-2021"], ["lerma-strike-2021"]]


def test_news_of_the_region_about_something_else_links_no_case(encoder):
    other = Item("t", "n2", "", "Costa Azul vacuna a pescadores contra la influenza",
                 "La secretaría de salud de Costa Azul vacunó el lunes a cientos de pescadores y a sus familias "
                 "en los muelles del estado.", language="es")
    found = Linker(WATCHLIST, encoder).assess_many([other])
    assert [[c.id for c in a.cases] for a in found] == [[]]


# A report of what happened at the case's place, told without the case's name ("riot police shot her husband
# dead at a roadblock by the Mercado Central"): the kind of report region news must not be mistaken for.
TOLD_WITHOUT_ITS_NAME = (
    Item("t", "r1", "", "Widow of a Ciudad Lerma driver still waits for justice",
         "Five years after riot police shot her husband dead at a roadblock by the Mercado Central, a widow in "
         "Ciudad Lerma says no officer has been tried."),
    Item("t", "r2", "", "Viuda de un chofer de Ciudad Lerma sigue esperando justicia",
         "Cinco años después de que policías antimotines mataran a su esposo en un bloqueo junto al Mercado "
         "Central, una viuda de Ciudad Lerma dice que ningún agente ha sido juzgado.", language="es"),
)
REGION_NEWS = (
    Item("t", "n1", "", "Costa Azul bus drivers get a new contract",  # the victims' trade
         "Bus drivers in Costa Azul signed a two-year wage agreement with the transport companies on Monday, the "
         "labour ministry said."),
    Item("t", "n2", "", "Choferes de Costa Azul firman un nuevo contrato",
         "Los choferes de autobús de Costa Azul firmaron el lunes un acuerdo salarial de dos años con las empresas "
         "de transporte, informó la secretaría del trabajo.", language="es"),
    Item("t", "n3", "", "Ciudad Lerma opens a new terminal at the port",  # the city, the port of the 2019 strike
         "The port authority of Ciudad Lerma opened a container terminal on Monday; the mayor said it would bring "
         "jobs to the city."),
    Item("t", "n4", "", "Ciudad Lerma inaugura un nuevo mercado",  # the city, the market of the 2021 strike
         "El alcalde de Ciudad Lerma inauguró el lunes la remodelación del Mercado Central, con 300 puestos nuevos "
         "para comerciantes.", language="es"),
)


def _probabilities(linker: Linker, items: Sequence[Item]) -> list[dict[str, float]]:
    """Each item's probability of each case, as the linker's case combiner gives it."""
    return [{s.case: p for s, p in zip(scores, linker.cases.probabilities(scores), strict=True)}
            for scores in linker.case_signals(items)]


def test_a_report_told_without_the_cases_name_links_the_case(encoder):
    found = Linker(WATCHLIST, encoder).assess_many(list(TOLD_WITHOUT_ITS_NAME))
    assert [[c.id for c in a.cases] for a in found] == [["lerma-strike-2021"], ["lerma-strike-2021"]]


# News of the city or of the victims' trade shares the case's place and some of its words; the shipped
# combiners have put such items anywhere from .38 to .49 against case cuts that moved from .45 to .51 between
# refits, so whether one of them is linked flips with a refit. What holds across refits, and what a vetter
# needs, is the order: news about something else ranks below a report of what happened told in the same
# language without the case's name, for every case (the decision itself is pinned above on items that are
# not near the cut).
@pytest.mark.parametrize("news", range(len(REGION_NEWS)))
def test_news_of_the_region_about_something_else_ranks_below_a_report_of_the_case(encoder, news: int):
    linker = Linker(WATCHLIST, encoder)
    item = REGION_NEWS[news]
    report = next(r for r in TOLD_WITHOUT_ITS_NAME if r.language == item.language)
    region, told = _probabilities(linker, [item, report])
    assert max(region.values()) < told["lerma-strike-2021"]
