from monitor.domain.text import fold, strip_accents, words


def test_fold_ignores_case_and_accents():
    assert fold("Batallón de Infantería ÑANDÚ") == "batallon de infanteria nandu"


def test_fold_handles_compatibility_forms_and_combining_marks():
    assert fold("1º 2ª ﬁn Bogota\u0301 “Ñ”") == "1o 2a fin bogota “n”"


def test_strip_accents_keeps_case():
    assert strip_accents("Policía Federal, Ejército") == "Policia Federal, Ejercito"


def test_words_are_folded_letters_and_digits_with_apostrophes_kept_inside():
    assert words("Ejército ÉJERCITO") == ["ejercito", "ejercito"]
    assert words("O’Brien, 22/a. Zona_Militar") == ["o’brien", "22", "a", "zona", "militar"]
