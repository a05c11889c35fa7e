"""Every page's address works as the very first request after a server start, in nl and en."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from estafette import db, i18n
from estafette.models import City, Dialogue
from tests.browser.streamlit_page import goto, settle
from tests.uihelpers import prepare, session_token

pytestmark = pytest.mark.browser
TIMEOUT = 30_000
# url_path → translation key of the page's heading (as a coordinator sees it).
PAGES = {
    "overzicht": "overview.title",
    "kaart": "map.title",
    "tijdlijn": "timeline.title",
    "fase-bijwerken": "status_page.title",
    "lessen": "lessons.title",
    "les-toevoegen": "lesson_add.title",
    "leergang": "leergang.title",
    "methode": "method.title",
    "beheer": "admin.title",
    "import-export": "transfer.title",
    "inloggen": "auth.nav_account",
}
NOT_FOUND = ("Page not found", "does not seem to exist")
# What Streamlit's folder-based navigation would list (file names; icons are lower case too).
RAW_FILE_NAMES = {"app", "admin", "lesson add", "lessons", "login", "method", "overview", "status"}


def open_cold(server_factory, browser, tmp_path, path: str, url: str = "", actors=None):
    """Start a fresh server, sign a coordinator's browser in by cookie, open ``path`` first."""
    if not url:
        url = f"sqlite:///{tmp_path / 'cold.db'}"
        actors = prepare(url)
    token = session_token(url, actors["coordinator"])
    server = server_factory(database_url=url)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies(
        [{"name": "estafette_session", "value": token, "url": server.url, "httpOnly": True}]
    )
    page = context.new_page()
    goto(page, f"{server.url}{path}")
    return url, page


def heading(page, text: str) -> None:
    page.get_by_role("heading", name=text, exact=True).first.wait_for(timeout=TIMEOUT)


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("url_path", list(PAGES))
def test_page_opens_cold_with_its_own_heading(
    server_factory, browser, tmp_path, url_path: str, lang: str
) -> None:
    _, page = open_cold(server_factory, browser, tmp_path, f"/{url_path}?lang={lang}")
    heading(page, i18n.translate(PAGES[url_path], lang))
    # Streamlit's box would appear during the first run: once it has settled, it is there.
    settle(page)
    content = page.content()
    assert not any(text in content for text in NOT_FOUND), url_path
    # The sidebar lists the app's pages, never raw file names.
    lines = set(page.get_by_test_id("stSidebarNavItems").inner_text().splitlines())
    assert not lines & RAW_FILE_NAMES, lines
    page.context.close()


def test_start_page_opens_the_overview_under_its_own_address(
    server_factory, browser, tmp_path
) -> None:
    _, page = open_cold(server_factory, browser, tmp_path, "/?lang=en")
    heading(page, i18n.translate("overview.title", "en"))
    page.wait_for_url("**/overzicht?lang=en", timeout=TIMEOUT)
    page.context.close()


def test_dialogue_link_opens_fase_bijwerken_on_that_dialogue(
    server_factory, browser, tmp_path
) -> None:
    url = f"sqlite:///{tmp_path / 'cold.db'}"
    actors = prepare(url)
    engine = db.make_engine(url)
    with Session(engine) as session:
        utrecht = session.scalar(
            select(Dialogue.id).join(City).where(City.name == "Utrecht").order_by(Dialogue.id)
        )
    engine.dispose()
    _, page = open_cold(
        server_factory, browser, tmp_path, f"/fase-bijwerken?dialoog={utrecht}", url, actors
    )
    heading(page, "Fase bijwerken")
    box = page.get_by_role("combobox", name="Wijkdialoog", exact=True)
    expect(box).to_have_value("Utrecht · nog te bepalen", timeout=TIMEOUT)
    page.context.close()


def test_city_link_filters_the_map(server_factory, browser, tmp_path) -> None:
    _, page = open_cold(server_factory, browser, tmp_path, "/kaart?stad=Amsterdam")
    heading(page, i18n.translate("map.title", "nl"))
    chosen = page.get_by_test_id("stMultiSelect").filter(has_text="Stad").first
    chosen.get_by_text("Amsterdam").wait_for(timeout=TIMEOUT)
    page.context.close()
