from matchers.background import BACKGROUND
from matchers.lexical import LexicalIndex, Tfidf, terms


def test_terms_fold_and_drop_function_words():
    assert terms("Los militares y la Policía Federal") == ["militares", "policia", "federal"]


def test_idf_from_background_makes_common_words_weigh_little():
    tfidf = Tfidf(BACKGROUND)
    assert tfidf.idf("government") < tfidf.idf("hurricane") < tfidf.idf("tlatlaya") == tfidf.unseen


def test_index_ranks_the_case_that_shares_rare_words():
    docs = ["Soldiers killed 22 people in a warehouse in Tlatlaya", "Police attacked students in Iguala"]
    index = LexicalIndex(Tfidf([*BACKGROUND, *docs]), docs)
    scores = index.scores("Survivor of the Tlatlaya warehouse speaks")
    assert scores[0] > 0.3 > scores[1]
    assert "tlatlaya" in index.shared_terms("Survivor of the Tlatlaya warehouse speaks", 0)


def test_ignored_terms_do_not_count_for_a_document():
    docs = ["Attack in Iguala, Guerrero", "Floods"]
    tfidf = Tfidf([*BACKGROUND, *docs])
    plain = LexicalIndex(tfidf, docs).scores("Shooting in Guerrero")[0]
    ignoring = LexicalIndex(tfidf, docs, [{"guerrero"}, set()]).scores("Shooting in Guerrero")[0]
    assert plain > 0 and ignoring == 0


def test_rows_are_the_sublinear_smoothed_tfidf_of_scikit_learn_with_unseen_terms_in_the_norm():
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = ["army army battalion", "navy battalion"]
    tfidf = Tfidf(docs)
    reference = TfidfVectorizer(analyzer=terms, sublinear_tf=True).fit(docs).transform(["army battalion"])
    assert abs(tfidf.transform(["army battalion"]).toarray() - reference.toarray()).max() < 1e-12
    with_unseen = tfidf.transform(["army battalion zzz"]).toarray()
    assert 0 < with_unseen.sum() < reference.toarray().sum()  # the unseen word keeps its share of the norm


def test_scores_do_not_depend_on_the_other_items_of_a_batch():
    docs = ["Soldiers killed 22 people in a warehouse in Tlatlaya", "Police attacked students in Iguala"]
    index = LexicalIndex(Tfidf([*BACKGROUND, *docs]), docs)
    alone = index.scores_many(["Tlatlaya warehouse"])[0]
    batched = index.scores_many(["Iguala students", "Tlatlaya warehouse", "hurricane"])[1]
    assert list(alone) == list(batched) and alone[0] > 0
