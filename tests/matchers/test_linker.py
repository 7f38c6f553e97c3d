"""Combination logic with a tiny fake encoder (no model): signals, thresholds, batching, evidence."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matchers import cases
from matchers.combiner import Combiner
from matchers.fitted import Models
from matchers.linker import MAX_EMBEDDED, MAX_EMBEDDED_WEAK, Linker
from monitor.domain.item import Item, Page
from monitor.domain.text import fold
from monitor.domain.watchlist import Watchlist

KEYWORDS = ("warehouse", "bodega", "surrender", "students", "buses", "floods", "market")


class KeywordEncoder:
    """Embeds a text as its (normalized) keyword counts; counts how many texts it was asked for."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        rows = [[fold(t).count(k) for k in KEYWORDS] + [0.1] for t in texts]
        matrix = np.array(rows, dtype=np.float32).reshape(len(texts), len(KEYWORDS) + 1)
        return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def item(title: str, text: str = "", pages: tuple[Page, ...] = ()) -> Item:
    return Item("t", title, "", title, text, pages=pages)


def test_alias_and_content_link_a_case_with_evidence(watchlist: Watchlist):
    linker = Linker(watchlist, KeywordEncoder())
    found = linker.assess(item("Survivor of Tlatlaya warehouse speaks",
                               "She said the men surrendered before soldiers killed them on June 30."))
    assert [c.id for c in found.cases] == ["tlatlaya-2014"]
    signals = {e.signal for e in found.cases[0].evidence}
    assert {"alias", "dense", "lexical"} <= signals
    assert any("case tlatlaya-2014" in note for note in found.notes)


def test_unrelated_items_link_nothing_and_skip_embedding(watchlist: Watchlist):
    encoder = KeywordEncoder()
    linker = Linker(watchlist, encoder)
    found = linker.assess_many([item("Stock markets rise", "Investors welcomed trade talks."),
                                item("Floods in the south", "Rains damaged roads and homes.")])
    assert all(not a.linked and a.allegation is None for a in found)
    # no case was reachable: only the watchlist texts could have been embedded, no item passage
    assert sum(encoder.calls) == 0


def test_batch_embeds_items_together(watchlist: Watchlist):
    encoder = KeywordEncoder()
    linker = Linker(watchlist, encoder)
    items = [item("Tlatlaya warehouse killings", "Soldiers executed men who surrendered in Tlatlaya."),
             item("Ayotzinapa students", "Police attacked the buses of the 43 students in Iguala.")]
    found = linker.assess_many(items)
    assert [[c.id for c in a.cases] for a in found] == [["tlatlaya-2014"], ["ayotzinapa-2014"]]
    assert encoder.calls[0] >= 4  # the passages of both items in one call


def test_case_evidence_keeps_report_page(watchlist: Watchlist):
    linker = Linker(watchlist, KeywordEncoder())
    report = item("Annual report", "", pages=(Page("Budget and staffing.", 1),
                                             Page("In Apatzingán federal police killed 16 unarmed civilians "
                                                  "on January 6.", 7)))
    found = linker.assess(report)
    assert [c.id for c in found.cases] == ["apatzingan-2015"]
    assert any(e.page == 7 for e in found.cases[0].evidence)


def test_without_encoder_the_sparse_signals_still_link(watchlist: Watchlist):
    found = Linker(watchlist).assess(item("Policías federales alteraron escena en Apatzingán",
                                          "Agentes de la Policía Federal sembraron armas tras disparar "
                                          "contra civiles desarmados en Apatzingán."))
    assert [c.id for c in found.cases] == ["apatzingan-2015"]
    assert found.alert


def test_background_items_lower_the_weight_of_their_words(watchlist: Watchlist):
    text = "Warehouse fire in the State of Mexico"
    plain = Linker(watchlist).cases.sparse_scores([], {})
    assert plain  # one score per case even for an empty item
    seen = ["warehouse fire news"] * 50
    before = Linker(watchlist).cases.lexical.scores(text)
    after = Linker(watchlist, background=seen).cases.lexical.scores(text)
    assert max(after) < max(before)


def test_prefilter_embeds_an_on_topic_spanish_item_and_skips_unrelated_news(watchlist: Watchlist):
    encoder = KeywordEncoder()
    linker = Linker(watchlist, encoder)
    spanish = item("Militares con sede en Iguala vigilaron el ataque contra los normalistas",
                   "Documentos muestran que soldados siguieron la agresión contra los normalistas de Ayotzinapa "
                   "la noche del 26 de septiembre.")
    news = item("Earthquake shakes the coast", "A magnitude 6 earthquake damaged buildings and a bridge; police "
                "said two people were killed when a wall collapsed on Tuesday.")
    on_topic, unrelated = (linker._prepare(i) for i in (spanish, news))
    assert on_topic.embed and not unrelated.embed
    found = linker.assess_many([spanish, news])
    assert [c.id for c in found[0].cases] == ["ayotzinapa-2014"] and not found[1].linked


def _budget_models() -> Models:
    """Hand-set combiners (a test of the embedding budget, not of the fitted weights): a case links at
    10·lexical + 10·dense + 10·(a unit of the case named) >= 8; dense can plausibly reach lexical + 0.6."""
    def combiner(features: tuple[str, ...], **meta: object) -> Combiner:
        weights = {"lexical": 10.0, "dense": 10.0, "unit_named": 10.0}
        return Combiner(features, tuple(weights.get(f, 0.0) for f in features), -8.0, 0.5, meta)

    bound = {"weights": {"lexical": 1.0}, "bias": 0.4, "margin": 0.2, "floor": 0.1}
    return Models(combiner(cases.OWN), combiner(cases.FEATURES, dense_bound=bound), Models.load().statements)


def test_items_only_dense_could_link_get_fewer_passages_embedded(watchlist: Watchlist):
    linker = Linker(watchlist, KeywordEncoder(), models=_budget_models())
    body = " ".join(f"Witness {n} said troops shot men who had surrendered in a warehouse." for n in range(40))
    weak = linker._prepare(item("Troops shot men in a warehouse", body))
    assert linker.cases.needs_dense(weak.sparse) and linker.cases.worth_embedding(weak.sparse)
    named = linker._prepare(item("Troops of the 102nd Battalion shot men in a warehouse", body))
    assert 0 < len(weak.embed) <= MAX_EMBEDDED_WEAK < len(named.embed) <= MAX_EMBEDDED


def test_the_prefilter_skips_items_no_plausible_dense_similarity_could_link(watchlist: Watchlist):
    encoder = KeywordEncoder()
    linker = Linker(watchlist, encoder, models=_budget_models())
    far = linker._prepare(item("Floods in the south", "Rains damaged roads and homes."))
    assert not linker.cases.worth_embedding(far.sparse) and not far.embed


def test_the_first_batch_embeds_the_fixed_texts_in_the_same_call(watchlist: Watchlist):
    encoder = KeywordEncoder()
    linker = Linker(watchlist, encoder)
    fixed = len(linker._fixed_texts())
    prototypes = linker.allegations.prototypes
    assert prototypes is not None and fixed > len(prototypes.texts) + len(watchlist.statements)
    tlatlaya = item("Tlatlaya warehouse killings", "Soldiers executed men who surrendered in Tlatlaya.")
    linker.assess_many([tlatlaya])
    embedded = len(linker._prepare(tlatlaya).embed)
    assert encoder.calls[0] == embedded + fixed  # passages, case texts, statements, prototypes: one call


def test_after_warm_up_the_batch_call_holds_only_the_item_passages(watchlist: Watchlist):
    encoder = KeywordEncoder()
    linker = Linker(watchlist, encoder)
    linker.warm_up()
    assert encoder.calls == [len(linker._fixed_texts())]
    tlatlaya = item("Tlatlaya warehouse killings", "Soldiers executed men who surrendered in Tlatlaya.")
    linker.assess_many([tlatlaya])
    assert encoder.calls[1] == len(linker._prepare(tlatlaya).embed)


def test_a_read_also_line_naming_a_case_does_not_link_it(watchlist: Watchlist):
    linker = Linker(watchlist, KeywordEncoder())
    page = ("Rains flooded the market of Toluca overnight and traders lost their stock. "
            "Read also: Soldiers who executed men in the Tlatlaya warehouse are freed. "
            "The city said it would repair the drains before the next floods.")
    assert not linker.assess(item("Floods hit Toluca market", page)).cases
    told = page.replace("Read also: ", "In other news, ")
    assert [c.id for c in linker.assess(item("Floods hit Toluca market", told)).cases] == ["tlatlaya-2014"]
