"""Settings from the environment (or a `.env` file), read once at the CLI edge into a frozen object.

pydantic-settings reads the variables (the real environment wins over `.env`) and validates them
as the YAML config is validated: a bad value is a `ConfigError` naming the variable, e.g.
`SMTP_PORT: expected a whole number (got 'twenty')`. Secrets (Slack token, SMTP password) live
here and never in YAML.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from monitor.config.yamlfile import clean_message
from monitor.domain.errors import ConfigError
from monitor.store.worker import DEFAULT_BATCH, DEFAULT_LEASE, Worker

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_BLANK_MEANS_OFF = {"SMTP_STARTTLS", "smtp_starttls"}  # `SMTP_STARTTLS=` turns it off; other blanks are unset


class Settings(BaseSettings):
    """Every setting, named by its environment variable. `Settings(db=...)` in code reads no environment;
    `load_settings` is the one place that does."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", validate_by_name=True, validate_by_alias=True,
                                      case_sensitive=True)

    db: str = Field("sqlite:///monitor.db", validation_alias="MONITOR_DB")
    slack_token: str | None = Field(None, validation_alias="SLACK_BOT_TOKEN", repr=False)
    slack_channel: str | None = Field(None, validation_alias="SLACK_CHANNEL")
    # the app-level token (xapp-, scope connections:write) for Socket Mode: the review buttons' clicks
    slack_app_token: str | None = Field(None, validation_alias="SLACK_APP_TOKEN", repr=False)
    slack_api_url: str | None = Field(None, validation_alias="MONITOR_SLACK_API_URL")
    smtp_host: str | None = Field(None, validation_alias="SMTP_HOST")
    smtp_port: int = Field(587, validation_alias="SMTP_PORT")
    smtp_user: str | None = Field(None, validation_alias="SMTP_USER")
    smtp_password: str | None = Field(None, validation_alias="SMTP_PASSWORD", repr=False)
    smtp_starttls: bool = Field(True, validation_alias="SMTP_STARTTLS")
    digest_from: str = Field("monitor@localhost", validation_alias="DIGEST_FROM")
    digest_to: Annotated[tuple[str, ...], NoDecode] = Field((), validation_alias="DIGEST_TO")  # "a@x.org, b@x.org"
    digest_time: dt.time = Field(dt.time(7, 0), validation_alias="DIGEST_TIME")
    digest_dir: Path = Field(Path("digests"), validation_alias="MONITOR_DIGEST_DIR")
    tz: str = Field("UTC", validation_alias="TZ")
    model: str | None = Field(None, validation_alias="MONITOR_MODEL")  # None: the bundled all-MiniLM-L6-v2
    # the watchlist's embedded texts, kept between starts (matchers.embeddings.Encoder.warm)
    cache_dir: Path = Field(Path("cache"), validation_alias="MONITOR_CACHE_DIR")
    reliefweb_appname: str | None = Field(None, validation_alias="RELIEFWEB_APPNAME")
    # `monitor serve` on any address but loopback refuses to start without it; pages then ask for it.
    web_token: str | None = Field(None, validation_alias="MONITOR_WEB_TOKEN", repr=False)
    # Several workers on one database: how long a worker's claim on a feed or an outbox row lasts if it
    # dies holding it (longer than a cycle over one batch), and the most feeds one claim takes.
    lease_seconds: int = Field(int(DEFAULT_LEASE.total_seconds()), validation_alias="MONITOR_LEASE_SECONDS")
    claim_batch: int = Field(DEFAULT_BATCH, validation_alias="MONITOR_CLAIM_BATCH")
    feeds_path: Path = Field(Path("feeds.yaml"), validation_alias="MONITOR_FEEDS")
    watchlist_path: Path = Field(Path("watchlist.yaml"), validation_alias="MONITOR_WATCHLIST")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def worker(self) -> Worker:
        """This process as a worker on the store: its id, its lease length, its claim batch."""
        return Worker.here(lease=dt.timedelta(seconds=self.lease_seconds), batch=self.claim_batch)

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Keyword arguments only, so a Settings built in a test never picks up a real token by accident.
        return (init_settings,)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_unset(cls, data: Any) -> Any:
        # `SMTP_HOST=` in a .env (or `SMTP_HOST= monitor poll`) means no SMTP host, as if it were absent.
        if not isinstance(data, dict):
            return data
        values = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
        return {k: v for k, v in values.items() if v != "" or k in _BLANK_MEANS_OFF}

    @field_validator("slack_app_token", mode="after")
    @classmethod
    def _app_token(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("xapp-"):
            raise ValueError("expected an app-level token starting with 'xapp-' (Basic Information > App-Level "
                             "Tokens, scope connections:write); the bot token goes in SLACK_BOT_TOKEN")
        return value

    @field_validator("smtp_port", "lease_seconds", "claim_batch", mode="before")
    @classmethod
    def _whole_number(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.isdigit():
            raise ValueError(f"expected a whole number (got {value!r})")
        return value

    @field_validator("lease_seconds", "claim_batch", mode="after")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError(f"expected a whole number of at least 1 (got {value})")
        return value

    @field_validator("smtp_starttls", mode="before")
    @classmethod
    def _true_or_false(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if value.lower() in _TRUE | _FALSE:
            return value.lower() in _TRUE
        raise ValueError(f"expected true or false (got {value!r})")

    @field_validator("digest_to", mode="before")
    @classmethod
    def _addresses(cls, value: Any) -> Any:
        return tuple(a.strip() for a in value.split(",") if a.strip()) if isinstance(value, str) else value

    @field_validator("digest_time", mode="before")
    @classmethod
    def _clock_time(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise ValueError(f"expected a time like '07:30' (got {value!r})")
        return dt.time(int(match.group(1)), int(match.group(2)))

    @field_validator("tz", mode="after")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        if name.startswith(":"):  # POSIX allows TZ=":/etc/localtime"-style values that name no zone: UTC
            return "UTC"
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone (got {name!r}); use a name like 'America/Mexico_City'") from None
        return name


class _Environment(EnvSettingsSource):
    """pydantic-settings' environment source, over a given mapping (the process environment by default)."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(Settings)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return dict(self._environ)


def load_settings(environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")) -> Settings:
    """Build Settings from `.env` (if present) overlaid by the real environment (or `environ`)."""
    values: dict[str, Any] = {}
    if dotenv is not None and dotenv.is_file():
        values.update(DotEnvSettingsSource(Settings, env_file=dotenv)())
    values.update(_Environment(os.environ if environ is None else environ)())
    try:
        settings = Settings(**values)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise ConfigError(clean_message(error["msg"]), field=str(error["loc"][0]) if error["loc"] else "") from None
    if settings.slack_token and not settings.slack_channel:
        raise ConfigError("SLACK_BOT_TOKEN is set but SLACK_CHANNEL is not", field="SLACK_CHANNEL")
    return settings
