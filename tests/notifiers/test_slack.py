"""The real slack_sdk WebClient against the loopback Slack server: posts, retries, errors, recovery."""

from __future__ import annotations

import dataclasses
import json
import threading

import pytest

from monitor.domain.errors import ConfigError, DeliveryError, FatalDeliveryError
from monitor.domain.messages import Alert, UnitLine
from notifiers.slack import SlackNotifier, make_client
from tests.servers.slack import DEFAULT_CHANNEL, FakeSlackServer

HOSTILE = "<!channel> <!here> <@U024BE7LH> <http://evil.example|click> <script>alert(1)</script> &amp;"


class Sleeps(list[float]):
    """An injected `sleep` that records what it was asked to wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def notifier(slack_server: FakeSlackServer, sleeps: Sleeps) -> SlackNotifier:
    client = make_client(slack_server.token, slack_server.url, timeout=5, sleep=sleeps)
    return SlackNotifier(client, DEFAULT_CHANNEL)


def test_send_posts_exactly_one_message_with_metadata(
    notifier: SlackNotifier, slack_server: FakeSlackServer, alert: Alert
) -> None:
    ts = notifier.send(alert)

    [message] = slack_server.messages
    assert message["ts"] == ts
    assert message["channel"] == DEFAULT_CHANNEL
    assert message["metadata"] == {"event_type": "monitor_alert", "event_payload": {"alert_id": 41}}
    assert "thread_ts" not in message
    [request] = slack_server.calls("chat.postMessage")
    assert request.headers["Authorization"] == f"Bearer {slack_server.token}"
    assert request.args["unfurl_links"] is False


def test_alert_blocks_carry_what_a_vetter_needs(
    notifier: SlackNotifier, slack_server: FakeSlackServer, alert: Alert
) -> None:
    notifier.send(alert)

    blocks = slack_server.messages[0]["blocks"]
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": alert.headline, "emoji": False},
    }
    text = json.dumps(blocks, ensure_ascii=False)
    for expected in (
        "UN News",
        "2024-05-02",
        "Tlatlaya killings",
        "102nd Infantry Battalion",
        "22nd Military Zone",
        "35th Infantry Battalion",
        "US-supported",
        "p. 12",
        ">Witnesses said soldiers executed",
        "no evidence of unlawful killings",
        "La Jornada, Proceso",
        "extrajudicial killing",
        "<https://news.example.org/tlatlaya?id=7&amp;lang=en|Open the source>",
    ):
        assert expected in text
    assert "Tlatlaya" in slack_server.messages[0]["text"]


def test_two_rate_limits_then_success_posts_once_after_retry_after(
    notifier: SlackNotifier, slack_server: FakeSlackServer, sleeps: Sleeps, alert: Alert
) -> None:
    slack_server.fail_next(2, status=429, retry_after=1)

    notifier.send(alert)

    assert len(slack_server.messages) == 1
    assert len(slack_server.calls("chat.postMessage")) == 3
    assert sleeps == [1.0, 1.0]


def test_rate_limit_longer_than_max_wait_fails_now_and_stays_queued(
    slack_server: FakeSlackServer, sleeps: Sleeps, alert: Alert
) -> None:
    client = make_client(slack_server.token, slack_server.url, max_wait=30, sleep=sleeps)
    slack_server.fail_next(1, status=429, retry_after=600)

    with pytest.raises(DeliveryError) as raised:
        SlackNotifier(client, DEFAULT_CHANNEL).send(alert)

    assert not isinstance(raised.value, FatalDeliveryError)
    assert sleeps == [] and slack_server.messages == []


def test_server_error_then_success_posts_once(
    notifier: SlackNotifier, slack_server: FakeSlackServer, sleeps: Sleeps, alert: Alert
) -> None:
    slack_server.fail_next(1, status=500)

    notifier.send(alert)

    assert len(slack_server.messages) == 1
    assert len(sleeps) == 1


def test_server_errors_past_the_retries_raise_delivery_error(
    notifier: SlackNotifier, slack_server: FakeSlackServer, alert: Alert
) -> None:
    slack_server.fail_next(10, status=503)

    with pytest.raises(DeliveryError) as raised:
        notifier.send(alert)

    assert not isinstance(raised.value, FatalDeliveryError)
    assert len(slack_server.calls("chat.postMessage")) == 4  # first try + 3 retries


@pytest.mark.parametrize(
    ("error", "hint"),
    [
        ("channel_not_found", "SLACK_CHANNEL"),
        ("not_in_channel", "/invite"),
        ("is_archived", "archived"),
        ("invalid_auth", "SLACK_BOT_TOKEN"),
        ("token_revoked", "SLACK_BOT_TOKEN"),
        ("account_inactive", "SLACK_BOT_TOKEN"),
    ],
)
def test_configuration_errors_are_fatal_and_say_how_to_fix(
    notifier: SlackNotifier, slack_server: FakeSlackServer, alert: Alert, error: str, hint: str
) -> None:
    slack_server.error_next(error)

    with pytest.raises(FatalDeliveryError, match=error) as raised:
        notifier.send(alert)

    assert hint in str(raised.value)
    assert len(slack_server.calls("chat.postMessage")) == 1


def test_wrong_token_is_fatal(slack_server: FakeSlackServer, alert: Alert) -> None:
    client = make_client("xoxb-wrong", slack_server.url)

    with pytest.raises(FatalDeliveryError, match="invalid_auth.*SLACK_BOT_TOKEN"):
        SlackNotifier(client, DEFAULT_CHANNEL).send(alert)


def test_other_slack_errors_may_pass(
    notifier: SlackNotifier, slack_server: FakeSlackServer, alert: Alert
) -> None:
    slack_server.error_next("internal_error")

    with pytest.raises(DeliveryError, match="internal_error") as raised:
        notifier.send(alert)

    assert not isinstance(raised.value, FatalDeliveryError)


def test_unreachable_api_raises_delivery_error_after_retries(sleeps: Sleeps, alert: Alert) -> None:
    with FakeSlackServer() as server:
        url = server.url  # a port that was just free and is closed again
    client = make_client(server.token, url, sleep=sleeps)

    with pytest.raises(DeliveryError, match="cannot reach the Slack API"):
        SlackNotifier(client, DEFAULT_CHANNEL).send(alert)

    assert len(sleeps) == 3


def test_thread_ts_is_passed_through(
    notifier: SlackNotifier, slack_server: FakeSlackServer, alert: Alert
) -> None:
    parent = notifier.send(alert)

    reply = notifier.send(dataclasses.replace(alert, id=42, thread_ts=parent))

    assert slack_server.messages[1]["thread_ts"] == parent
    assert notifier.find_posted(42) is None  # replies are not in the channel history...
    assert notifier.find_posted(42, thread_ts=parent) == reply  # ...but are in the thread


def test_find_posted_recovers_a_post_whose_answer_never_came(
    slack_server: FakeSlackServer, notifier: SlackNotifier, alert: Alert
) -> None:
    """The crash scenario: Slack stored the post, the poster never heard back, a restart asks."""
    notifier.send(dataclasses.replace(alert, id=7))
    slack_server.hold()
    errors: list[BaseException] = []
    poster = threading.Thread(target=_send_collecting, args=(notifier, alert, errors))
    poster.start()
    assert slack_server.wait_for_messages(2)

    restarted = SlackNotifier(make_client(slack_server.token, slack_server.url), DEFAULT_CHANNEL)
    found = restarted.find_posted(alert.id)

    slack_server.release()
    poster.join()
    assert found == slack_server.messages[1]["ts"]
    assert restarted.find_posted(999) is None
    assert errors == []


def test_held_post_times_out_as_delivery_error(slack_server: FakeSlackServer, alert: Alert) -> None:
    client = make_client(slack_server.token, slack_server.url, timeout=1)
    slack_server.hold()

    with pytest.raises(DeliveryError, match="timeout"):
        SlackNotifier(client, DEFAULT_CHANNEL).send(alert)

    assert len(slack_server.calls("chat.postMessage")) == 1  # no blind re-post
    assert SlackNotifier(client, DEFAULT_CHANNEL).find_posted(alert.id) == slack_server.messages[0]["ts"]


def test_find_posted_pages_through_history_and_respects_oldest(
    notifier: SlackNotifier, slack_server: FakeSlackServer, alert: Alert
) -> None:
    for alert_id in range(1, 251):
        notifier.send(dataclasses.replace(alert, id=alert_id, passage=""))
    first_ts = float(slack_server.messages[0]["ts"])

    assert notifier.find_posted(1) == slack_server.messages[0]["ts"]
    assert len(slack_server.calls("conversations.history")) == 2
    assert notifier.find_posted(1, oldest=first_ts) is None
    assert notifier.find_posted(2, oldest=first_ts) == slack_server.messages[1]["ts"]


def test_find_posted_maps_errors(notifier: SlackNotifier, slack_server: FakeSlackServer) -> None:
    slack_server.error_next("missing_scope")

    with pytest.raises(FatalDeliveryError, match="channels:history"):
        notifier.find_posted(1)


def test_hostile_feed_text_arrives_neutralised(
    notifier: SlackNotifier, slack_server: FakeSlackServer, alert: Alert
) -> None:
    hostile = dataclasses.replace(
        alert,
        headline=HOSTILE,
        source=HOSTILE,
        passage=HOSTILE + "\n" + HOSTILE,
        cases=(HOSTILE,),
        implicated=(UnitLine("x", HOSTILE, True, (HOSTILE,)),),
        statements=(HOSTILE,),
        also_reported_by=(HOSTILE,),
        allegation_types=(HOSTILE,),
        url="javascript:alert(document.cookie)",
    )

    notifier.send(hostile)

    [request] = slack_server.calls("chat.postMessage")
    raw = request.body.decode()
    for forbidden in ("<!channel>", "<!here>", "<@U024BE7LH>", "<http://evil", "<script>", "|click>"):
        assert forbidden not in raw
    assert "&lt;!channel&gt;" in raw and "&lt;@U024BE7LH&gt;" in raw
    assert "&amp;amp;" in raw  # an entity typed by the feed stays literal text
    stored = json.dumps(slack_server.messages[0])
    assert "<javascript:" not in stored and "|Open the source>" not in stored
    assert "Link withheld" in stored
    assert request.args["parse"] == "none" and request.args["link_names"] is False


def test_bare_mentions_in_feed_text_are_not_parsed(notifier: SlackNotifier, alert: Alert) -> None:
    """A bare "@channel" is not a mention unless Slack is told to parse it: verbatim, parse none."""
    blocks = notifier.blocks(dataclasses.replace(alert, headline="@channel @here #general"))

    texts = [b["text"] for b in blocks if b["type"] == "section"]
    texts += [e for b in blocks if b["type"] == "context" for e in b["elements"]]
    assert texts and all(t["type"] == "mrkdwn" and t["verbatim"] is True for t in texts)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "http://evil.example|click",
        "data:text/html,x",
        "http://ok.example/a b",
        "https://trusted.example@evil.example/",
    ],
)
def test_unsafe_urls_are_never_links(notifier: SlackNotifier, alert: Alert, url: str) -> None:
    blocks = notifier.blocks(dataclasses.replace(alert, url=url))

    text = json.dumps(blocks)
    assert "Open the source" not in text and "Link withheld" in text


def test_huge_fields_fit_slack_limits(
    notifier: SlackNotifier, slack_server: FakeSlackServer, alert: Alert
) -> None:
    huge = dataclasses.replace(
        alert,
        headline="&" * 1000,
        passage="<" * 10_000,
        implicated=tuple(UnitLine(str(i), "&" * 400, True, ("Z" * 300,)) for i in range(60)),
        statements=("x" * 5000,) * 20,
    )

    notifier.send(huge)  # the server refuses blocks past Slack's limits with invalid_blocks

    assert len(slack_server.messages) == 1


def test_make_client_rejects_a_non_http_url() -> None:
    with pytest.raises(ConfigError, match="MONITOR_SLACK_API_URL"):
        make_client("xoxb-1", "file:///etc/passwd")


def test_make_client_adds_the_trailing_slash(slack_server: FakeSlackServer) -> None:
    client = make_client(slack_server.token, slack_server.url.rstrip("/"))

    assert client.base_url == slack_server.url
    assert client.auth_test()["user_id"]


def _send_collecting(notifier: SlackNotifier, alert: Alert, errors: list[BaseException]) -> None:
    try:
        notifier.send(alert)
    except BaseException as error:  # surfaced through `errors`, not lost in the thread
        errors.append(error)
