"""`monitor serve`: check the address and token, then run the console under uvicorn."""

from __future__ import annotations

import ipaddress

import uvicorn

from monitor.app import App, utc_now
from monitor.domain.errors import ConfigError
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


def console_for(app: App) -> Console:
    return Console(store=app.store, watchlist=app.watchlist, token=app.settings.web_token, clock=utc_now,
                   zone=app.settings.zone)


def serve_console(app: App, *, host: str, port: int) -> None:
    check_exposure(host, app.settings.web_token)
    login = "log in with MONITOR_WEB_TOKEN" if app.settings.web_token else "no login (loopback)"
    print(f"monitor console on http://{host}:{port}/ ({login}); Ctrl-C stops it", flush=True)
    uvicorn.run(create_app(console_for(app)), host=host, port=port, log_level="warning")
