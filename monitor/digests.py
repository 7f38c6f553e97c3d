"""The daily digest: gather what was linked on a day, and send it once (or write it to a file)."""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from email.utils import parseaddr
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from monitor.alerts import best_evidence, statement_lines
from monitor.app import App, utc_now
from monitor.config.settings import Settings
from monitor.domain.assessment import Assessment
from monitor.domain.errors import ConfigError
from monitor.domain.item import FeedState
from monitor.domain.messages import Digest, DigestEntry, DigestGroup, FeedHealth
from monitor.domain.review import Review
from monitor.domain.watchlist import Watchlist
from monitor.store.database import Store, StoredItem
from notifiers.digest import RenderedDigest, render_digest
from notifiers.email import SmtpSettings, build_message, send_email


def day_bounds(day: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    return start, start + dt.timedelta(days=1)


def build_digest(store: Store, watchlist: Watchlist, day: dt.date, zone: ZoneInfo,
                 feed_states: Iterable[FeedState] = ()) -> Digest:
    """Everything linked on `day` (local time), grouped by case, then by unit with no case, then by talking point."""
    start, end = day_bounds(day, zone)
    assessments = {i: a for i, a in store.assessments_between(start, end).items() if a.linked}
    # Only the first copy of each linked story is an entry; its later copies become "also reported by".
    firsts = [s for s in store.items_fetched_between(start, end) if s.story_id == s.id and s.id in assessments]
    copies = store.copies_of(s.id for s in firsts)
    alerted = store.alerted_item_ids(s.id for s in firsts)
    verdicts = store.verdicts(s.id for s in firsts)
    dismissed: list[DigestEntry] = []
    by_case: dict[str, list[DigestEntry]] = defaultdict(list)
    by_unit: dict[str, list[DigestEntry]] = defaultdict(list)
    by_statement: dict[str, list[DigestEntry]] = defaultdict(list)
    for s in firsts:
        assessment = assessments[s.id]
        review = verdicts.get(s.id)
        entry = _entry(s, assessment, watchlist, s.id in alerted, copies.get(s.id, []), review)
        if review is not None and review.dismissed:  # out of the main list, into the short section
            dismissed.append(entry)
            continue
        for case in assessment.cases:
            by_case[case.id].append(entry)
        if not assessment.cases:
            for unit in assessment.units:
                by_unit[unit.id].append(entry)
        for statement in assessment.statements:
            by_statement[statement.id].append(entry)
    return Digest(
        date=day,
        groups=(*_groups(by_case, lambda i: "Case: " + watchlist.case_by_id[i].name),
                *_groups(by_unit, lambda i: "Unit: " + watchlist.unit_by_id[i].name)),
        statements=_groups(by_statement, lambda i: "Talking point: " + watchlist.statement_by_id[i].text),
        unhealthy_feeds=tuple(FeedHealth(f.name, f.error_count, f.last_error, f.last_success)
                              for f in feed_states if f.error_count > 0),
        dismissed=tuple(dismissed),
    )


def _entry(s: StoredItem, assessment: Assessment, watchlist: Watchlist, alerted: bool,
           copies: list[StoredItem], review: Review | None = None) -> DigestEntry:
    evidence = best_evidence(assessment)
    return DigestEntry(
        headline=s.item.title or s.item.url, url=s.item.url, source=s.item.source or s.item.feed,
        published=s.item.published, passage=evidence.passage if evidence else "",
        page=evidence.page if evidence else None, allegation=assessment.allegation is not None,
        alerted=alerted, statements=statement_lines(assessment, watchlist),
        also_reported_by=tuple(dict.fromkeys(c.item.source or c.item.feed for c in copies)),
        verdict=review.label if review else "", verdict_by=review.by if review else "",
        verdict_note=review.note if review else "")


def _groups(entries: dict[str, list[DigestEntry]], title: Callable[[str], str]) -> tuple[DigestGroup, ...]:
    return tuple(DigestGroup(title=title(key), entries=tuple(values)) for key, values in entries.items())


def write_digest(rendered: RenderedDigest, path: Path) -> Path:
    """Write the HTML digest (and its text twin beside it) to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(rendered.html, encoding="utf-8")
    path.with_suffix(".txt").write_text(rendered.text, encoding="utf-8")
    return path


def send_digest_once(store: Store, digest: Digest, smtp: SmtpSettings, clock: Callable[[], dt.datetime]) -> bool:
    """Send the day's digest unless it was sent already; False when there was nothing to do.

    The digest row is claimed (pending, with a stable Message-ID, leased to this worker) before the
    SMTP conversation and marked sent after it; a failure leaves it pending for the next try, never
    lost. Of several workers claiming at once, one sends; the others find it taken and send nothing.
    """
    existing = store.digest(digest.date)
    if existing is not None and existing.status == "sent":
        return False
    domain = parseaddr(smtp.sender)[1].rpartition("@")[2] or "monitor.invalid"
    message_id = f"<digest-{digest.date.isoformat()}@{domain}>"
    row = store.claim_digest(digest.date, message_id, clock())
    if row is None:
        return False
    message = build_message(render_digest(digest), smtp, row.message_id)
    try:
        send_email(message, smtp)
    except Exception as exc:
        store.mark_digest(digest.date, sent=False, now=clock(), error=str(exc))
        raise
    store.mark_digest(digest.date, sent=True, now=clock())
    return True


def run_digest(app: App, day: dt.date | None, *, send: bool, out: Path | None,
               clock: Callable[[], dt.datetime] = utc_now, stream: TextIO | None = None) -> None:
    """`monitor digest`: print the day's digest, write it (`out`), or send it once (`send`)."""
    stream = stream or sys.stdout
    settings = app.settings
    day = day or clock().astimezone(settings.zone).date()
    digest = build_digest(app.store, app.watchlist, day, settings.zone, app.store.feed_states().values())
    if send and settings.smtp_host:
        smtp = smtp_settings(settings)
        sent = send_digest_once(app.store, digest, smtp, clock)
        done = "sent to " + ", ".join(smtp.recipients) if sent else "already sent (or being sent by another worker)"
        print(f"digest {day}: {done}", file=stream)
        return
    rendered = render_digest(digest)
    if send or out:
        path = write_digest(rendered, out or settings.digest_dir / f"digest-{day.isoformat()}.html")
        print(f"digest {day}: written to {path}" + ("" if out else " (no SMTP_HOST set)"), file=stream)
        return
    print(rendered.text, file=stream)


def smtp_settings(settings: Settings) -> SmtpSettings:
    if not settings.digest_to:
        raise ConfigError("SMTP_HOST is set but DIGEST_TO is not: who should receive the digest?", field="DIGEST_TO")
    assert settings.smtp_host is not None
    return SmtpSettings(host=settings.smtp_host, port=settings.smtp_port, user=settings.smtp_user,
                        password=settings.smtp_password, starttls=settings.smtp_starttls,
                        sender=settings.digest_from, recipients=settings.digest_to)
