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
