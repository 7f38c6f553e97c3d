"""The throughput mechanics change no result: TF-IDF rows made for many items at once equal each item's
own, and fixed vectors kept on disk are the ones computed, never reused for another watchlist or model."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from matchers import embeddings
from matchers.embeddings import Encoder, Precision, model_identity
from matchers.linker import Linker
from matchers.passages import passages
from monitor.domain.item import Item, Page
from monitor.domain.watchlist import Watchlist
from monitor.evaluate import SHARED, read_jsonl, to_item

LONG = " ".join(f"Witness {n} said soldiers shot men who surrendered in a warehouse in Tlatlaya." for n in range(30))


def _items() -> list[Item]:
    """The shared dev items, one long report (its passages chosen by relevance), one empty item."""
    rows = [to_item(r) for r in read_jsonl(SHARED / "dev.jsonl")]
    report = Item("t", "report", "", "Annual report", "", pages=(Page(LONG, 3), Page("Floods in the south.", 4)))
    return [*rows, report, Item("t", "empty", "", "", "")]


def test_lexical_rows_made_together_equal_each_item_made_alone(linker: Linker):
    found = [tuple(passages(i)) for i in _items()]
    together = linker.cases.lexical_rows(found)
    for one, rows in zip(found, together, strict=True):
        alone = linker.cases.lexical_rows([one])[0]
        for field in ("lexical", "content", "names"):
            assert np.array_equal(getattr(rows, field), getattr(alone, field))
        assert rows.lexical.shape == (len(one) + 2, linker.cases.lexical.matrix.shape[0])


def test_batched_cheap_signals_equal_the_per_item_ones(linker: Linker):
    items = _items()
    batched = linker._prepare_many(items)
    assert any(len(p.passages) > 24 for p in batched)  # a report whose passages are chosen by relevance
    assert batched == [linker._prepare(i) for i in items]
    long = batched[-2]
    relevance = linker.cases.relevance([p.text for p in long.passages[4:]])
    assert relevance == linker.cases.relevance_of(linker.cases.lexical_rows([long.passages])[0], 4)


class Counting:
    """Counts the texts an encoder sends to its model."""

    def __init__(self, encoder: Encoder) -> None:
        self.texts = 0
        compute = encoder._compute

        def counted(texts: Sequence[str]) -> np.ndarray:
            self.texts += len(texts)
            return compute(texts)

        encoder._compute = counted  # type: ignore[method-assign]


def test_fixed_vectors_are_read_back_from_the_cache_folder(encoder: Encoder, tmp_path: Path):
    texts = ["Soldiers killed 22 people in Tlatlaya.", "La Marina negó las acusaciones.", "Police took them."]
    first = encoder.fresh(tmp_path)
    counted = Counting(first)
    first.warm(texts)
    assert counted.texts == 3 and len(list(tmp_path.glob("fixed-*.npy"))) == 1
    again = encoder.fresh(tmp_path)
    counted = Counting(again)
    again.warm(texts)
    assert counted.texts == 0
    assert np.array_equal(again.encode(texts), first.encode(texts))
    assert np.array_equal(again.encode(texts), encoder.fresh().encode(texts))  # as computed without a folder


def test_changed_texts_model_or_precision_never_read_stale_vectors(encoder: Encoder, tmp_path: Path):
    texts = ["Soldiers killed 22 people in Tlatlaya.", "Police took them."]
    encoder.fresh(tmp_path).warm(texts)
    edited = encoder.fresh(tmp_path)
    counted = Counting(edited)
    edited.warm([texts[0], "Police took the students away."])  # a case's description edited
    assert counted.texts == 2
    other_model = Encoder(encoder._model, encoder.name, encoder.precision, folder=tmp_path, identity="other files")
    counted = Counting(other_model)
    other_model.warm(texts)
    assert counted.texts == 2
    precision: Precision = "fp32" if encoder.precision == "bf16" else "bf16"
    other_precision = Encoder(encoder._model, encoder.name, precision, folder=tmp_path, identity=encoder.identity)
    counted = Counting(other_precision)
    other_precision.warm(texts)
    assert counted.texts == 2 and len(list(tmp_path.glob("fixed-*.npy"))) == 4


def test_a_corrupt_or_unwritable_cache_costs_only_the_embedding(encoder: Encoder, tmp_path: Path):
    texts = ["Soldiers killed 22 people in Tlatlaya."]
    encoder.fresh(tmp_path).warm(texts)
    (stored,) = tmp_path.glob("fixed-*.npy")
    stored.write_bytes(b"not an array")
    again = encoder.fresh(tmp_path)
    counted = Counting(again)
    again.warm(texts)
    assert counted.texts == 1 and np.load(stored).shape == (1, encoder.dimension)
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    unwritable = encoder.fresh(blocked / "cache")  # its parent is a file: nothing can be written
    unwritable.warm(texts)
    assert np.array_equal(unwritable.encode(texts), again.encode(texts))


def test_the_cache_folder_keeps_the_most_recently_used_sets(encoder: Encoder, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(embeddings, "KEPT_ON_DISK", 2)
    for n in range(4):
        encoder.fresh(tmp_path).warm([f"Sentence number {n}."])
    assert len(list(tmp_path.glob("fixed-*.npy"))) == 2
    assert not list(tmp_path.glob("*.tmp"))


def test_the_model_identity_changes_with_its_files(tmp_path: Path):
    (tmp_path / "config.json").write_text("{}")
    before = model_identity(str(tmp_path))
    (tmp_path / "model.safetensors").write_bytes(b"weights")
    assert model_identity(str(tmp_path)) != before


def test_a_linker_warm_up_reads_the_watchlist_vectors_back_until_the_watchlist_changes(
        watchlist: Watchlist, encoder: Encoder, tmp_path: Path):
    first = Linker(watchlist, encoder.fresh(tmp_path))
    first.warm_up()
    model = encoder.fresh(tmp_path)
    counted = Counting(model)
    Linker(watchlist, model).warm_up()
    assert counted.texts == 0
    case = watchlist.cases[0]
    edited = case.model_copy(update={"description": (*case.description, "A new witness came forward.")})
    changed = watchlist.model_copy(update={"cases": (edited, *watchlist.cases[1:])})
    model = encoder.fresh(tmp_path)
    counted = Counting(model)
    linker = Linker(changed, model)
    linker.warm_up()
    assert counted.texts == len(set(linker._fixed_texts())) > 0


def test_a_first_batch_without_warm_up_reads_the_stored_vectors_too(watchlist: Watchlist, encoder: Encoder,
                                                                      tmp_path: Path):
    item = Item("t", "x", "", "Tlatlaya warehouse killings", "Soldiers executed men who surrendered in Tlatlaya.")
    cold = Linker(watchlist, encoder.fresh())
    counted = Counting(cold.encoder)  # type: ignore[arg-type]
    expected = cold.assess(item)
    assert counted.texts > len(cold._prepare(item).embed)  # no folder: the fixed texts went with the item's
    Linker(watchlist, encoder.fresh(tmp_path)).warm_up()
    model = encoder.fresh(tmp_path)
    counted = Counting(model)
    linker = Linker(watchlist, model)
    found = linker.assess(item)
    assert counted.texts == len(linker._prepare(item).embed) > 0
    assert [c.id for c in found.cases] == [c.id for c in expected.cases]
