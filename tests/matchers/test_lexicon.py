"""Every example sentence of every lexicon file (matchers/lexicon/<lang>/*.yaml) against its own entry.

Each entry carries its expectations (`match:` / `no_match:`), in feedparser's style: the data is the test.
`allegations.yaml` files add whole-sentence expectations for the allegation decision.
"""

from __future__ import annotations

import pytest

from matchers.allegation import allegation, findings
from matchers.lexicon import HERE, VOCABULARIES, Entry, LexiconError, load, read_data, render
from matchers.passages import Passage

ENTRIES = [e for v in VOCABULARIES.values() for e in v.entries]


def _cases(expect: str) -> list[pytest.param]:
    return [pytest.param(e, s, id=f"{e.source}: {s[:40]}") for e in ENTRIES for s in getattr(e, expect)]


def test_every_file_is_loaded_and_every_entry_has_examples():
    files = {p.relative_to(HERE).as_posix() for p in HERE.glob("*/*.yaml")}
    loaded = {e.source.split(" entry ")[0] for e in ENTRIES}
    assert files - {"en/allegations.yaml", "es/allegations.yaml"} == loaded
    assert all(e.match and e.no_match for e in ENTRIES), [e.source for e in ENTRIES if not (e.match and e.no_match)]


@pytest.mark.parametrize(("entry", "sentence"), _cases("match"))
def test_entry_matches(entry: Entry, sentence: str):
    assert entry.matches(sentence), f"{entry.source} should match {sentence!r}"


@pytest.mark.parametrize(("entry", "sentence"), _cases("no_match"))
def test_entry_does_not_match(entry: Entry, sentence: str):
    hits = [h.words for h in entry.find(render(sentence))]
    assert not hits, f"{entry.source} matched {hits} in {sentence!r}"


SENTENCES = [pytest.param(lang, row, id=f"{lang}: {row['text'][:50]}")
             for lang in ("en", "es") for row in read_data(f"{lang}/allegations.yaml")["sentences"]]


@pytest.mark.parametrize(("lang", "row"), SENTENCES)
def test_allegation_decision(lang: str, row: dict):
    """A sentence alone (no case, no dense signal) with the bundled model: the kinds it alleges, or none."""
    found = allegation(findings([Passage(row["text"])]), about_case=bool(row.get("about_case")))
    got = set(found.types) if found else set()
    assert set(row["kinds"]) <= got if row["kinds"] else not got, f"{row['text']!r}: got {sorted(got)}"


def test_bad_term_names_file_entry_and_term(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "es").mkdir()
    (tmp_path / "en" / "cues.yaml").write_text("entries:\n  - name: denial\n    terms: ['no (a b|c)']\n")
    with pytest.raises(LexiconError, match=r"en/cues.yaml entry 1 \(denial\): not a word: '\(a'"):
        load(tmp_path)


def test_unknown_reference_is_an_error(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "es").mkdir()
    (tmp_path / "en" / "cues.yaml").write_text("entries:\n  - name: victim\n    terms: ['<nothing> killed']\n")
    with pytest.raises(LexiconError, match="<nothing> names no terms"):
        load(tmp_path)
