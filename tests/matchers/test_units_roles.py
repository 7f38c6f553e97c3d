"""Who the accused is: forces that arrive and then act, arrest other forces, are named apart from the actors,
are spared, or are named as the authors of acts told in the sentence beside them."""

import pytest

from matchers.allegation import examine, findings, touched_role
from matchers.linker import Linker
from matchers.passages import passages
from monitor.domain.item import Item


def item(title: str, text: str = "") -> Item:
    return Item("t", title, "", title, text)


def implicated(linker: Linker, title: str, text: str) -> dict[str, bool]:
    return {u.id: u.implicated for u in linker.assess(item(title, text)).units}


@pytest.mark.parametrize("after", [
    "arrived at the farm before dawn, dragged two brothers out and beat them",
    "llegaron al rancho de madrugada, sacaron a dos hermanos y los golpearon",
])
def test_a_force_that_arrives_and_then_acts_has_no_role(after):
    assert not touched_role(after)


@pytest.mark.parametrize("after", ["arrived at the farm two hours later.", "llegaron al rancho dos horas después."])
def test_a_force_that_only_arrives_reports(after):
    assert touched_role(after)


@pytest.mark.parametrize("after", [
    "arrested three marines on Tuesday.", "detuvieron a tres marinos el martes.",
])
def test_a_force_that_arrests_members_of_a_force_is_touched(after):
    assert touched_role(after)


@pytest.mark.parametrize("after", ["arrested three farmers on Tuesday.", "detuvieron a tres campesinos el martes."])
def test_a_force_that_arrests_civilians_is_not_touched_for_it(after):
    assert not touched_role(after)


@pytest.mark.parametrize("title, text", [
    ("Arrests", "State police arrested three marines on Tuesday. They had beaten a fisherman to death."),
    ("Detenciones", "Policías estatales detuvieron a tres marinos el martes. Habían torturado a un pescador."),
])
def test_the_sentence_after_an_arrest_of_a_force_carries_the_arrested_force(title, text):
    found = findings(passages(item(title, text)))
    assert [f.actors for f in found if f.carried] == [("military",)]


@pytest.mark.parametrize("text", [
    "The photographs showed rifles placed beside the bodies, and not a single soldier was wounded.",
    "Las fotografías mostraban cadáveres con rifles acomodados y ningún militar herido.",
])
def test_a_denied_loss_makes_the_force_no_victim(text):
    found = examine(passages(item("x", text))[1])
    assert found is not None and not found.victim and "military" not in found.actors


@pytest.mark.parametrize("text", [
    "Students threw firecrackers at the gates of the 27th Infantry Battalion to mark the anniversary of the "
    "disappearance of their classmates, detained that night by municipal police.",
    "Estudiantes lanzaron petardos contra la puerta del 27 Batallón de Infantería en el aniversario de la "
    "desaparición de sus compañeros, detenidos aquella noche por policías municipales.",
])
def test_a_unit_named_apart_from_the_force_that_acts_is_not_implicated(linker, text):
    assert implicated(linker, "Protesta", text).get("sedena-27-bi") is False


@pytest.mark.parametrize("text", [
    "Thirty detainees were tortured, the report says. The abuses were committed mainly by agents of the "
    "Federal Police.",
    "Treinta detenidos fueron torturados, según el informe. Los actos fueron cometidos principalmente por "
    "agentes de la Policía Federal.",
])
def test_a_unit_named_as_the_author_of_the_acts_beside_it_is_implicated(linker, text):
    assert implicated(linker, "Informe", text).get("pf") is True
