"""The console's Starlette application: routes, the token gate, error pages and security headers."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from monitor.store.search import ensure_search
from monitor.web import pages
from monitor.web.auth import TokenGate
from monitor.web.context import Console

# No script runs on any page (there is none), styles are inline, forms post only here, nothing frames us.
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def create_app(console: Console) -> Starlette:
    """The ASGI app over `console.store` (the search index is created if absent)."""
    ensure_search(console.store.engine)
    routes = [
        Route("/", pages.today, name="today"),
        Route("/units/{unit_id}", pages.unit, name="unit"),
        Route("/cases/{case_id}", pages.case, name="case"),
        Route("/items/{item_id:int}", pages.item, name="item"),
        Route("/feeds", pages.feeds, name="feeds"),
        Route("/search", pages.search, name="search"),
        Route("/login", pages.login_form, methods=["GET"], name="login"),
        Route("/login", pages.login, methods=["POST"]),
        Route("/logout", pages.logout, methods=["POST"], name="logout"),
        # REVIEW: the verdict POST route (`/items/{item_id:int}/review`, a CSRF-checked form through
        # auth.checked_form, writing through the store's review methods) comes with the review merge.
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _error_page},
                    middleware=[Middleware(SecurityHeaders), Middleware(TokenGate, token=console.token)])
    app.state.console = console
    return app


async def _error_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return pages.render(request, "error.html.j2", status=exc.status_code, status_code=exc.status_code,
                        detail=exc.detail)


class SecurityHeaders:
    """ASGI middleware adding SECURITY_HEADERS to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)
