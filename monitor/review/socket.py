"""The review buttons' clicks reach `monitor run` over Slack Socket Mode (an outbound websocket, no public URL).

slack_sdk's Socket Mode client (`SLACK_APP_TOKEN`, an xapp- token) asks `apps.connections.open` for
a websocket URL, connects, and reconnects by itself when the connection drops. Every envelope is
acknowledged first (Slack wants the ack within 3 s) and then handled by the `ReviewDesk` on the
client's worker threads, beside the scheduler's jobs: the store is safe to share between them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TextIO

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.socket_mode import SocketModeClient
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from monitor.config.settings import Settings
from monitor.review.slack import ReviewDesk
from monitor.store.database import Store
from notifiers.slack import SlackNotifier, make_client

log = logging.getLogger(__name__)

PING_INTERVAL = 5.0  # seconds between the client's pings; a silent connection is replaced after 4 of them


class ReviewSocket:
    """A connected Socket Mode client feeding a `ReviewDesk`; `close()` ends it."""

    def __init__(self, client: SocketModeClient, desk: ReviewDesk) -> None:
        self._client, self._desk = client, desk
        client.socket_mode_request_listeners.append(self._on_request)

    def connect(self) -> None:
        self._client.connect()

    def close(self) -> None:
        self._client.close()

    def _on_request(self, client: BaseSocketModeClient, request: SocketModeRequest) -> None:
        client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))  # ack first
        if request.type != "interactive":
            log.info("Socket Mode %s envelope acknowledged and ignored", request.type)
            return
        try:
            self._desk.handle(request.payload)
        except Exception:  # a bug or a broken database on one click: logged, the connection goes on
            log.exception("review click failed")


def start_reviews(settings: Settings, store: Store, clock: Callable[[], dt.datetime], stream: TextIO, *,
                  ping_interval: float = PING_INTERVAL) -> ReviewSocket | None:
    """Connect for review clicks, or say once (on `stream`) why reviews from Slack are off and return None."""
    off = _why_off(settings)
    if off is None:
        try:
            socket = _connect(settings, store, clock, ping_interval)
        except (SlackApiError, SlackClientError, OSError) as exc:
            off = f"Slack refused the connection ({_reason(exc)})"
        else:
            print("monitor: reviews from Slack are on (Socket Mode).", file=stream, flush=True)
            return socket
    print(f"monitor: reviews from Slack are off: {off}; `monitor review ALERT_ID VERDICT` still records "
          "verdicts.", file=stream, flush=True)
    return None


def _connect(settings: Settings, store: Store, clock: Callable[[], dt.datetime], ping_interval: float) -> ReviewSocket:
    assert settings.slack_channel is not None and settings.slack_app_token is not None
    web = make_client(settings.slack_token or "", settings.slack_api_url)
    team = str(web.auth_test()["team_id"])  # clicks from any other workspace are ignored
    desk = ReviewDesk(store, SlackNotifier(web, settings.slack_channel), channel=settings.slack_channel, team=team,
                      clock=clock)
    client = SocketModeClient(settings.slack_app_token, web_client=web, logger=log, ping_interval=ping_interval)
    socket = ReviewSocket(client, desk)
    try:
        socket.connect()
    except BaseException:
        socket.close()  # the client's threads started with it
        raise
    return socket


def _why_off(settings: Settings) -> str | None:
    if not settings.slack_app_token:
        return "no SLACK_APP_TOKEN"
    if not (settings.slack_token and settings.slack_channel):
        return "SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN or SLACK_CHANNEL is not"
    return None


def _reason(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc)
    return f"{type(exc).__name__}: {exc}"
