"""Syndicated copies are one story; different stories about the same case are not."""

from __future__ import annotations

import pytest

from monitor.stories import StoryIndex

LEDE = ("A United Nations human rights report published on Tuesday found that soldiers of the 102nd "
        "Infantry Battalion executed at least 12 of the 22 people killed in a warehouse in Tlatlaya, "
        "State of Mexico, in June 2014, and that the scene was altered afterwards.")
WIRE = "UN report: soldiers executed 12 in Tlatlaya. " + LEDE
REWORDED = "Mexican army unit killed surrendered civilians, UN says. " + LEDE
SPANISH_WIRE = (
    "Ejército ejecutó a 12 en Tlatlaya: ONU. Un informe de derechos humanos de las Naciones Unidas "
    "publicado el martes concluyó que soldados del 102 Batallón de Infantería ejecutaron al menos "
    "a 12 de las 22 personas muertas en una bodega de Tlatlaya, Estado de México, en junio de 2014.")
SAME_CASE_OTHER_STORY = (
    "Tlatlaya: judge frees soldiers accused of killings. A federal judge on Monday ordered the release of "
    "three soldiers charged over the deaths of 22 people in Tlatlaya, State of Mexico, in 2014, citing "
    "insufficient evidence, a decision human rights groups called a setback for accountability.")
UNRELATED = ("Floods in Tabasco displace thousands. Heavy rains caused rivers to overflow in Tabasco on "
             "Sunday, forcing more than 5,000 families from their homes, civil protection officials said.")


@pytest.fixture
def index() -> StoryIndex:
    stories = StoryIndex()
    stories.add("wire-1", WIRE)
    stories.add("es-1", SPANISH_WIRE)
    return stories


def test_syndicated_copy_with_reworded_title_matches(index: StoryIndex) -> None:
    assert index.match(REWORDED) == "wire-1"
    assert index.match(WIRE.upper()) == "wire-1"


def test_accents_and_case_do_not_split_a_story(index: StoryIndex) -> None:
    stripped = SPANISH_WIRE.replace("é", "e").replace("ó", "o").replace("í", "i").lower()
    assert index.match(stripped) == "es-1"


def test_different_story_on_the_same_case_and_unrelated_story_do_not_match(index: StoryIndex) -> None:
    assert index.match(SAME_CASE_OTHER_STORY) is None
    assert index.match(UNRELATED) is None
    assert index.match("") is None


def test_signatures_rebuild_the_index(index: StoryIndex) -> None:
    stored = {"wire-1": index.signature(WIRE), "other": index.signature(SAME_CASE_OTHER_STORY)}
    rebuilt = StoryIndex()
    for key, signature in stored.items():
        rebuilt.add_signature(key, signature)
    assert len(rebuilt) == 2 and "wire-1" in rebuilt
    assert rebuilt.match(REWORDED) == "wire-1"
    assert rebuilt.match_signature(index.signature(REWORDED)) == "wire-1"
    assert rebuilt.match(UNRELATED) is None


def test_corrupt_signature_is_refused() -> None:
    with pytest.raises(ValueError, match="num_perm"):
        StoryIndex().add_signature("k", b"mh1:" + b"\0" * 10)
    StoryIndex().add_signature("empty", b"")  # a text with no words: nothing to index


def test_readding_a_key_replaces_its_text() -> None:
    stories = StoryIndex()
    stories.add("k", WIRE)
    stories.add("k", UNRELATED)
    assert stories.match(UNRELATED) == "k" and stories.match(REWORDED) is None and len(stories) == 1


def test_a_removed_story_matches_no_more(index: StoryIndex) -> None:
    index.remove("wire-1")
    index.remove("never-added")  # a no-op
    assert "wire-1" not in index and len(index) == 1
    assert index.match(REWORDED) is None
    index.add("wire-1", WIRE)  # the key can be used again
    assert index.match(REWORDED) == "wire-1"
