import pytest

from matchers.passages import passages, sentences
from monitor.domain.item import Item, Page


def test_sentences_keep_spanish_ordinal_abbreviations_whole():
    text = "El general asumió el mando de la 22/a. Zona Militar en Rayón. Hubo una ceremonia."
    assert sentences(text) == ["El general asumió el mando de la 22/a. Zona Militar en Rayón.",
                               "Hubo una ceremonia."]


def test_sentences_keep_initialisms():
    assert len(sentences("Five had received U.S. military training. None was charged.")) == 2


def test_passages_carry_page_numbers():
    item = Item("f", "g", "", "Title", "Summary one. Summary two.",
                pages=(Page("First page text.", 1), Page("Second page. More.", 2)))
    found = passages(item)
    assert [p.kind for p in found][:1] == ["title"]
    assert [(p.text, p.page) for p in found[1:]] == [
        ("Summary one.", None), ("Summary two.", None), ("First page text.", 1), ("Second page.", 2),
        ("More.", 2)]


@pytest.mark.parametrize("line", [
    "Lee también: Liberan a los últimos militares del caso Tlatlaya.",
    "LEA TAMBIÉN | Marchan padres de los 43 en Chilpancingo.",
    "Te puede interesar: Sedena entrega cuarteles a la Guardia Nacional.",
    "Read also: Soldiers freed in Tlatlaya case.",
    "Related stories — Army deploys to Acapulco after the hurricane.",
])
def test_a_pointer_to_another_story_is_not_a_passage(line):
    item = Item("f", "g", "", "Lluvias en Toluca", f"Llovió toda la noche en Toluca. {line} Hubo inundaciones.")
    assert [p.text for p in passages(item)] == ["Lluvias en Toluca", "Llovió toda la noche en Toluca.",
                                                "Hubo inundaciones."]


@pytest.mark.parametrize("sentence", [
    "Lee también el informe de la CNDH sobre la noche de Iguala.",
    "Related to the case, the army said eight soldiers were charged.",
    "Read also the report of the expert group.",
    "Relacionados con el caso, cuatro militares fueron detenidos.",
])
def test_prose_that_opens_with_a_cue_word_stays(sentence):
    item = Item("f", "g", "", "Title", sentence)
    assert [p.text for p in passages(item)][1:] == [sentence]


def test_a_pointer_that_runs_into_the_next_sentence_is_kept_whole():
    # The linked headline has no final period: the page's next sentence is part of the same "sentence".
    run_on = ("Lee también: Suspenden clases en 30 escuelas de la capital En otro tema, madres y padres de "
              "los 43 normalistas realizaron su acción mensual frente al Palacio de Gobierno.")
    item = Item("f", "g", "", "Title", run_on)
    assert [p.text for p in passages(item)][1:] == [run_on]
