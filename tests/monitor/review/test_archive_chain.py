"""Relink reports an accusation that alerts through the chain of command, as a live alert would.

A battalion with no US support of its own, under a supported brigade: accusing it alerts, so a stored
item that newly accuses it goes into the archive message, which names the brigade put at risk.
"""

from __future__ import annotations

from monitor.domain.assessment import Assessment
from monitor.domain.messages import ArchiveEntry
from monitor.domain.watchlist import Unit, Watchlist
from monitor.review.archive import notice_from_payload, notice_payload
from monitor.review.relink import newly_implicated
from notifiers.blocks import archive_blocks
from notifiers.console import archive_lines

ARMY = Unit(id="army", name="National Army")
BRIGADE = Unit(id="bde", name="5th Brigade", parent="army", supported=True)
BATTALION = Unit(id="bn", name="Battalion 12", parent="bde")
POLICE = Unit(id="police", name="State Police")  # no supported unit anywhere in its chain
WATCHLIST = Watchlist(units=(ARMY, BRIGADE, BATTALION, POLICE))
ENTRY = ArchiveEntry(item_id=7, headline="Soldiers of Battalion 12 accused", url="https://example.org/a",
                     source="example", published=None, passage="They were taken away by soldiers.", page=None)


def test_an_unsupported_battalion_under_a_supported_brigade_is_reported() -> None:
    after = Assessment(implicated=("bn",), at_risk=("bde",), alert=True)
    assert newly_implicated(Assessment(), after, WATCHLIST) == ["bn"]


def test_a_unit_with_no_supported_superior_is_not_reported() -> None:
    after = Assessment(implicated=("bn", "police"), at_risk=("bde",), alert=True)
    assert newly_implicated(Assessment(), after, WATCHLIST) == ["bn"]


def test_a_unit_accused_before_without_an_alert_is_reported_once_its_brigade_is_supported() -> None:
    before = Assessment(implicated=("bn",), alert=False)  # linked when the brigade had no support
    after = Assessment(implicated=("bn",), at_risk=("bde",), alert=True)
    assert newly_implicated(before, after, WATCHLIST) == ["bn"]
    assert newly_implicated(after, after, WATCHLIST) == []  # alerted already: nothing new


def test_the_archive_message_names_the_supported_unit_at_risk() -> None:
    notice = notice_from_payload(1, notice_payload(WATCHLIST, "bn", [ENTRY], ["killing"]))
    assert notice.unit.name == "Battalion 12" and not notice.unit.supported
    assert [u.name for u in notice.at_risk] == ["5th Brigade"]
    console = "\n".join(archive_lines(notice))
    assert "Supported units at risk through the chain of command:" in console
    assert "5th Brigade [US-supported]" in console
    slack = str(archive_blocks(notice))
    assert "5th Brigade _(US-supported)_" in slack


def test_a_message_queued_before_at_risk_was_kept_still_loads() -> None:
    payload = notice_payload(WATCHLIST, "bde", [ENTRY])
    del payload["at_risk"]
    notice = notice_from_payload(2, payload)
    assert notice.at_risk == () and notice.unit.supported
    assert "at risk" not in "\n".join(archive_lines(notice))
