"""The console's one write: a vetter's verdict on an item's alert, posted from the item page.

The form is CSRF-checked (`auth.checked_form`) before anything is read; the verdict goes through
`Store.add_review`, as `monitor review` and the Slack buttons record theirs (the last verdict wins,
the earlier ones are kept). Then the browser is sent back to the item (303), which shows the verdict.
When the console was started with Slack configured, the alert's Slack message is updated too
(`Console.on_review`, the function `monitor review` uses), off the event loop; its outcome is logged.
"""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from monitor.domain.review import as_verdict
from monitor.store import reads
from monitor.store.database import UnknownAlert
from monitor.web import auth
from monitor.web.context import Console

log = logging.getLogger(__name__)

REVIEWER = "web"  # one shared login token: the console knows no person, only that the verdict came from here
MAX_NOTE = 1000


async def review(request: Request) -> Response:
    """POST /items/{id}/review: record the verdict on the item's alert; 404 for an item without one."""
    form = await auth.checked_form(request)  # 403 before anything is read or written
    console: Console = request.app.state.console
    item_id: int = request.path_params["item_id"]
    verdict = as_verdict(str(form.get("verdict", "")))
    if verdict is None:
        raise HTTPException(400, "Unknown verdict.")
    alert = reads.alert_status(console.store, item_id)
    if alert is None:
        raise HTTPException(404, "This item has no alert to review.")
    note = " ".join(str(form.get("note", "")).split())[:MAX_NOTE]
    try:
        recorded = console.store.add_review(alert.alert_id, verdict, by=REVIEWER, now=console.clock(), note=note,
                                            via="web")
    except UnknownAlert as exc:  # removed between the read and the write
        raise HTTPException(404, str(exc)) from exc
    log.info("review recorded: alert %d: %s by %s (web)", alert.alert_id, verdict, REVIEWER)
    if console.on_review is not None:
        shown = await run_in_threadpool(console.on_review, recorded)
        if shown:
            log.info("alert %d: %s", alert.alert_id, shown)
    return RedirectResponse(f"/items/{item_id}#review", status_code=303)
