"""The token login: off loopback the console will not start without a token; with one, every page asks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from http.cookies import SimpleCookie

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from monitor.cli import main
from monitor.domain.errors import ConfigError
from monitor.store.database import Store
from monitor.web.app import create_app
from monitor.web.auth import CSRF_COOKIE, SESSION_COOKIE
from monitor.web.serve import check_exposure
from tests.monitor.dossier import sample
from tests.monitor.web.conftest import TOKEN, console


@pytest.fixture
def guarded(store: Store, ids: dict[str, int]) -> Iterator[TestClient]:
    with TestClient(create_app(console(store, TOKEN)), follow_redirects=False) as c:
        yield c


def login_form(client: TestClient, next_path: str = "/") -> str:
    """GET the login form; the CSRF token it carries (the client keeps the cookie it came with)."""
    page = client.get("/login", params={"next": next_path})
    assert page.status_code == 200
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match is not None
    return match.group(1)


def test_every_page_asks_for_the_token(guarded: TestClient, ids: dict[str, int]) -> None:
    for path in ("/", "/units/sedena-22-zm", f"/items/{ids['report']}", "/feeds", "/search?q=x", "/cases/nope"):
        response = guarded.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=%2F"), path


def test_login_sets_an_httponly_cookie_that_is_not_the_token(guarded: TestClient) -> None:
    csrf = login_form(guarded, "/units/sedena-22-zm")
    response = guarded.post("/login", data={"csrf": csrf, "token": TOKEN, "next": "/units/sedena-22-zm"})
    assert response.status_code == 303 and response.headers["location"] == "/units/sedena-22-zm"
    header = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and SESSION_COOKIE in v)
    assert "httponly" in header.lower() and "samesite=strict" in header.lower()
    assert TOKEN not in SimpleCookie(header)[SESSION_COOKIE].value
    assert guarded.get("/units/sedena-22-zm").status_code == 200


def test_a_wrong_token_or_a_missing_csrf_token_is_refused(guarded: TestClient) -> None:
    csrf = login_form(guarded)
    wrong = guarded.post("/login", data={"csrf": csrf, "token": TOKEN + "x", "next": "/"})
    assert wrong.status_code == 403 and "not the right one" in wrong.text
    assert guarded.post("/login", data={"token": TOKEN, "next": "/"}).status_code == 403  # no CSRF field
    assert guarded.post("/login", data={"csrf": "forged", "token": TOKEN}).status_code == 403
    guarded.cookies.delete(CSRF_COOKIE)  # the field alone, without its cookie (another site's form)
    assert guarded.post("/login", data={"csrf": csrf, "token": TOKEN}).status_code == 403
    assert guarded.get("/").status_code == 303  # still not logged in


def test_login_goes_only_to_paths_on_this_site(guarded: TestClient) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        csrf = login_form(guarded)
        response = guarded.post("/login", data={"csrf": csrf, "token": TOKEN, "next": target})
        assert response.headers["location"] == "/", target


def test_logout_needs_csrf_and_ends_the_session(guarded: TestClient) -> None:
    csrf = login_form(guarded)
    guarded.post("/login", data={"csrf": csrf, "token": TOKEN})
    assert guarded.post("/logout", data={}).status_code == 403
    assert guarded.post("/logout", data={"csrf": csrf}).status_code == 303
    assert guarded.get("/").status_code == 303


def test_a_public_address_needs_a_token() -> None:
    check_exposure("127.0.0.1", None)
    check_exposure("::1", None)
    check_exposure("0.0.0.0", TOKEN)
    for host in ("0.0.0.0", "192.168.1.10", "console.example.org"):
        with pytest.raises(ConfigError, match="MONITOR_WEB_TOKEN"):
            check_exposure(host, None)
    with pytest.raises(ConfigError, match="at least 16"):
        check_exposure("0.0.0.0", "short")


def test_serve_refuses_to_start_off_loopback_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MONITOR_WEB_TOKEN", raising=False)
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--watchlist", str(sample.WATCHLIST),
                                       "--db", "sqlite:///:memory:"])
    assert result.exit_code == 2 and "MONITOR_WEB_TOKEN: not set" in result.output
