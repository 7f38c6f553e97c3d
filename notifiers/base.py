"""The shape every alert notifier has, so the pipeline can drive Slack and the console alike."""

from __future__ import annotations

from typing import Protocol

from monitor.domain.messages import Alert, ArchiveNotice


class Notifier(Protocol):
    """Delivers one alert and can tell, after a crash, whether an earlier delivery went through."""

    def send(self, alert: Alert) -> str:
        """Deliver `alert`; return an id of the delivered message (Slack's `ts`).

        Raises `DeliveryError` when it may pass on retry, `FatalDeliveryError` when it will not.
        """
        ...

    def find_posted(
        self, alert_id: int, oldest: float | None = None, *, thread_ts: str | None = None
    ) -> str | None:
        """The id of an already delivered message for `alert_id`, or None if none can be found."""
        ...

    def send_archive(self, notice: ArchiveNotice) -> str:
        """Deliver one "from the archive" message; same errors and return value as `send`."""
        ...

    def find_archive_posted(self, notice_id: int, oldest: float | None = None) -> str | None:
        """The id of an already delivered archive message `notice_id`, or None."""
        ...
