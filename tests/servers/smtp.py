"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives and can refuse on cue.

    server = FakeSmtpServer(users={"monitor": "s3cret"})   # AUTH PLAIN/LOGIN, no TLS needed
    server.fail_next(1)                                   # 451 at DATA: a transient refusal
    server.fail_next(1, stage="rcpt")                     # 451 at RCPT (greylisting)
    ... smtplib.SMTP(server.host, server.port) ...
    server.messages[0]["Subject"]

Use it as a context manager or through the `smtp_server` fixture.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Literal

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

Stage = Literal["rcpt", "data"]
TRANSIENT = "451 4.3.0 Try again later"


@dataclass(frozen=True)
class Delivery:
    """One accepted transaction: the envelope as well as the parsed message."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage


class _Handler:
    """aiosmtpd hooks: refuse while a fault is armed, otherwise keep the message."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.deliveries: list[Delivery] = []
        self.faults: dict[Stage, int] = {"rcpt": 0, "data": 0}
        self.attempts = 0

    def _refuse(self, stage: Stage) -> bool:
        with self.lock:
            if self.faults[stage] > 0:
                self.faults[stage] -= 1
                return True
            return False

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if self._refuse("rcpt"):
            return TRANSIENT
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self.lock:
            self.attempts += 1
        if self._refuse("data"):
            return TRANSIENT
        raw = envelope.original_content or b""
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.deliveries.append(Delivery(str(envelope.mail_from), tuple(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class _Controller(Controller):
    """Controller bound to port 0: the OS picks a free port, read back once the server listens."""

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class FakeSmtpServer:
    """SMTP on 127.0.0.1:`port`. With `users`, AUTH is offered and wrong credentials get 535;
    with `tls` (a server context, see `self_signed`), STARTTLS is offered and required."""

    host = "127.0.0.1"

    def __init__(self, *, users: dict[str, str] | None = None, tls: ssl.SSLContext | None = None) -> None:
        self._handler = _Handler()
        self._users = users
        options: dict[str, Any] = {"auth_require_tls": False}
        if tls is not None:  # offer STARTTLS and refuse mail before it
            options.update(tls_context=tls, require_starttls=True)
        if users is not None:
            options["authenticator"] = self._authenticate
        self._controller = _Controller(
            self._handler, hostname=self.host, port=0, server_hostname="localhost", **options
        )
        self._controller.start()
        self.port: int = self._controller.port

    @property
    def deliveries(self) -> list[Delivery]:
        with self._handler.lock:
            return list(self._handler.deliveries)

    @property
    def messages(self) -> list[EmailMessage]:
        return [delivery.message for delivery in self.deliveries]

    @property
    def data_attempts(self) -> int:
        """How many times a client reached DATA, refused or not."""
        with self._handler.lock:
            return self._handler.attempts

    def fail_next(self, n: int = 1, *, stage: Stage = "data") -> None:
        """Answer the next `n` transactions with 451 (try again later) at `stage`."""
        with self._handler.lock:
            self._handler.faults[stage] += n

    def close(self) -> None:
        self._controller.stop()

    def __enter__(self) -> FakeSmtpServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if isinstance(auth_data, LoginPassword) and self._users is not None:
            login, password = auth_data.login.decode(), auth_data.password.decode()
            if self._users.get(login) == password:
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


@pytest.fixture
def smtp_server() -> Iterator[FakeSmtpServer]:
    """A fresh FakeSmtpServer per test, without AUTH."""
    with FakeSmtpServer() as server:
        yield server


def self_signed(directory: Path) -> tuple[ssl.SSLContext, Path]:
    """A server TLS context for 127.0.0.1 and the certificate a client must trust, made with openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context, cert
