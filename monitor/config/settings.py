"""Settings from the environment (or a `.env` file), read once at the CLI edge into a frozen object.

Secrets (Slack token, SMTP password) live here and never in YAML.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from monitor.domain.errors import ConfigError

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Settings:
    db: str = "sqlite:///monitor.db"
    slack_token: str | None = None
    slack_channel: str | None = None
    slack_api_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    digest_from: str = "monitor@localhost"
    digest_to: tuple[str, ...] = ()
    digest_time: dt.time = dt.time(7, 0)
    digest_dir: Path = Path("digests")
    tz: str = "UTC"
    model: str | None = None  # None: the bundled all-MiniLM-L6-v2
    reliefweb_appname: str | None = None
    feeds_path: Path = Path("feeds.yaml")
    watchlist_path: Path = Path("watchlist.yaml")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)


def load_settings(environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")) -> Settings:
    """Build Settings from `.env` (if present) overlaid by the real environment."""
    env: dict[str, str] = {}
    if dotenv is not None and dotenv.is_file():
        env.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
    env.update(os.environ if environ is None else environ)
    return _from_env(env)


def _from_env(env: Mapping[str, str]) -> Settings:
    def get(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    settings = Settings(
        db=get("MONITOR_DB") or Settings.db,
        slack_token=get("SLACK_BOT_TOKEN"),
        slack_channel=get("SLACK_CHANNEL"),
        slack_api_url=get("MONITOR_SLACK_API_URL"),
        smtp_host=get("SMTP_HOST"),
        smtp_port=_int(env, "SMTP_PORT", 587),
        smtp_user=get("SMTP_USER"),
        smtp_password=get("SMTP_PASSWORD"),
        smtp_starttls=_bool(env, "SMTP_STARTTLS", True),
        digest_from=get("DIGEST_FROM") or Settings.digest_from,
        digest_to=tuple(a.strip() for a in (get("DIGEST_TO") or "").split(",") if a.strip()),
        digest_time=_time(env, "DIGEST_TIME", Settings.digest_time),
        digest_dir=Path(get("MONITOR_DIGEST_DIR") or Settings.digest_dir),
        tz=_zone_name(get("TZ")),
        model=get("MONITOR_MODEL"),
        reliefweb_appname=get("RELIEFWEB_APPNAME"),
        feeds_path=Path(get("MONITOR_FEEDS") or Settings.feeds_path),
        watchlist_path=Path(get("MONITOR_WATCHLIST") or Settings.watchlist_path),
    )
    _check_zone(settings.tz)
    if settings.slack_token and not settings.slack_channel:
        raise ConfigError("SLACK_BOT_TOKEN is set but SLACK_CHANNEL is not", field="SLACK_CHANNEL")
    return settings


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ConfigError(f"expected a whole number (got {raw!r})", field=name)
    return int(raw)


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if name not in env:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigError(f"expected true or false (got {raw!r})", field=name)


def _time(env: Mapping[str, str], name: str, default: dt.time) -> dt.time:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", raw)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ConfigError(f"expected a time like '07:30' (got {raw!r})", field=name)
    return dt.time(int(match.group(1)), int(match.group(2)))


def _zone_name(raw: str | None) -> str:
    # POSIX allows TZ=":/etc/localtime"-style values that name no zone; treat them as UTC.
    return "UTC" if not raw or raw.startswith(":") else raw


def _check_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown time zone (got {name!r}); use a name like 'America/Mexico_City'",
                          field="TZ") from None
