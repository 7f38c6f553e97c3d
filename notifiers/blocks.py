"""The Slack Block Kit layout of one alert: what a vetter needs to judge it without opening the link,
the review buttons under it (and the verdict once given), and the "from the archive" message.

Every piece of feed text goes through `escape.mrkdwn` and is capped to Slack's field limits,
because Slack rejects a whole message (`invalid_blocks`) when one field is too long.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from monitor.domain.messages import Alert, ArchiveNotice, UnitLine
from monitor.domain.review import VERDICT_LABELS, VERDICTS, Review
from notifiers.escape import ELLIPSIS, mrkdwn, one_line, plain, safe_url

Block = dict[str, Any]

HEADER_LIMIT = 150  # Slack's limit for a header's plain_text
SECTION_LIMIT = 3000  # Slack's limit for a section's text
CONTEXT_LIMIT = 1000
PASSAGE_LIMIT = 2500
MAX_UNITS = 12  # beyond this a zone roll-up becomes a wall of names; the count says the rest
FALLBACK_LIMIT = 1000
MAX_ARCHIVE_ENTRIES = 20  # one section each; Slack allows 50 blocks a message

REVIEW_BLOCK = "monitor_review"  # block_id of the buttons; action ids are "review:<verdict>" and NOTE_ACTION
REVIEW_ACTION = "review:"
NOTE_ACTION = "review-note"
NOTE_CALLBACK = "monitor_review_note"  # callback_id of the note modal


def alert_blocks(alert: Alert, review: Review | None = None) -> list[Block]:
    """The blocks of one alert, in reading order: what, who, the evidence, why it matters, where;
    then the verdict, if one was given, and the review buttons."""
    blocks = _alert_body(alert)
    if review is not None:
        blocks.append(_context(verdict_line(review)))
    blocks.append(review_actions(alert.id))
    return blocks


def review_actions(alert_id: int) -> Block:
    """The four verdict buttons and a button for a verdict with a note; each carries the alert id."""
    buttons: list[Block] = [_button(f"{REVIEW_ACTION}{v}", VERDICT_LABELS[v], str(alert_id)) for v in VERDICTS]
    buttons.append(_button(NOTE_ACTION, "Add a note…", str(alert_id)))
    return {"type": "actions", "block_id": REVIEW_BLOCK, "elements": buttons}


def verdict_line(review: Review) -> str:
    """"Reviewed: *Credible* by @ana · 2026-12-01 10:04 UTC · note" (the note is a person's text: escaped)."""
    who = f"<@{review.by}>" if re.fullmatch(r"[UW][A-Z0-9]{2,20}", review.by) else mrkdwn(one_line(review.by, 100))
    line = f"Reviewed: *{review.label}* by {who} · {_date(review.at)}"
    if review.note.strip():
        line += " · " + mrkdwn(one_line(review.note, 500))
    return line


def note_modal(alert_id: int, channel: str, ts: str) -> Block:
    """The modal that takes a verdict with a note; `private_metadata` says which message to update."""
    options = [{"text": {"type": "plain_text", "text": VERDICT_LABELS[v]}, "value": v} for v in VERDICTS]
    return {
        "type": "modal", "callback_id": NOTE_CALLBACK,
        "private_metadata": json.dumps({"alert_id": alert_id, "channel": channel, "ts": ts}),
        "title": {"type": "plain_text", "text": "Review the alert"},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": [
            {"type": "input", "block_id": "verdict", "label": {"type": "plain_text", "text": "Verdict"},
             "element": {"type": "radio_buttons", "action_id": "verdict", "options": options}},
            {"type": "input", "block_id": "note", "optional": True, "label": {"type": "plain_text", "text": "Note"},
             "element": {"type": "plain_text_input", "action_id": "note", "multiline": True, "max_length": 2000}},
        ],
    }


def archive_blocks(notice: ArchiveNotice) -> list[Block]:
    """One unit, the stored items that now implicate it, each with its evidence and link."""
    title = mrkdwn(one_line(f"From the archive: {notice.unit.name}"), HEADER_LIMIT)
    count = len(notice.entries)
    intro = (f"{count} stored item{'' if count == 1 else 's'} now implicate{'s' if count == 1 else ''} this unit "
             "after a watchlist change.")
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": title, "emoji": False}},
              _section(_fit(["*Unit:*", _unit_line(notice.unit), *_at_risk_lines(notice.at_risk), intro]))]
    for entry in notice.entries[:MAX_ARCHIVE_ENTRIES]:
        lines = [f"*{mrkdwn(one_line(entry.headline or entry.url, 300))}*",
                 f"{mrkdwn(one_line(entry.source, 200))} · {_date(entry.published)} · {_link(entry.url)}"]
        if entry.passage.strip():
            lines.append(_quote(entry.passage, entry.page))
        blocks.append(_section(_fit(lines)))
    if count > MAX_ARCHIVE_ENTRIES:
        blocks.append(_context(f"…and {count - MAX_ARCHIVE_ENTRIES} more (see the digest)"))
    return blocks


def archive_text(notice: ArchiveNotice) -> str:
    count = len(notice.entries)
    return mrkdwn(f"From the archive: {count} stored item{'' if count == 1 else 's'} now implicate "
                  f"{one_line(notice.unit.name, 300)}", FALLBACK_LIMIT)


def _button(action_id: str, text: str, value: str) -> Block:
    return {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": text}, "value": value}


def _alert_body(alert: Alert) -> list[Block]:
    blocks = [_header(alert), _context(_byline(alert)), _section(_who(alert))]
    if alert.passage.strip():
        blocks.append(_section(_quote(alert.passage, alert.page)))
    if alert.statements:
        blocks.append(_section(_bullets("*Talking points:*", alert.statements)))
    blocks.append(_section(_link(alert.url)))
    if alert.also_reported_by:
        names = ", ".join(one_line(name, 100) for name in alert.also_reported_by)
        blocks.append(_context("Also reported by: " + mrkdwn(names, CONTEXT_LIMIT - 20)))
    return blocks


def fallback_text(alert: Alert) -> str:
    """The plain `text` of the message: what notifications and screen readers show."""
    units = ", ".join(unit.name for unit in alert.implicated) or "a supported unit"
    summary = f"Allegation implicating {one_line(units, 300)}: {one_line(alert.headline, 300)}"
    return mrkdwn(f"{summary} ({one_line(alert.source, 100)})", FALLBACK_LIMIT)


def _header(alert: Alert) -> Block:
    headline = mrkdwn(one_line(alert.headline) or "(untitled item)", HEADER_LIMIT)
    return {"type": "header", "text": {"type": "plain_text", "text": headline, "emoji": False}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [_mrkdwn(text)]}


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text)}


def _mrkdwn(text: str) -> Block:
    # verbatim: Slack would otherwise turn a bare "@channel" or "#general" in feed text into a mention
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _byline(alert: Alert) -> str:
    parts = [f"*{mrkdwn(one_line(alert.source, 200))}*", _date(alert.published)]
    if alert.language:
        parts.append(mrkdwn(one_line(alert.language, 10)))
    if alert.allegation_types:
        parts.append("Allegation: " + mrkdwn(one_line(", ".join(alert.allegation_types), 300)))
    return " · ".join(parts)


def _date(published: dt.datetime | None) -> str:
    if published is None:
        return "date unknown"
    return published.strftime("%Y-%m-%d %H:%M %Z").strip()


def _who(alert: Alert) -> str:
    lines: list[str] = []
    if alert.cases:
        label = "*Case:*" if len(alert.cases) == 1 else "*Cases:*"
        lines.append(f"{label} " + mrkdwn("; ".join(one_line(c, 200) for c in alert.cases), 1000))
    lines.append("*Implicated:*")
    lines.extend(_unit_lines(alert.implicated) or ["• (no unit named)"])
    lines.extend(_at_risk_lines(alert.at_risk))
    return _fit(lines)


def _at_risk_lines(at_risk: tuple[UnitLine, ...]) -> list[str]:
    if not at_risk:
        return []
    return ["*Supported units at risk through the chain of command:*", *_unit_lines(at_risk)]


def _unit_lines(units: tuple[UnitLine, ...]) -> list[str]:
    lines = [_unit_line(unit) for unit in units[:MAX_UNITS]]
    if len(units) > MAX_UNITS:
        lines.append(f"• …and {len(units) - MAX_UNITS} more")
    return lines


def _unit_line(unit: UnitLine) -> str:
    line = "• " + mrkdwn(one_line(unit.name, 150))
    if unit.supported:
        line += " _(US-supported)_"
    if unit.chain:
        line += " — under " + mrkdwn(" → ".join(one_line(name, 100) for name in unit.chain), 400)
    return line


def _quote(passage: str, page: int | None) -> str:
    text = mrkdwn(plain(passage).strip(), PASSAGE_LIMIT)
    quoted = _fit([">" + line for line in text.splitlines() if line.strip()], SECTION_LIMIT - 30)
    return quoted + (f"\n_p. {page}_" if page is not None else "")


def _bullets(title: str, items: tuple[str, ...]) -> str:
    return _fit([title, *("• " + mrkdwn(one_line(item, 500)) for item in items)])


def _link(url: str) -> str:
    href = safe_url(url)
    if href is not None:
        return f"<{mrkdwn(href)}|Open the source>"
    shown = mrkdwn(one_line(url, 300)).replace("`", "'") or "(none)"
    return f"Link withheld (not a plain http(s) URL): `{shown}`"


def _fit(lines: list[str], limit: int = SECTION_LIMIT) -> str:
    """Join whole lines up to `limit` characters, so a long list is cut between lines, not mid-entity."""
    kept: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > limit - len(ELLIPSIS) - 1:
            kept.append(ELLIPSIS)
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)
