"""Plain-text rendering of an `Assessment` for `monitor match`: the decision, then each link with the
signals, scores and passages (and report pages) that made it."""

from __future__ import annotations

from monitor.domain.assessment import Assessment, Evidence, Link
from monitor.domain.watchlist import Watchlist

_PASSAGE_WIDTH = 160


def format_assessment(assessment: Assessment, watchlist: Watchlist) -> str:
    lines = [_decision(assessment)]
    if assessment.allegation:
        lines.append(f"allegation: {', '.join(assessment.allegation.types)}")
        lines.extend(_evidence(e) for e in assessment.allegation.evidence[:3])
    for title, links in (("cases", assessment.cases), ("units", assessment.units),
                         ("statements", assessment.statements)):
        if links:
            lines.append(f"{title}:")
            lines.extend(line for link in links for line in _link(link, watchlist))
    if assessment.at_risk:
        lines.append(f"at risk (chain of command): {', '.join(assessment.at_risk)}")
    lines.append("notes:")
    lines.extend(f"  {note}" for note in assessment.notes)
    return "\n".join(lines)


def _decision(assessment: Assessment) -> str:
    if assessment.alert:
        return f"ALERT: allegation implicates {', '.join(assessment.implicated)}"
    if assessment.linked:
        return "linked, no alert"
    return "no link"


def _name(link: Link, watchlist: Watchlist) -> str:
    if link.target == "case" and link.id in watchlist.case_by_id:
        return watchlist.case_by_id[link.id].name
    if link.target == "unit" and link.id in watchlist.unit_by_id:
        unit = watchlist.unit_by_id[link.id]
        return f"{unit.name}{' (supported)' if unit.supported else ''}"
    return ""


def _link(link: Link, watchlist: Watchlist) -> list[str]:
    extras = [f"via {link.via}" if link.via else "", "implicated" if link.implicated else "",
              link.stance]
    head = f"  {link.id} [{_name(link, watchlist)}] score {link.score:.2f} " + " ".join(e for e in extras if e)
    return [head.rstrip(), *(_evidence(e) for e in link.evidence)]


def _evidence(evidence: Evidence) -> str:
    passage = " ".join(evidence.passage.split())
    if len(passage) > _PASSAGE_WIDTH:
        passage = passage[: _PASSAGE_WIDTH - 1] + "…"
    page = f" p.{evidence.page}" if evidence.page is not None else ""
    detail = f" ({evidence.detail})" if evidence.detail else ""
    return f"    - {evidence.signal} {evidence.score:.2f}{page}{detail}: {passage}"
