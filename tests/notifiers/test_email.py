"""smtplib against the loopback aiosmtpd server: delivery, transient refusals, bad logins."""

from __future__ import annotations

import dataclasses
import datetime as dt
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.domain.errors import ConfigError, DeliveryError, FatalDeliveryError
from monitor.domain.messages import Digest
from notifiers.digest import RenderedDigest, render_digest
from notifiers.email import SmtpSettings, build_message, send_email
from tests.servers.smtp import FakeSmtpServer, self_signed

RENDERED = RenderedDigest(
    subject="Leahy monitor digest 2024-05-02: 1 item, 1 allegation, 1 alert",
    text="LEAHY MONITOR DIGEST\n\nÁrea: Tlatlaya\n",
    html="<html><body><p>Área: Tlatlaya</p></body></html>",
    date=dt.date(2024, 5, 2),
)
NOW = dt.datetime(2024, 5, 2, 7, 0, tzinfo=dt.UTC)


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def settings(smtp_server: FakeSmtpServer) -> SmtpSettings:
    return SmtpSettings(
        host=smtp_server.host,
        port=smtp_server.port,
        user=None,
        password=None,
        starttls=False,
        sender="monitor@example.org",
        recipients=("vetting@example.org", "desk@example.org"),
        timeout=5,
    )


@pytest.fixture
def auth_server() -> Iterator[FakeSmtpServer]:
    with FakeSmtpServer(users={"monitor": "s3cret"}) as server:
        yield server


def test_build_message_is_text_and_html_alternatives() -> None:
    settings = SmtpSettings("mail.example.org", sender="monitor@example.org", recipients=("a@example.org",))

    message = build_message(RENDERED, settings, "monitor.example.org", now=NOW)

    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Message-ID"].startswith("<digest.2024-05-02.") and message["Message-ID"].endswith(
        "@monitor.example.org>"
    )
    assert message["Date"] == "Thu, 02 May 2024 07:00:00 +0000"


def test_message_id_is_stable_for_the_same_digest_and_changes_with_it() -> None:
    settings = SmtpSettings("mail.example.org", sender="monitor@example.org", recipients=("a@example.org",))

    first = build_message(RENDERED, settings, "monitor.example.org")
    again = build_message(RENDERED, settings, "monitor.example.org")
    other = build_message(dataclasses.replace(RENDERED, text="more"), settings, "monitor.example.org")

    assert first["Message-ID"] == again["Message-ID"] != other["Message-ID"]


def test_a_full_message_id_from_the_caller_is_used_as_is() -> None:
    settings = SmtpSettings("mail.example.org", sender="monitor@example.org", recipients=("a@example.org",))

    message = build_message(RENDERED, settings, "<digest-2024-05-02@example.org>")

    assert message["Message-ID"] == "<digest-2024-05-02@example.org>"


@pytest.mark.parametrize(
    "bad", ["<a@b>\r\nBcc: x@evil.example", "<a@b>\n", "example.org\n", "not a domain", "<no-at-sign>", ""]
)
def test_a_malformed_message_id_is_refused(bad: str) -> None:
    settings = SmtpSettings("mail.example.org", sender="monitor@example.org", recipients=("a@example.org",))

    with pytest.raises(ConfigError):
        build_message(RENDERED, settings, bad)


def test_send_email_delivers_one_message_with_both_parts(
    smtp_server: FakeSmtpServer, settings: SmtpSettings
) -> None:
    rendered = render_digest(Digest(date=dt.date(2024, 5, 2), groups=()))

    send_email(build_message(rendered, settings, "monitor.example.org"), settings)

    [delivery] = smtp_server.deliveries
    assert delivery.mail_from == "monitor@example.org"
    assert delivery.rcpt_tos == ("vetting@example.org", "desk@example.org")
    received = delivery.message
    assert received["Subject"] == rendered.subject
    assert "Nothing linked today." in received.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "<html" in received.get_body(("html",)).get_content()  # type: ignore[union-attr]


@pytest.mark.parametrize("stage", ["data", "rcpt"])
def test_transient_refusal_is_retried_once_delivered_once(
    smtp_server: FakeSmtpServer, settings: SmtpSettings, stage: str
) -> None:
    settings = dataclasses.replace(settings, recipients=("vetting@example.org",))
    smtp_server.fail_next(1, stage=stage)  # type: ignore[arg-type]
    sleeps = Sleeps()

    send_email(build_message(RENDERED, settings, "monitor.example.org"), settings, sleep=sleeps)

    assert len(smtp_server.messages) == 1
    assert sleeps == [2.0]


def test_persistent_refusal_gives_up_with_delivery_error(
    smtp_server: FakeSmtpServer, settings: SmtpSettings
) -> None:
    smtp_server.fail_next(5)
    sleeps = Sleeps()

    with pytest.raises(DeliveryError, match="451") as raised:
        send_email(build_message(RENDERED, settings, "x.example"), settings, attempts=3, sleep=sleeps)

    assert not isinstance(raised.value, FatalDeliveryError)
    assert smtp_server.data_attempts == 3 and smtp_server.messages == []
    assert sleeps == [2.0, 4.0]


def test_login_then_delivery(auth_server: FakeSmtpServer) -> None:
    settings = SmtpSettings(
        auth_server.host,
        auth_server.port,
        "monitor",
        "s3cret",
        False,
        "monitor@example.org",
        ("vetting@example.org",),
    )

    send_email(build_message(RENDERED, settings, "x.example"), settings)

    assert len(auth_server.messages) == 1


def test_bad_login_is_fatal_and_not_retried(auth_server: FakeSmtpServer) -> None:
    settings = SmtpSettings(
        auth_server.host,
        auth_server.port,
        "monitor",
        "wrong",
        False,
        "monitor@example.org",
        ("vetting@example.org",),
    )
    sleeps = Sleeps()

    with pytest.raises(FatalDeliveryError, match="535.*SMTP_PASSWORD"):
        send_email(build_message(RENDERED, settings, "x.example"), settings, sleep=sleeps)

    assert sleeps == [] and auth_server.messages == []


def test_starttls_on_a_server_without_it_is_fatal(
    smtp_server: FakeSmtpServer, settings: SmtpSettings
) -> None:
    settings = dataclasses.replace(settings, starttls=True)

    with pytest.raises(FatalDeliveryError, match="SMTP_STARTTLS"):
        send_email(build_message(RENDERED, settings, "x.example"), settings, sleep=Sleeps())


def test_unreachable_server_is_retried_then_delivery_error() -> None:
    with FakeSmtpServer() as server:
        host, port = server.host, server.port  # free a moment ago, closed now
    settings = SmtpSettings(
        host, port, None, None, False, "monitor@example.org", ("a@example.org",), timeout=5
    )
    sleeps = Sleeps()

    with pytest.raises(DeliveryError, match="could not reach"):
        send_email(build_message(RENDERED, settings, "x.example"), settings, sleep=sleeps)

    assert sleeps == [2.0, 4.0]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"recipients": ()}, "DIGEST_TO"),
        ({"port": 0}, "SMTP_PORT"),
        ({"sender": "nobody"}, "DIGEST_FROM"),
        ({"recipients": ("a@example.org\r\nBcc: x@evil.example",)}, "DIGEST_TO"),
        ({"host": " "}, "SMTP_HOST"),
    ],
)
def test_settings_check_themselves(overrides: dict[str, object], field: str) -> None:
    fields: dict[str, object] = {"host": "mail.example.org", "recipients": ("a@example.org",)}
    fields.update(overrides)

    with pytest.raises(ConfigError, match=field):
        SmtpSettings(**fields)  # type: ignore[arg-type]


def test_password_stays_out_of_repr() -> None:
    settings = SmtpSettings("h.example", 25, "u", "hunter2", False, "a@example.org", ("b@example.org",))

    assert "hunter2" not in repr(settings)


def test_a_deferred_recipient_is_retried_alone(smtp_server: FakeSmtpServer, settings: SmtpSettings) -> None:
    smtp_server.fail_next(1, stage="rcpt")  # the first recipient is greylisted, the second accepted

    send_email(build_message(RENDERED, settings, "x.example"), settings, sleep=Sleeps())

    assert [d.rcpt_tos for d in smtp_server.deliveries] == [("desk@example.org",), ("vetting@example.org",)]


def test_starttls_then_login_then_delivery(tmp_path: Path) -> None:
    server_tls, cert = self_signed(tmp_path)
    with FakeSmtpServer(users={"monitor": "s3cret"}, tls=server_tls) as server:
        settings = SmtpSettings(
            server.host,
            server.port,
            "monitor",
            "s3cret",
            True,
            "monitor@example.org",
            ("vetting@example.org",),
        )

        send_email(
            build_message(RENDERED, settings, "x.example"),
            settings,
            tls=ssl.create_default_context(cafile=cert),
        )

        assert len(server.messages) == 1


def test_an_untrusted_certificate_is_fatal(tmp_path: Path) -> None:
    server_tls, _ = self_signed(tmp_path)
    with FakeSmtpServer(tls=server_tls) as server:
        settings = SmtpSettings(
            server.host, server.port, None, None, True, "monitor@example.org", ("a@example.org",)
        )
        sleeps = Sleeps()

        with pytest.raises(FatalDeliveryError, match="certificate"):
            send_email(build_message(RENDERED, settings, "x.example"), settings, sleep=sleeps)

        assert sleeps == [] and server.messages == []


def test_mail_without_starttls_is_refused_by_a_server_requiring_it(tmp_path: Path) -> None:
    server_tls, _ = self_signed(tmp_path)
    with FakeSmtpServer(tls=server_tls) as server:
        settings = SmtpSettings(
            server.host, server.port, None, None, False, "monitor@example.org", ("a@example.org",)
        )

        with pytest.raises(FatalDeliveryError, match="530.*SMTP_STARTTLS"):
            send_email(build_message(RENDERED, settings, "x.example"), settings, sleep=Sleeps())
