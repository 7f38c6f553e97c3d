"""Review buttons on the item page: one CSRF-checked form per verdict, recorded through Store.add_review,
a 303 back to the item showing the verdict; forged or stray posts change nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from monitor.domain.review import VERDICTS
from monitor.store.database import Store
from monitor.web.app import create_app
from monitor.web.serve import make_console
from tests.monitor.dossier import sample
from tests.monitor.review.clicks import NOW, posted_alert, settings
from tests.servers.slack import FakeSlackServer


def forms(html: str) -> list[dict[str, str]]:
    """Each review form on the page: its action and hidden fields."""
    found = []
    for form in re.findall(r'<form class="verdict-form"(.*?)</form>', html, re.S):
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
        found.append({"action": re.search(r'action="([^"]+)"', form).group(1), **fields})  # type: ignore[union-attr]
    return found


def review(client: TestClient, item_id: int, verdict: str, note: str = "") -> tuple[int, str]:
    """Open the item page and post its `verdict` form as a browser would; the status and where it sends us."""
    [form] = [f for f in forms(client.get(f"/items/{item_id}").text) if f["verdict"] == verdict]
    response = client.post(form["action"], data={"csrf": form["csrf"], "verdict": verdict, "note": note})
    return response.status_code, response.headers.get("location", "")


def test_an_alerted_item_has_one_form_per_verdict_with_the_csrf_field(client: TestClient, ids: dict[str, int]) -> None:
    page = client.get(f"/items/{ids['report']}")
    found = forms(page.text)
    assert [f["verdict"] for f in found] == list(VERDICTS)
    assert {f["action"] for f in found} == {f"/items/{ids['report']}/review"}
    assert {f["csrf"] for f in found} == {client.cookies["monitor_csrf"]}
    assert "Not reviewed yet." in page.text
    # Items without an alert (one never alerted; a syndicated copy of an alerted story) get no buttons.
    for other in ("ceremony", "copy"):
        assert forms(client.get(f"/items/{ids[other]}").text) == [], other


def test_a_verdict_is_recorded_and_shown_and_the_last_one_wins(
        client: TestClient, store: Store, ids: dict[str, int]) -> None:
    [alert_id] = store.alert_ids()
    assert review(client, ids["report"], "credible", "matches the CNDH <file>") == \
        (303, f"/items/{ids['report']}#review")
    latest = store.latest_review(alert_id)
    assert latest is not None
    assert (latest.verdict, latest.by, latest.via, latest.note, latest.at) == \
        ("credible", "web", "web", "matches the CNDH <file>", sample.NOW)
    page = client.get(f"/items/{ids['report']}").text
    assert '<strong class="verdict credible">Credible</strong>' in page
    assert "&ldquo;matches the CNDH &lt;file&gt;&rdquo;" in page  # a person's text, escaped like feed text
    assert review(client, ids["report"], "duplicate")[0] == 303
    assert [r.verdict for r in store.reviews(alert_id)] == ["credible", "duplicate"]
    page = client.get(f"/items/{ids['report']}").text
    assert "Duplicate</strong> (dismissed by a vetter)" in page and "Earlier verdicts (1)" in page
    # The console's dossier shows the verdict too, for the report and for the battalion it implicates.
    for unit in ("sedena-22-zm", "sedena-102-bi"):
        assert '<strong class="verdict duplicate">Duplicate</strong>' in client.get(f"/units/{unit}").text
        assert client.get(f"/units/{unit}?format=json").json()["cases"][0]["items"][0]["verdict"] == "duplicate"


def test_a_missing_or_wrong_csrf_token_is_refused_and_nothing_stored(
        client: TestClient, store: Store, ids: dict[str, int]) -> None:
    client.get(f"/items/{ids['report']}")  # the browser has its CSRF cookie
    path = f"/items/{ids['report']}/review"
    assert client.post(path, data={"verdict": "credible"}).status_code == 403
    assert client.post(path, data={"verdict": "credible", "csrf": "forged"}).status_code == 403
    fresh = TestClient(client.app, follow_redirects=False)  # no cookie at all: a cross-site post
    token = client.cookies["monitor_csrf"]
    assert fresh.post(path, data={"verdict": "credible", "csrf": token}).status_code == 403
    assert store.reviews(store.alert_ids()[0]) == []


def test_an_item_without_an_alert_or_an_unknown_verdict_is_refused(
        client: TestClient, store: Store, ids: dict[str, int]) -> None:
    client.get("/")
    token = client.cookies["monitor_csrf"]
    for item_id in (ids["ceremony"], 999_999):
        assert client.post(f"/items/{item_id}/review", data={"verdict": "credible", "csrf": token}).status_code == 404
    bad = client.post(f"/items/{ids['report']}/review", data={"verdict": "maybe", "csrf": token})
    assert bad.status_code == 400
    assert store.reviews(store.alert_ids()[0]) == []


@pytest.fixture
def slack_console(store: Store, slack_server: FakeSlackServer) -> Iterator[tuple[TestClient, int, str]]:
    alert_id, ts = posted_alert(store, slack_server)
    console = make_console(store, sample.watchlist(), settings(slack_server), lambda: NOW)
    with TestClient(create_app(console), follow_redirects=False) as client:
        yield client, store.alert(alert_id).item_id, ts  # type: ignore[union-attr]


def test_with_slack_configured_the_alerts_message_shows_the_web_verdict(
        slack_console: tuple[TestClient, int, str], slack_server: FakeSlackServer) -> None:
    client, item_id, ts = slack_console
    assert review(client, item_id, "not-an-allegation", "a training exercise")[0] == 303
    [update] = slack_server.calls("chat.update")  # the function `monitor review` uses
    assert update.args["ts"] == ts
    assert "Reviewed: *Not an allegation* by web" in str(slack_server.messages[0]["blocks"])
