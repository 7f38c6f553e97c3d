"""Fixtures shared by every test folder: loopback Slack (Web API, Socket Mode) and SMTP servers, the bundled model."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.servers.slack import slack_server
from tests.servers.smtp import smtp_server
from tests.servers.socket_mode import socket_server

if TYPE_CHECKING:
    from matchers.embeddings import Encoder

__all__ = ["slack_server", "smtp_server", "socket_server"]

# No test may reach a model hub: the bundled model is on disk.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def encoder() -> Iterator[Encoder]:
    """The real bundled all-MiniLM-L6-v2, loaded once for the whole session (every folder uses this one)."""
    from matchers.embeddings import Encoder

    yield Encoder.load(None)
