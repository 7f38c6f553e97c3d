"""The console's token login and CSRF protection.

With a token configured, every page but /login needs the session cookie. The cookie holds an HMAC
of the token (never the token itself), is HttpOnly and SameSite=Strict, and is compared with
`hmac.compare_digest`. Every POST form carries a CSRF token that must equal the `monitor_csrf`
cookie (double submit): a page on another site can make the browser send the cookie, but cannot
read it to put it in the form.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import TypeVar

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

R = TypeVar("R", bound=Response)

SESSION_COOKIE = "monitor_session"
CSRF_COOKIE = "monitor_csrf"
CSRF_FIELD = "csrf"
OPEN_PATHS = frozenset({"/login"})


def session_value(token: str) -> str:
    """What the session cookie holds for `token`: an HMAC, so the cookie never reveals the token."""
    return hmac.new(token.encode(), b"monitor-web-session", hashlib.sha256).hexdigest()


def token_matches(given: str, token: str) -> bool:
    return hmac.compare_digest(given.encode(), token.encode())


def logged_in(request: Request, token: str | None) -> bool:
    if token is None:
        return True
    cookie = request.cookies.get(SESSION_COOKIE, "")
    return hmac.compare_digest(cookie.encode(), session_value(token).encode())


def csrf_token(request: Request) -> str:
    """The CSRF token for this browser (from its cookie, or a new one `CsrfCookie` will set)."""
    existing = request.cookies.get(CSRF_COOKIE)
    if existing:
        return existing
    if not getattr(request.state, "new_csrf", None):
        request.state.new_csrf = secrets.token_urlsafe(32)
    return str(request.state.new_csrf)


async def checked_form(request: Request) -> FormData:
    """The POSTed form, after checking its CSRF token against the cookie; 403 when they differ."""
    form = await request.form()
    sent = str(form.get(CSRF_FIELD, ""))
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(sent.encode(), cookie.encode()):
        raise HTTPException(403, "The form's security token is missing or stale: reload the page and try again.")
    return form


def safe_next(target: str | None) -> str:
    """Where to go after login: a path on this site only (no `//evil.example`, no scheme)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def set_session(response: Response, token: str, secure: bool) -> None:
    response.set_cookie(SESSION_COOKIE, session_value(token), httponly=True, samesite="strict", secure=secure,
                        path="/")


class TokenGate:
    """ASGI middleware: with a token set, a request without the session cookie goes to /login."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app, self.token = app, token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.token is None or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if logged_in(request, self.token):
            await self.app(scope, receive, send)
            return
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        login = request.url_for("login").include_query_params(next=target)
        await RedirectResponse(login.path + "?" + login.query, status_code=303)(scope, receive, send)


def with_csrf_cookie(response: R, request: Request) -> R:
    """Set the CSRF cookie when this request minted the token (readable by no script: HttpOnly)."""
    new = getattr(request.state, "new_csrf", None)
    if new:
        response.set_cookie(CSRF_COOKIE, new, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https", path="/")
    return response
