"""How the chat UI looks and what it keeps: Bassin's brand, a footer true to the planner, compact cards in
plain words, charts without toolbar, every screen of both roles at desktop and phone widths (screenshots
kept under ``var/test-artifacts/ui/screens``), and a conversation reopened from the sidebar that still shows
its cards, buttons and charts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.ui.app_server import ChainlitServer
from tests.ui.conftest import ARTIFACTS
from tests.ui.test_chat_ui import CARD, ask, database, login

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

SCREENS = ARTIFACTS / "screens"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}
JARGON = ("proximité sémantique", "code ROME", "offre moyenne", "Les LLMs peuvent se tromper")


def _context(browser: Any, server: ChainlitServer, viewport: dict[str, int]) -> Any:
    context = browser.new_context(locale="fr-FR", viewport=viewport)
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(server.url) else route.abort(),
    )
    context.set_default_timeout(90_000)
    return context


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def sized_page(browser: Any, ui_server: ChainlitServer, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = _context(browser, ui_server, VIEWPORTS[request.param])
    page = context.new_page()
    page.width_name = request.param
    yield page
    context.close()


def screen(page: Any, name: str, *, full: bool = False) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{name}-{page.width_name}.png"
    page.wait_for_timeout(600)  # charts and fonts settle
    page.screenshot(path=str(path), full_page=full)
    print(f"screenshot: {path}")


def no_horizontal_scroll(page: Any) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"


def test_brand_assets_and_footer_true_to_the_offline_planner(ui_server: ChainlitServer) -> None:
    for path in ("/logo?theme=light", "/logo?theme=dark", "/favicon", "/public/bassin.css"):
        got = httpx.get(ui_server.url + path, timeout=10)
        assert got.status_code == 200, path
    assert "Bassin" in httpx.get(ui_server.url + "/logo?theme=light", timeout=10).text
    page_html = httpx.get(ui_server.url + "/", timeout=10).text
    assert "window.theme" in page_html and "/public/bassin.css" in page_html
    texts = httpx.get(ui_server.url + "/project/translations?language=fr-FR", timeout=10).json()
    footer = texts["translation"]["chat"]["watermark"]
    assert "planificateur hors ligne" in footer and "LLM" not in footer
    english = httpx.get(ui_server.url + "/project/translations?language=en-US", timeout=10).json()
    assert "offline planner" in english["translation"]["chat"]["watermark"]


def test_candidate_screens(sized_page: Any, ui_server: ChainlitServer) -> None:
    page = sized_page
    page.goto(ui_server.url + "/login")
    page.locator("#email").wait_for()
    screen(page, "login")
    login(page, ui_server, "candidate")
    screen(page, "candidate-home")

    ask(page, "Je cherche un poste de développeur python en CDI près de Lyon")
    cards = page.locator(".ai-message").filter(has_text=CARD)
    cards.first.wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    no_horizontal_scroll(page)
    assert page.locator(".watermark").get_by_text("planificateur hors ligne").is_visible()
    answer = page.locator(".ai-message").filter(has_text="offre(s)").first.inner_text()
    assert "Les voici ci-dessous" in answer
    assert not re.search(r"^\s*1\. \[", answer, re.MULTILINE), answer  # the list is the cards, not the text
    first = cards.first.inner_text()
    assert re.search(r"Salaire|publiée|CDI", first), first
    body = page.locator("body").inner_text()
    for jargon in JARGON:
        assert jargon not in body
    assert page.locator(".modebar-container:visible").count() == 0  # no plotly toolbar over the charts
    cards.first.scroll_into_view_if_needed()
    screen(page, "candidate-cards")
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    screen(page, "candidate-map")

    cards.first.get_by_role("button", name="Pourquoi ?").click()
    page.get_by_text(re.compile(r"Pourquoi \d+/100")).first.wait_for()
    page.locator(".js-plotly-plot").nth(1).wait_for()
    page.locator(".js-plotly-plot").nth(1).scroll_into_view_if_needed()
    no_horizontal_scroll(page)
    screen(page, "candidate-why")


def test_recruiter_screens(sized_page: Any, ui_server: ChainlitServer) -> None:
    page = sized_page
    login(page, ui_server, "recruiter")
    screen(page, "recruiter-home")
    page.get_by_text("Développeurs Java et SQL").click()
    card = page.locator(".ai-message").filter(has_text="données personnelles masquées").first
    card.wait_for()
    no_horizontal_scroll(page)
    card.scroll_into_view_if_needed()
    screen(page, "recruiter-cards")
    card.get_by_role("button", name="Ouvrir le profil").click()
    page.get_by_text(re.compile(r"Coordonnées de cv-|Aucune coordonnée enregistrée")).first.wait_for()
    screen(page, "recruiter-profile-opened")


def test_reopened_conversation_keeps_its_cards_buttons_and_charts(
    browser: Any, ui_server: ChainlitServer
) -> None:
    context = _context(browser, ui_server, VIEWPORTS["desktop"])
    page = context.new_page()
    page.width_name = "desktop"
    login(page, ui_server, "candidate")
    ask(page, "Je cherche un poste de développeur python en CDI près de Lyon")
    cards = page.locator(".ai-message").filter(has_text=CARD)
    cards.first.wait_for()
    cards.first.get_by_role("button", name="Pourquoi ?").click()
    page.get_by_text(re.compile(r"Pourquoi \d+/100")).first.wait_for()
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 1")
    live_cards = cards.count()
    live_charts = page.locator(".js-plotly-plot").count()
    page.wait_for_url(re.compile(r"/thread/"))
    thread_url = page.url
    page.wait_for_timeout(1500)  # the data layer writes the last steps

    page.goto(ui_server.url + "/")  # a new chat, then back to the first one through the sidebar
    page.locator("#chat-input").wait_for()
    page.locator(f'a[href$="{thread_url.split("/thread/")[1]}"]').first.click()
    page.wait_for_url(thread_url)
    reopened = page.locator(".ai-message").filter(has_text=CARD)
    reopened.first.wait_for()
    page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot').length >= {live_charts}")
    assert reopened.count() == live_cards
    assert page.get_by_role("button", name="Pourquoi ?").count() >= live_cards
    assert page.get_by_text("No blob_storage_client").count() == 0
    screen(page, "candidate-reopened", full=True)

    # the buttons work again: « Pourquoi ? » of a reopened card answers with its chart
    charts_before = page.locator(".js-plotly-plot").count()
    reopened.nth(1).get_by_role("button", name="Pourquoi ?").click()
    page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot').length > {charts_before}")
    assert page.get_by_text("Cette offre n'est plus affichée").count() == 0

    # a stored chart is served to its owner only
    db = database(ui_server)
    try:
        with db.engine.connect() as c:
            key = c.execute(
                text('SELECT "objectKey" FROM chat_elements WHERE "objectKey" IS NOT NULL')
            ).scalar()
    finally:
        db.dispose()
    assert key
    mine = page.request.get(f"{ui_server.url}/bassin/files/{key}")
    assert mine.status == 200 and "data" in mine.json()
    assert page.request.get(f"{ui_server.url}/bassin/files/{key}/../../x").status == 404
    other = _context(browser, ui_server, VIEWPORTS["desktop"])
    try:
        other_page = other.new_page()
        login(other_page, ui_server, "recruiter")
        assert other_page.request.get(f"{ui_server.url}/bassin/files/{key}").status == 404
    finally:
        other.close()
    context.close()
