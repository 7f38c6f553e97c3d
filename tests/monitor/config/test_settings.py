from __future__ import annotations

import datetime as dt
import os
import socket
from pathlib import Path

import pytest

from monitor.config.settings import Settings, load_settings
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


@pytest.mark.parametrize(("env", "message"), [
    ({"SMTP_PORT": "twenty"}, "SMTP_PORT: expected a whole number (got 'twenty')"),
    ({"DIGEST_TIME": "25:00"}, "DIGEST_TIME: expected a time like '07:30' (got '25:00')"),
    ({"TZ": "Mars/Olympus"}, "TZ: unknown time zone (got 'Mars/Olympus'); use a name like 'America/Mexico_City'"),
    ({"SMTP_STARTTLS": "maybe"}, "SMTP_STARTTLS: expected true or false (got 'maybe')"),
    ({"MONITOR_LEASE_SECONDS": "5m"}, "MONITOR_LEASE_SECONDS: expected a whole number (got '5m')"),
    ({"MONITOR_CLAIM_BATCH": "0"}, "MONITOR_CLAIM_BATCH: expected a whole number of at least 1 (got 0)"),
    ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_CHANNEL: SLACK_BOT_TOKEN is set but SLACK_CHANNEL is not"),
    ({"SLACK_APP_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN: expected an app-level token starting with 'xapp-' (Basic "
     "Information > App-Level Tokens, scope connections:write); the bot token goes in SLACK_BOT_TOKEN"),
])
def test_bad_settings_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(env, dotenv=None)
    assert str(info.value) == message
    assert info.value.field == message.split(":")[0]


def test_a_bad_value_in_dotenv_names_the_variable_too(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("SMTP_PORT=smtp\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^SMTP_PORT: expected a whole number \(got 'smtp'\)$"):
        load_settings({}, dotenv=dotenv)


def test_every_variable_is_read_by_its_name() -> None:
    env = {"MONITOR_DB": "sqlite:///x.db", "SLACK_BOT_TOKEN": "xoxb-2", "SLACK_CHANNEL": "C3",
           "MONITOR_SLACK_API_URL": "http://127.0.0.1:9/api/", "SMTP_HOST": "mail.example.org", "SMTP_PORT": "25",
           "SMTP_USER": "u", "SMTP_PASSWORD": "p", "SMTP_STARTTLS": "off", "DIGEST_FROM": "m@example.org",
           "DIGEST_TO": "a@example.org", "DIGEST_TIME": "7:05", "MONITOR_DIGEST_DIR": "out", "TZ": "Europe/Madrid",
           "MONITOR_MODEL": "some/model", "RELIEFWEB_APPNAME": "wg", "MONITOR_FEEDS": "f.yaml",
           "MONITOR_WATCHLIST": "w.yaml", "SLACK_APP_TOKEN": "xapp-1-A1-secret"}
    s = load_settings(env, dotenv=None)
    assert s.slack_app_token == "xapp-1-A1-secret" and "xapp-1-A1-secret" not in repr(s)
    assert (s.db, s.slack_token, s.slack_channel, s.slack_api_url) == ("sqlite:///x.db", "xoxb-2", "C3",
                                                                        "http://127.0.0.1:9/api/")
    assert (s.smtp_host, s.smtp_port, s.smtp_user, s.smtp_password, s.smtp_starttls) == (
        "mail.example.org", 25, "u", "p", False)
    assert (s.digest_from, s.digest_to, s.digest_time, s.digest_dir) == (
        "m@example.org", ("a@example.org",), dt.time(7, 5), Path("out"))
    assert (s.tz, s.model, s.reliefweb_appname, s.feeds_path, s.watchlist_path) == (
        "Europe/Madrid", "some/model", "wg", Path("f.yaml"), Path("w.yaml"))


def test_blank_values_are_unset_except_starttls_which_blank_turns_off(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("SMTP_HOST=\nSMTP_PORT=\nTZ=\nSMTP_STARTTLS=\n", encoding="utf-8")
    settings = load_settings({"MONITOR_DB": "  "}, dotenv=dotenv)
    assert settings.smtp_host is None and settings.smtp_port == 587 and settings.tz == "UTC"
    assert settings.db == "sqlite:///monitor.db"
    assert settings.smtp_starttls is False


def test_settings_built_in_code_read_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-real")
    monkeypatch.setenv("SLACK_CHANNEL", "C9")
    monkeypatch.setenv("MONITOR_DB", "postgresql://prod")
    settings = Settings(db="sqlite:///t.db")
    assert settings.slack_token is None and settings.db == "sqlite:///t.db"
    from_environment = load_settings(dotenv=None)  # the one place that reads the process environment
    assert (from_environment.slack_token, from_environment.db) == ("xoxb-real", "postgresql://prod")


def test_secrets_stay_out_of_the_repr() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-secret", "SLACK_CHANNEL": "C1", "SMTP_PASSWORD": "hunter2"},
                             dotenv=None)
    assert "xoxb-secret" not in repr(settings) and "hunter2" not in repr(settings)


def test_the_worker_settings_make_this_process_a_worker_with_its_id() -> None:
    default = load_settings({}, dotenv=None).worker
    assert (default.lease, default.batch) == (dt.timedelta(minutes=5), 500)
    worker = load_settings({"MONITOR_LEASE_SECONDS": "30", "MONITOR_CLAIM_BATCH": "40"}, dotenv=None).worker
    assert (worker.lease, worker.batch) == (dt.timedelta(seconds=30), 40)
    host, pid, tag = worker.id.split(":")
    assert host == socket.gethostname() and pid == str(os.getpid()) and len(tag) == 6
    assert worker.id == default.id  # one process, one worker
