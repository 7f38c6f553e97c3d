"""The console in a real browser: Debian's chromium driven by Playwright, against uvicorn on loopback.

No browser is downloaded: `scripts/install test` installs /usr/bin/chromium. When it is missing
these tests fail (they do not skip): a console nobody opened in a browser is not tested.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.monitor.dossier import sample
from tests.monitor.web.conftest import TOKEN, LiveConsole

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: run `scripts/install test` (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))  # a hostile title must never run
    yield page
    context.close()
    assert dialogs == [], f"a script ran in the page: {dialogs}"


def test_open_today_follow_a_unit_and_see_its_dossier(live: LiveConsole, page: Page, tmp_path: Path) -> None:
    page.goto(live.url + "/")
    expect(page.get_by_role("heading", name="Alerts and allegations")).to_be_visible()
    page.locator("ul.units").get_by_role("link", name="22nd Military Zone").click()
    page.wait_for_url("**/units/sedena-22-zm")
    expect(page.get_by_role("heading", name="Dossier: 22nd Military Zone")).to_be_visible()
    expect(page.get_by_role("link", name="UN experts: Tlatlaya victims were executed")).to_have_attribute(
        "href", "https://un.example/tlatlaya")
    expect(page.get_by_text("Also reported by: Wire service")).to_be_visible()
    expect(page.get_by_text(sample.HOSTILE_TITLE)).to_be_visible()  # shown as text, not run
    # Down the chain of command, to the battalion's own dossier.
    page.locator("p.chain").get_by_role("link", name="102nd Infantry Battalion").click()
    page.wait_for_url("**/units/sedena-102-bi")
    expect(page.get_by_role("heading", name="Dossier: 102nd Infantry Battalion")).to_be_visible()
    # REVIEW: with the review merge, open the report's item page here, click a verdict button in
    # section#review, and expect the verdict on the item and in this dossier.
    shot = tmp_path / "dossier.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_with_a_token_the_browser_logs_in_first(live_with_token: LiveConsole, page: Page, tmp_path: Path) -> None:
    page.goto(live_with_token.url + "/units/sedena-22-zm")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Token (MONITOR_WEB_TOKEN)").fill(TOKEN)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/units/sedena-22-zm")
    expect(page.get_by_role("heading", name="Dossier: 22nd Military Zone")).to_be_visible()
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["monitor_session"]["httpOnly"] and cookies["monitor_session"]["value"] != TOKEN
    page.screenshot(path=str(tmp_path / "after-login.png"))


def test_the_dossier_prints_to_a_clean_pdf(live: LiveConsole, page: Page, tmp_path: Path) -> None:
    page.goto(live.url + "/units/sedena-22-zm")
    page.emulate_media(media="print")
    expect(page.locator("nav")).to_be_hidden()  # the console's chrome does not print
    expect(page.get_by_role("heading", name="Dossier: 22nd Military Zone")).to_be_visible()
    page.goto(live.url + "/units/sedena-22-zm?format=print")
    pdf = tmp_path / "dossier.pdf"
    page.pdf(path=str(pdf), format="A4")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and data.count(b"/Type /Page") - data.count(b"/Type /Pages") >= 1
