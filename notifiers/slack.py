"""Post alerts to a Slack channel with the real slack_sdk WebClient, and find them again after a crash.

Each post carries `metadata = {"event_type": "monitor_alert", "event_payload": {"alert_id": N}}`,
so a process that died between posting and marking the outbox row sent can ask the channel's
history whether the post landed instead of posting it twice.

Failures map onto the project's error tree:

    SlackApiError invalid_auth, channel_not_found, ...  -> FatalDeliveryError (fix the settings)
    any other Slack error, 429/5xx after retries,
    connection failure, timeout                          -> DeliveryError (keep it queued)
"""

from __future__ import annotations

import functools
import http.client
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web import SlackResponse

from monitor.domain.errors import ConfigError, DeliveryError, FatalDeliveryError
from monitor.domain.messages import Alert, ArchiveNotice
from monitor.domain.review import Review
from notifiers.blocks import Block, alert_blocks, archive_blocks, archive_text, fallback_text, note_modal

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://slack.com/api/"
EVENT_TYPE = "monitor_alert"
ARCHIVE_EVENT_TYPE = "monitor_archive"  # event_payload {"archive_id": N}
HISTORY_PAGE_SIZE = 200
MAX_HISTORY_PAGES = 50  # 10,000 messages: far more than a channel gets between a crash and a restart

Sleep = Callable[[float], None]

# Slack error codes that no retry can fix, with what the operator should do about them.
_FATAL_HINTS = {
    "invalid_auth": "the token was rejected: check SLACK_BOT_TOKEN",
    "not_authed": "no token was sent: set SLACK_BOT_TOKEN",
    "token_revoked": "the token was revoked: issue a new bot token and set SLACK_BOT_TOKEN",
    "token_expired": "the token expired: issue a new bot token and set SLACK_BOT_TOKEN",
    "account_inactive": "the bot's account is deactivated: reinstall the app and set SLACK_BOT_TOKEN",
    "channel_not_found": "channel {channel!r} not found: check SLACK_CHANNEL (its ID, like C0123ABCD)",
    "not_in_channel": "the bot is not a member of {channel!r}: invite it there with /invite @<bot name>",
    "is_archived": "channel {channel!r} is archived: unarchive it or change SLACK_CHANNEL",
    "missing_scope": "the token lacks a scope: add chat:write and channels:history (needed: {needed})",
}


def make_client(
    token: str,
    base_url: str | None = None,
    *,
    timeout: int = 30,
    max_retries: int = 3,
    max_wait: float = 60.0,
    sleep: Sleep = time.sleep,
) -> WebClient:
    """A WebClient for `base_url` (MONITOR_SLACK_API_URL; Slack's own when None) that retries what may pass.

    Rate limits wait for Retry-After (up to `max_wait`; longer waits fail now and stay queued),
    server errors and failed connections back off. `sleep` is injected so tests do not wait.
    """
    url = base_url or DEFAULT_BASE_URL
    if not url.startswith(("http://", "https://")):
        raise ConfigError(
            f"expected an http(s) URL like {DEFAULT_BASE_URL}, got {url!r}", field="MONITOR_SLACK_API_URL"
        )
    handlers: list[RetryHandler] = [
        RateLimitRetry(max_retries, max_wait=max_wait, sleep=sleep),
        ServerErrorRetry(max_retries, sleep=sleep),
        ConnectionRetry(max_retries, sleep=sleep),
    ]
    return WebClient(
        token=token,
        base_url=url if url.endswith("/") else url + "/",
        timeout=timeout,
        retry_handlers=handlers,
    )


class SlackNotifier:
    """Posts alerts to one channel and finds its own earlier posts by their alert id."""

    def __init__(self, client: WebClient, channel: str) -> None:
        self._client = client
        self._channel = channel

    def blocks(self, alert: Alert) -> list[Block]:
        return alert_blocks(alert)

    def text(self, alert: Alert) -> str:
        return fallback_text(alert)

    def send(self, alert: Alert) -> str:
        """Post `alert` (as a reply when it has a `thread_ts`) and return the new message's `ts`."""
        metadata = {"event_type": EVENT_TYPE, "event_payload": {"alert_id": alert.id}}
        return self._post(f"alert {alert.id}", self.text(alert), self.blocks(alert), metadata, alert.thread_ts)

    def send_archive(self, notice: ArchiveNotice) -> str:
        """Post one "from the archive" message (never threaded) and return its `ts`."""
        metadata = {"event_type": ARCHIVE_EVENT_TYPE, "event_payload": {"archive_id": notice.id}}
        return self._post(f"archive message {notice.id}", archive_text(notice), archive_blocks(notice), metadata)

    def find_archive_posted(self, notice_id: int, oldest: float | None = None) -> str | None:
        for message in self._messages(oldest, None):
            if _payload_id(message, ARCHIVE_EVENT_TYPE, "archive_id") == str(notice_id):
                ts = message.get("ts")
                return ts if isinstance(ts, str) else None
        return None

    def update_alert(self, alert: Alert, ts: str, review: Review) -> None:
        """Show the verdict on the posted alert (chat.update), keeping the buttons to change it."""
        self._call(
            "update the alert",
            lambda: self._client.chat_update(
                channel=self._channel, ts=ts, text=self.text(alert), blocks=alert_blocks(alert, review),
                link_names=False, parse="none",
            ),
        )

    def open_note_modal(self, trigger_id: str, alert_id: int, ts: str) -> None:
        """Open the modal that takes a verdict with a note (views.open, within the click's 3 s trigger)."""
        view = note_modal(alert_id, self._channel, ts)
        self._call("open the note form", lambda: self._client.views_open(trigger_id=trigger_id, view=view))

    def _post(self, what: str, text: str, blocks: list[Block], metadata: dict[str, Any],
              thread_ts: str | None = None) -> str:
        response = self._call(
            f"post the {what.split()[0]}",
            lambda: self._client.chat_postMessage(
                channel=self._channel,
                text=text,
                blocks=blocks,
                thread_ts=thread_ts,
                metadata=metadata,
                unfurl_links=False,
                unfurl_media=False,
                link_names=False,
                parse="none",
            ),
        )
        ts = response.get("ts")
        if not isinstance(ts, str):
            raise DeliveryError(f"Slack accepted {what} but returned no message ts")
        return ts

    def find_posted(
        self, alert_id: int, oldest: float | None = None, *, thread_ts: str | None = None
    ) -> str | None:
        """The `ts` of a message already posted for `alert_id` since `oldest`, or None.

        Replies live outside conversations.history, so an alert posted into a thread is only found
        when its `thread_ts` is given.
        """
        for message in self._messages(oldest, thread_ts):
            if _alert_id_of(message) == str(alert_id):
                ts = message.get("ts")
                return ts if isinstance(ts, str) else None
        return None

    def _messages(self, oldest: float | None, thread_ts: str | None) -> Iterator[dict[str, Any]]:
        since = None if oldest is None else f"{oldest:.6f}"
        yield from self._pages("read the channel history", self._client.conversations_history, oldest=since)
        if thread_ts is not None:
            yield from self._pages(
                "read the thread", self._client.conversations_replies, ts=thread_ts, oldest=since
            )

    def _pages(
        self, what: str, method: Callable[..., SlackResponse], **args: Any
    ) -> Iterator[dict[str, Any]]:
        cursor: str | None = None
        for _ in range(MAX_HISTORY_PAGES):
            request = functools.partial(
                method,
                channel=self._channel,
                include_all_metadata=True,
                limit=HISTORY_PAGE_SIZE,
                cursor=cursor,
                **args,
            )
            page = self._call(what, request)
            yield from page.get("messages") or []
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if cursor is None:
                return

    def _call(self, what: str, request: Callable[[], SlackResponse]) -> SlackResponse:
        try:
            return request()
        except SlackApiError as error:
            raise _api_error(what, self._channel, error) from error
        except (OSError, http.client.HTTPException, SlackClientError) as error:
            raise DeliveryError(f"could not {what} on Slack: {_describe(error)}") from error


def _alert_id_of(message: dict[str, Any]) -> str | None:
    return _payload_id(message, EVENT_TYPE, "alert_id")


def _payload_id(message: dict[str, Any], event_type: str, key: str) -> str | None:
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != event_type:
        return None
    value = (metadata.get("event_payload") or {}).get(key)
    return None if value is None else str(value)


def _api_error(what: str, channel: str, error: SlackApiError) -> DeliveryError:
    data = error.response.data if isinstance(error.response.data, dict) else {}
    code = str(data.get("error") or f"HTTP {error.response.status_code}")
    hint = _FATAL_HINTS.get(code)
    if hint is not None:
        detail = hint.format(channel=channel, needed=data.get("needed") or "see the Slack app's OAuth page")
        return FatalDeliveryError(f"could not {what} on Slack ({code}): {detail}")
    return DeliveryError(f"could not {what} on Slack: {code}")


def _describe(error: BaseException) -> str:
    if isinstance(error, URLError):
        return f"cannot reach the Slack API ({error.reason}); check MONITOR_SLACK_API_URL and the network"
    if isinstance(error, TimeoutError):
        return "no answer before the timeout (the post may have landed; find_posted will tell)"
    return f"{type(error).__name__}: {error}"


class RateLimitRetry(RateLimitErrorRetryHandler):
    """Slack's 429 handler, but waiting through an injected `sleep`, without jitter, and only so long."""

    def __init__(self, max_retry_count: int, *, max_wait: float, sleep: Sleep) -> None:
        super().__init__(max_retry_count)
        self._max_wait = max_wait
        self._sleep = sleep

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return (
            response is not None and response.status_code == 429 and _retry_after(response) <= self._max_wait
        )

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        self._sleep(_retry_after(response) if response is not None else 1.0)
        state.increment_current_attempt()


class ServerErrorRetry(ServerErrorRetryHandler):
    """Retries Slack's 500/503 with exponential backoff through an injected `sleep`."""

    def __init__(self, max_retry_count: int, *, sleep: Sleep) -> None:
        super().__init__(max_retry_count, BackoffRetryIntervalCalculator(backoff_factor=0.5))
        self._sleep = sleep

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        _back_off(self, state, self._sleep)


class ConnectionRetry(ConnectionErrorRetryHandler):
    """Retries a request that never reached Slack; a post that may have landed is not sent again.

    A failure to connect (URLError) is safe to retry. A reset or disconnect after the request went
    out is only retried for reads: for chat.postMessage it could double-post, so it fails and the
    outbox asks `find_posted` first.
    """

    def __init__(self, max_retry_count: int, *, sleep: Sleep) -> None:
        super().__init__(max_retry_count, BackoffRetryIntervalCalculator(backoff_factor=0.5))
        self._sleep = sleep

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is not None or error is None:
            return False
        if isinstance(error, URLError):
            return True
        ambiguous = isinstance(error, ConnectionResetError | http.client.RemoteDisconnected)
        return ambiguous and not request.url.split("?")[0].endswith("chat.postMessage")

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        _back_off(self, state, self._sleep)


def _back_off(handler: RetryHandler, state: RetryState, sleep: Sleep) -> None:
    state.next_attempt_requested = True
    sleep(handler.interval_calculator.calculate_sleep_duration(state.current_attempt))
    state.increment_current_attempt()


def _retry_after(response: HttpResponse) -> float:
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return max(float(values[0]), 0.0)
            except ValueError:
                break
    return 1.0
