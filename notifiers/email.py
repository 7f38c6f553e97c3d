"""Send the rendered digest by SMTP: one multipart/alternative message, retried while failures may pass.

Failures map onto the project's error tree:

    535 bad login, 5xx on sender/recipients,
    STARTTLS/AUTH unsupported, untrusted certificate  -> FatalDeliveryError (fix SMTP_* / DIGEST_*)
    4xx, disconnects, refused connections, timeouts  -> retried, then DeliveryError (keep it queued)
    any other 5xx                                     -> DeliveryError at once (retrying cannot help)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime

from monitor.domain.errors import ConfigError, DeliveryError, FatalDeliveryError
from notifiers.digest import RenderedDigest

log = logging.getLogger(__name__)

_DOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")
_FULL_ID = re.compile(r"^<[^<>@\s]+@[^<>@\s]+>$")
_HEADER_BREAK = re.compile(r"[\r\n]")


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send the digest (SMTP_* and DIGEST_* settings); checks itself on creation."""

    host: str
    port: int = 587
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True
    sender: str = "monitor@localhost"
    recipients: tuple[str, ...] = ()
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if not self.host.strip():
            raise ConfigError("expected an SMTP server host name", field="SMTP_HOST")
        if not 0 < self.port < 65536:
            raise ConfigError(f"expected a port between 1 and 65535, got {self.port}", field="SMTP_PORT")
        if not self.recipients:
            raise ConfigError(
                "no recipients: list the digest's addresses, comma-separated", field="DIGEST_TO"
            )
        for name, value in (("DIGEST_FROM", self.sender), *(("DIGEST_TO", r) for r in self.recipients)):
            if "@" not in value or _HEADER_BREAK.search(value):
                raise ConfigError(f"expected an e-mail address, got {value!r}", field=name)


def build_message(
    rendered: RenderedDigest, settings: SmtpSettings, message_id: str, *, now: dt.datetime | None = None
) -> EmailMessage:
    """The digest as a text + HTML e-mail with a Message-ID that stays the same when it is sent again.

    `message_id` is either a full `<left@right>` id that the caller stored with the digest (used as
    is), or a bare domain, from which an id is derived from the digest's day and content. Either way
    a re-send after a crash carries the same Message-ID, so mail clients can tell it is one message.
    """
    message = EmailMessage()
    message["Subject"] = _HEADER_BREAK.sub(" ", rendered.subject)
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients)
    message["Date"] = format_datetime(now or dt.datetime.now(dt.UTC))
    message["Message-ID"] = _message_id(rendered, message_id)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: vacation responders stay quiet
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message


def send_email(
    message: EmailMessage,
    settings: SmtpSettings,
    *,
    attempts: int = 3,
    backoff: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
    tls: ssl.SSLContext | None = None,
) -> None:
    """Deliver `message` to `settings.recipients`, trying up to `attempts` times with doubling waits.

    Recipients the server defers (4xx at RCPT) while accepting others are retried alone, so nobody
    who already has the digest gets it twice within one call. `tls` replaces the system's trusted
    certificates for STARTTLS (a private CA).
    """
    pending = settings.recipients
    for attempt in range(1, attempts + 1):
        cause: Exception | None = None
        try:
            pending = _deliver(message, settings, pending, tls)
            if not pending:
                return
            transient, failure = True, DeliveryError(f"{_where(settings)} deferred {', '.join(pending)}")
        except (smtplib.SMTPException, OSError) as error:
            cause = error
            transient, failure = _classify(error, settings)
        if not transient or attempt == attempts:
            raise failure from cause
        log.warning("SMTP attempt %d of %d failed (%s); retrying", attempt, attempts, failure)
        sleep(backoff * 2 ** (attempt - 1))


def _message_id(rendered: RenderedDigest, given: str) -> str:
    if _FULL_ID.fullmatch(given):
        return given
    if not _DOMAIN.fullmatch(given):
        raise ConfigError(f"expected a Message-ID like <id@example.org> or a domain name, got {given!r}")
    digest = hashlib.sha256("\0".join((rendered.subject, rendered.text, rendered.html)).encode()).hexdigest()
    day = rendered.date.isoformat() if rendered.date else "undated"
    return f"<digest.{day}.{digest[:16]}@{given}>"


def _deliver(
    message: EmailMessage, settings: SmtpSettings, recipients: tuple[str, ...], tls: ssl.SSLContext | None
) -> tuple[str, ...]:
    """Send once; return the recipients deferred (4xx) while others were accepted."""
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
        if settings.starttls:
            smtp.starttls(context=tls or ssl.create_default_context())
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        refused = smtp.send_message(message, from_addr=settings.sender, to_addrs=list(recipients))
    lost = {address: reply for address, reply in refused.items() if reply[0] >= 500}
    if lost:  # the others have it; a permanent refusal is for whoever keeps DIGEST_TO
        log.warning(
            "digest refused for %s: check DIGEST_TO", ", ".join(f"{a} ({c})" for a, (c, _) in lost.items())
        )
    return tuple(address for address in refused if address not in lost)


def _where(settings: SmtpSettings) -> str:
    return f"{settings.host}:{settings.port}"


def _classify(error: Exception, settings: SmtpSettings) -> tuple[bool, DeliveryError]:
    """(may a retry pass?, the error to raise when giving up), with how to fix it where that is known."""
    where = _where(settings)
    if isinstance(error, smtplib.SMTPAuthenticationError) and error.smtp_code >= 500:
        return False, FatalDeliveryError(
            f"SMTP login as {settings.user!r} on {where} refused ({_reply(error)}): "
            "check SMTP_USER and SMTP_PASSWORD"
        )
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code == 530:
        return False, FatalDeliveryError(
            f"{where} wants STARTTLS or a login first ({_reply(error)}): check SMTP_STARTTLS and SMTP_USER"
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return False, FatalDeliveryError(f"{where}: {error}: check SMTP_STARTTLS and SMTP_USER")
    if isinstance(error, ssl.SSLCertVerificationError):
        return False, FatalDeliveryError(
            f"{where}: TLS certificate not trusted ({error.verify_message}): check SMTP_HOST"
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        detail = ", ".join(
            f"{a} ({c} {m.decode(errors='replace')})" for a, (c, m) in error.recipients.items()
        )
        if all(400 <= code < 500 for code in codes):
            return True, DeliveryError(f"{where} deferred every recipient: {detail}")
        return False, FatalDeliveryError(f"{where} refused the recipients: {detail}: check DIGEST_TO")
    if isinstance(error, smtplib.SMTPSenderRefused) and error.smtp_code >= 500:
        return False, FatalDeliveryError(
            f"{where} refused sender {error.sender!r} ({_reply(error)}): check DIGEST_FROM"
        )
    if isinstance(error, smtplib.SMTPResponseException) and not isinstance(error, smtplib.SMTPConnectError):
        transient = 400 <= error.smtp_code < 500
        return transient, DeliveryError(f"{where} answered {_reply(error)}")
    return True, DeliveryError(f"could not reach SMTP server {where}: {type(error).__name__}: {error}")


def _reply(error: smtplib.SMTPResponseException) -> str:
    text = (
        error.smtp_error.decode(errors="replace")
        if isinstance(error.smtp_error, bytes)
        else str(error.smtp_error)
    )
    return f"{error.smtp_code} {text}"
