"""The console's pages: each reads the store through `monitor.store.reads` and renders one template.

Lists paginate (`?page=N`, PAGE_SIZE rows); ids in paths that the watchlist or store does not know
are a 404 page. Nothing here writes to the store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from monitor.domain.errors import NotFoundError
from monitor.dossier.build import PER_PAGE, build_dossier
from monitor.dossier.render import environment, render_csv, render_html, render_json
from monitor.store import reads
from monitor.web import auth
from monitor.web.context import Console

PAGE_SIZE = 50


@dataclass(frozen=True)
class Pager:
    """Page `number` (from 1) of `total` rows; links keep the other query parameters."""

    number: int
    total: int
    size: int
    params: tuple[tuple[str, str], ...] = ()

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    def href(self, number: int) -> str:
        return "?" + urlencode([*self.params, ("page", str(number))])


def pager(request: Request, total: int = 0, *keep: str) -> Pager:
    raw = request.query_params.get("page", "1")
    number = int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else 1
    params = tuple((k, request.query_params[k]) for k in keep if k in request.query_params)
    return Pager(number, total, PAGE_SIZE, params)


def render(request: Request, template: str, status: int = 200, **context: object) -> HTMLResponse:
    console = _console(request)
    env = environment(console.loader)
    html = env.get_template(template).render(
        request=request, csrf=auth.csrf_token(request), login_required=console.token is not None,
        unit_href=lambda uid: "/units/" + quote(uid, safe=""), watchlist=console.watchlist, **context)
    return auth.with_csrf_cookie(HTMLResponse(html, status_code=status), request)


def _console(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


def today(request: Request) -> Response:
    """Today's alerts and allegations (local day in TZ), the failing feeds, and the units to open."""
    console = _console(request)
    now = console.clock().astimezone(console.zone)
    start = dt.datetime.combine(now.date(), dt.time(0), tzinfo=console.zone)
    page = pager(request)
    listing = reads.flagged_between(console.store, start, start + dt.timedelta(days=1), page.offset, page.size)
    failing = [f for f in console.store.feed_states().values() if f.error_count > 0]
    return render(request, "index.html.j2", day=now.date(), listing=listing,
                  pager=Pager(page.number, listing.total, page.size), failing=failing)


def unit(request: Request) -> Response:
    """The unit's dossier with its chain of command as links; `?format=json|csv` downloads it."""
    console = _console(request)
    unit_id = request.path_params["unit_id"]
    fmt = request.query_params.get("format", "html")
    # The page shows one page of entries (the summary covers all); the downloads and print copy hold every one.
    try:
        dossier = build_dossier(console.store, console.watchlist, unit_id, now=console.clock(),
                                since=_date(request, "since"), until=_date(request, "until"),
                                page=pager(request).number if fmt == "html" else None)
    except NotFoundError as exc:
        raise HTTPException(404, str(exc)) from exc
    if fmt == "print":
        return auth.with_csrf_cookie(HTMLResponse(render_html(dossier)), request)
    if fmt == "json":
        return Response(render_json(dossier), media_type="application/json")
    if fmt == "csv":
        return Response(render_csv(dossier), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="dossier-{dossier.unit.id}.csv"'})
    paging = dossier.paging
    keep = tuple((k, request.query_params[k]) for k in ("since", "until") if request.query_params.get(k))
    return render(request, "unit.html.j2", d=dossier, keep=urlencode(keep),
                  pager=Pager(paging.number, paging.entries, PER_PAGE, keep))


def case(request: Request) -> Response:
    console = _console(request)
    found = console.watchlist.case_by_id.get(request.path_params["case_id"])
    if found is None:
        raise HTTPException(404, "This case is not in the watchlist.")
    page = pager(request)
    listing = reads.linked_to(console.store, "case", found.id, page.offset, page.size)
    statements = [s for s in console.watchlist.statements if found.id in s.cases]
    return render(request, "case.html.j2", case=found, listing=listing, statements=statements,
                  pager=Pager(page.number, listing.total, page.size))


def item(request: Request) -> Response:
    """One item: its evidence, every link with its score, the decision's notes, its alert and copies."""
    console = _console(request)
    item_id = request.path_params["item_id"]
    loaded = reads.load(console.store, [item_id])
    stored = loaded.items.get(item_id)
    if stored is None:
        raise HTTPException(404, "No stored item has this id.")
    return render(request, "item.html.j2", stored=stored, assessment=loaded.assessments.get(item_id),
                  copies=loaded.copies.get(stored.story_id, []), alert=reads.alert_status(console.store, item_id))


def feeds(request: Request) -> Response:
    states = sorted(_console(request).store.feed_states().values(), key=lambda f: (-f.error_count, f.name))
    return render(request, "feeds.html.j2", feeds=states)


def search(request: Request) -> Response:
    words = request.query_params.get("q", "")[:500]
    page = pager(request, 0, "q")
    listing = reads.search(_console(request).store, words, page.offset, page.size)
    return render(request, "search.html.j2", q=words, listing=listing,
                  pager=Pager(page.number, listing.total, page.size, page.params))


def login_form(request: Request) -> Response:
    return render(request, "login.html.j2", next=auth.safe_next(request.query_params.get("next")), error="")


async def login(request: Request) -> Response:
    """Check the token typed in; on success set the HttpOnly session cookie and go where the user was going."""
    token = _console(request).token
    form = await auth.checked_form(request)
    target = auth.safe_next(str(form.get("next", "/")))
    if token is None:
        return RedirectResponse(target, status_code=303)
    if not auth.token_matches(str(form.get("token", "")), token):
        return render(request, "login.html.j2", status=403, next=target, error="That token is not the right one.")
    response = RedirectResponse(target, status_code=303)
    auth.set_session(response, token, secure=request.url.scheme == "https")
    return response


async def logout(request: Request) -> Response:
    await auth.checked_form(request)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(auth.SESSION_COOKIE, path="/")
    return response


def _date(request: Request, name: str) -> dt.date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise HTTPException(400, f"{name}: expected a date like 2026-11-30") from exc
