from matchers.explain import format_assessment
from monitor.domain.item import Item


def test_rendering_shows_decision_links_and_evidence(linker, watchlist):
    found = linker.assess(Item("t", "1", "", "Militares del 102 Batallón enfrentarán juicio civil por Tlatlaya",
                               "Siete elementos del 102 Batallón de Infantería serán juzgados por la "
                               "ejecución de civiles en una bodega de San Pedro Limón."))
    text = format_assessment(found, watchlist)
    assert text.startswith("ALERT: allegation implicates")
    assert "tlatlaya-2014 [Tlatlaya killings]" in text
    assert "sedena-102-bi [102nd Infantry Battalion (supported)]" in text
    assert "- alias" in text and "notes:" in text


def test_rendering_of_no_link(linker, watchlist):
    found = linker.assess(Item("t", "2", "", "Stock markets rise on trade optimism"))
    assert format_assessment(found, watchlist).startswith("no link")
