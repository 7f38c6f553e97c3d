"""The watchlist as plain frozen values: chain of command, the Leahy roll-up, references checked."""

from __future__ import annotations

import pydantic
import pytest

from monitor.domain.watchlist import Watchlist

UNITS = [
    {"id": "zone", "name": "22nd Military Zone", "supported": True},
    {"id": "battalion", "name": "102nd Infantry Battalion", "parent": "zone", "supported": True},
    {"id": "company", "name": "A Company", "parent": "battalion"},
    {"id": "police", "name": "Municipal Police", "supported": True},
]


def test_chain_runs_nearest_first_and_subordinates_run_down() -> None:
    watchlist = Watchlist.model_validate({"units": UNITS})
    assert [u.id for u in watchlist.chain("company")] == ["company", "battalion", "zone"]
    assert {u.id for u in watchlist.subordinates("zone")} == {"battalion", "company"}


def test_an_allegation_puts_every_supported_unit_of_the_family_at_risk_and_no_other() -> None:
    watchlist = Watchlist.model_validate({"units": UNITS})
    assert {u.id for u in watchlist.at_risk("company")} == {"zone", "battalion"}
    assert {u.id for u in watchlist.at_risk("police")} == {"police"}


def test_an_accusation_alerts_only_when_a_supported_unit_is_accused_or_above_the_accused() -> None:
    units = [{"id": "national", "name": "National Police"},
             {"id": "antidrug", "name": "Anti-drug unit", "parent": "national", "supported": True},
             {"id": "squad", "name": "Squad", "parent": "antidrug"}]
    watchlist = Watchlist.model_validate({"units": units})
    assert watchlist.accusation_alerts("squad") and watchlist.accusation_alerts("antidrug")
    assert not watchlist.accusation_alerts("national")
    # the supported unit under the accused top is still at risk, for the vetter to weigh
    assert {u.id for u in watchlist.at_risk("national")} == {"antidrug"}


def test_one_text_or_a_list() -> None:
    watchlist = Watchlist.model_validate({"cases": [{"id": "c", "name": "C", "description": "one text",
                                                     "aliases": ["a", "b"]}]})
    assert watchlist.cases[0].description == ("one text",) and watchlist.cases[0].aliases == ("a", "b")


@pytest.mark.parametrize(("data", "words"), [
    ({"units": [{"id": "u", "name": "U", "parent": "nowhere"}]}, "parent 'nowhere' is not a unit id"),
    ({"cases": [{"id": "c", "name": "C", "units": ["ghost"]}]}, "unit 'ghost' is not a unit id"),
    ({"statements": [{"id": "s", "text": "T", "cases": ["ghost"]}]}, "case 'ghost' is not a case id"),
    ({"units": [{"id": "a", "name": "A", "parent": "b"}, {"id": "b", "name": "B", "parent": "a"}]},
     "loops back"),
])
def test_references_must_resolve_and_chains_must_end(data: dict[str, object], words: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=words):
        Watchlist.model_validate(data)


def test_watchlist_is_frozen() -> None:
    watchlist = Watchlist.model_validate({"units": UNITS})
    with pytest.raises(pydantic.ValidationError):
        watchlist.units[0].name = "renamed"  # type: ignore[misc]
