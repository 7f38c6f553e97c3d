"""Decide whether a linked item alerts, and where its alert goes: one pure function, no I/O.

    item + assessment + story + recent threads  ->  Decision

- The linker says whether the item alleges abuse that implicates a supported unit (`Assessment.alert`).
- A later copy of a syndicated story that already alerted does not alert again: it joins that
  story, and the digest lists it as "also reported by".
- Alerts about the same case (or, with no case, the same accused unit) share a Slack thread: a
  new alert replies under the latest thread root with its key raised within `THREAD_WINDOW`.

The store records the decision it is given; the pipeline reads the story and the threads for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from monitor.alerts import build_alert
from monitor.domain.assessment import Assessment
from monitor.domain.item import Item
from monitor.domain.messages import Alert
from monitor.domain.watchlist import Watchlist

THREAD_WINDOW = dt.timedelta(days=7)  # a case quiet for a week starts a new thread when it comes back


@dataclass(frozen=True)
class Story:
    """The story an item belongs to, as the story index found it."""

    id: int | None = None  # the first copy's item id; None: the item starts a new story
    alerted: bool = False  # an alert was already raised for this story


NEW_STORY = Story()


@dataclass(frozen=True)
class ThreadRoot:
    """The first alert of a Slack thread."""

    key: str  # see `thread_key`
    alert_id: int
    created_at: dt.datetime


@dataclass(frozen=True)
class Decision:
    """What becomes of one item: an alert (and the thread it goes in), or none, and why."""

    why: str  # one line for a vetter reviewing the decision
    alert: Alert | None = None  # the message to queue; its `id` is 0 until the outbox row exists
    thread_key: str = ""
    thread_of: int | None = None  # the alert id of the thread root this alert replies under
    story_id: int | None = None  # the story this item is a later copy of ("also reported by"); None: a new one


def decide(item: Item, assessment: Assessment, watchlist: Watchlist, *, now: dt.datetime,
           story: Story = NEW_STORY, threads: Iterable[ThreadRoot] = ()) -> Decision:
    """The decision on `item`. `threads` are recent thread roots; only an alerting item needs them."""
    if not assessment.alert:
        return Decision("no allegation implicating a supported unit", story_id=story.id)
    if story.alerted:
        return Decision(f"a copy of story {story.id}, which already alerted", story_id=story.id)
    key = thread_key(assessment)
    root = thread_root(key, threads, now)
    why = "alert" if root is None else f"alert, in the thread of alert {root}"
    return Decision(why, alert=build_alert(item, assessment, watchlist), thread_key=key, thread_of=root,
                    story_id=story.id)


def thread_key(assessment: Assessment) -> str:
    """Alerts about the same case (or, with no case, the same accused unit) share a Slack thread."""
    if assessment.cases:
        return "case:" + max(assessment.cases, key=lambda c: c.score).id
    if assessment.implicated:
        return "unit:" + assessment.implicated[0]
    return ""


def thread_root(key: str, threads: Iterable[ThreadRoot], now: dt.datetime) -> int | None:
    """The alert id of the latest root with this key raised within the window, if any."""
    if not key:
        return None
    since = now - THREAD_WINDOW
    roots = [t.alert_id for t in threads if t.key == key and t.created_at >= since]
    return max(roots, default=None)
