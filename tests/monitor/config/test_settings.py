from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from monitor.config.settings import load_settings
from monitor.domain.errors import ConfigError


def test_defaults_without_environment() -> None:
    settings = load_settings({}, dotenv=None)
    assert settings.db.startswith("sqlite:///")
    assert settings.slack_token is None and settings.smtp_host is None
    assert settings.tz == "UTC"


def test_environment_and_dotenv(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("SLACK_BOT_TOKEN=xoxb-file\nSLACK_CHANNEL=C1\nDIGEST_TIME=06:45\n", encoding="utf-8")
    settings = load_settings({"SLACK_CHANNEL": "C2", "DIGEST_TO": "a@x.org, b@x.org", "TZ": "America/Mexico_City"},
                             dotenv=dotenv)
    assert settings.slack_token == "xoxb-file"
    assert settings.slack_channel == "C2"  # the real environment wins over .env
    assert settings.digest_to == ("a@x.org", "b@x.org")
    assert settings.digest_time == dt.time(6, 45)
    assert settings.zone.key == "America/Mexico_City"


@pytest.mark.parametrize(("env", "field"), [
    ({"SMTP_PORT": "twenty"}, "SMTP_PORT"),
    ({"DIGEST_TIME": "25:00"}, "DIGEST_TIME"),
    ({"TZ": "Mars/Olympus"}, "TZ"),
    ({"SMTP_STARTTLS": "maybe"}, "SMTP_STARTTLS"),
    ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_CHANNEL"),
])
def test_bad_settings_name_the_variable(env: dict[str, str], field: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(env, dotenv=None)
    assert info.value.field == field
