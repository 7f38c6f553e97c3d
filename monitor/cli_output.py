"""What the CLI prints about polls, feeds and feed checks. Server-provided text goes through `terminal()`."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from monitor.config.feeds import Feed
from monitor.domain.errors import FetchError
from monitor.domain.item import FeedState
from notifiers.escape import terminal

if TYPE_CHECKING:  # the pipeline pulls in the fetcher and matchers; `feeds list` must start fast
    from monitor.pipeline import CycleReport


def print_cycle(report: CycleReport, stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    for outcome in report.feeds:
        if outcome.error:
            status = f"FAILED  {terminal(outcome.error)}"
        elif outcome.not_modified:
            status = "not modified"
        else:
            status = f"{outcome.new_items} new"
            if outcome.problems:
                status += f" ({len(outcome.problems)} documents unreadable: {terminal(outcome.problems[0])})"
        print(f"  {outcome.feed:32s} {status}", file=stream)
    d = report.delivery
    print(f"feeds: {len(report.feeds)} polled, {len(report.failed_feeds)} failed; items: {report.stored} new, "
          f"{report.linked} linked; alerts: {report.alerts} new, {d.sent} sent, {d.recovered} recovered, "
          f"{d.failed} not delivered (kept queued)", file=stream)


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


def print_feed_list(feeds: Sequence[Feed], states: dict[str, FeedState], stream: TextIO | None = None,
                    languages: dict[str, dict[str, int]] | None = None) -> None:
    """One line per feed; `languages` (feed -> {language: items stored}) adds a column like 'es 40, en 2'."""
    stream = stream or sys.stdout
    print(f"{'name':28s} {'kind':9s} {'every':>8s} {'last success':16s} {'next poll':16s} {'errors':>6s}  "
          f"{'languages':16s} last error", file=stream)
    for feed in feeds:
        state = states.get(feed.name) or FeedState(name=feed.name)
        every = f"{int(feed.interval.total_seconds() // 60)}m" if feed.enabled else "off"
        counts = (languages or {}).get(feed.name, {})
        langs = ", ".join(f"{terminal(code)[:5]} {n}" for code, n in counts.items()) or "-"
        print(f"{feed.name:28s} {feed.kind:9s} {every:>8s} {_when(state.last_success):16s} "
              f"{_when(state.next_poll):16s} {state.error_count:>6d}  {langs:16s} {terminal(state.last_error)[:80]}",
              file=stream)


def print_check(feeds: Sequence[Feed], results: Sequence[int | FetchError], stream: TextIO | None = None) -> int:
    """Two lines per feed of `monitor feeds check`: items read (or why not), then where the address was
    confirmed (feeds.yaml's `confirmed:`) and whether it is enabled; return how many failed."""
    stream = stream or sys.stdout
    for feed, outcome in zip(feeds, results, strict=True):
        line = f"FAILED  {terminal(str(outcome))}" if isinstance(outcome, FetchError) else f"ok, {outcome} items"
        print(f"  {feed.name:32s} {line}", file=stream)
        source = f"confirmed: {terminal(feed.confirmed)}" if feed.confirmed else "not confirmed (see feeds.yaml)"
        print(f"  {'':32s} {source}{'' if feed.enabled else '; disabled'}", file=stream)
    return sum(isinstance(r, FetchError) for r in results)
