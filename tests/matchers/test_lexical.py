from matchers.background import BACKGROUND
from matchers.lexical import Idf, LexicalIndex, terms


def test_terms_fold_and_drop_function_words():
    assert terms("Los militares y la Policía Federal") == ["militares", "policia", "federal"]


def test_idf_from_background_makes_common_words_weigh_little():
    idf = Idf.fit(BACKGROUND)
    assert idf.weights["government"] < idf.weights["hurricane"] < idf.unseen


def test_index_ranks_the_case_that_shares_rare_words():
    docs = ["Soldiers killed 22 people in a warehouse in Tlatlaya", "Police attacked students in Iguala"]
    index = LexicalIndex(Idf.fit([*BACKGROUND, *docs]), docs)
    scores = index.scores("Survivor of the Tlatlaya warehouse speaks")
    assert scores[0] > 0.3 > scores[1]
    assert "tlatlaya" in index.shared_terms("Survivor of the Tlatlaya warehouse speaks", 0)


def test_ignored_terms_do_not_count_for_a_document():
    docs = ["Attack in Iguala, Guerrero", "Floods"]
    idf = Idf.fit([*BACKGROUND, *docs])
    plain = LexicalIndex(idf, docs).scores("Shooting in Guerrero")[0]
    ignoring = LexicalIndex(idf, docs, [{"guerrero"}, set()]).scores("Shooting in Guerrero")[0]
    assert plain > 0 and ignoring == 0
