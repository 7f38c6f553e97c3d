"""`monitor serve`: check the address and token, then run the console under uvicorn."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Callable

import uvicorn

from monitor.config.settings import Settings
from monitor.domain.errors import ConfigError
from monitor.domain.watchlist import Watchlist
from monitor.store.database import Store
from monitor.web.app import create_app
from monitor.web.context import Console

MIN_TOKEN_LENGTH = 16


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def check_exposure(host: str, token: str | None) -> None:
    """Off loopback, the console must ask for a token: refuse to start without a real one."""
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        raise ConfigError(f"must be at least {MIN_TOKEN_LENGTH} characters (try `python -c 'import secrets; "
                          "print(secrets.token_urlsafe(24))'`)", field="MONITOR_WEB_TOKEN")
    if token is None and not is_loopback(host):
        raise ConfigError(f"not set: serving on {host} (not loopback) needs a login token; set it, or use "
                          "--host 127.0.0.1", field="MONITOR_WEB_TOKEN")


def serve_console(store: Store, watchlist: Watchlist, settings: Settings, *, host: str, port: int,
                  clock: Callable[[], dt.datetime]) -> None:
    """Run the console until Ctrl-C; a public `host` without MONITOR_WEB_TOKEN is a ConfigError."""
    check_exposure(host, settings.web_token)
    console = Console(store=store, watchlist=watchlist, token=settings.web_token, clock=clock, zone=settings.zone)
    login = "log in with MONITOR_WEB_TOKEN" if settings.web_token else "no login: loopback only"
    print(f"monitor console on http://{host}:{port}/ ({login}); Ctrl-C stops it", flush=True)
    uvicorn.run(create_app(console), host=host, port=port, log_level="warning")
