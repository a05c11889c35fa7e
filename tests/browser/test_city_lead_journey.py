"""Journey: the Deventer city lead logs in, starts Verbeelden, is refused Utrecht, logs out."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from estafette import db
from estafette.models import City, Dialogue, Phase, PhaseRecord
from tests.browser.signin import sign_in
from tests.uihelpers import prepare

pytestmark = pytest.mark.browser
TIMEOUT = 30_000


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit selectbox labelled ``label``."""
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()


def nav(page, name: str):
    """The sidebar navigation link called ``name``."""
    return page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=name, exact=True)


def map_text_contains(page, text: str, timeout_s: float = 30) -> bool:
    """Whether any embedded frame (the map component) contains ``text`` within the timeout."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:
            if frame is not page.main_frame:
                try:
                    if text in frame.content():
                        return True
                except Exception:  # a frame that navigates away while being read
                    continue
        page.wait_for_timeout(500)
    return False


def status_of(url: str, city: str, phase: str) -> tuple[str, str]:
    engine = db.make_engine(url)
    with Session(engine) as session:
        record = session.scalar(
            select(PhaseRecord)
            .join(PhaseRecord.dialogue)
            .join(Dialogue.city)
            .join(PhaseRecord.phase)
            .where(City.name == city, Phase.code == phase)
        )
        result = (record.status, record.updated_by)
    engine.dispose()
    return result


def test_city_lead_journey(server_factory, page, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'journey.db'}"
    prepare(url)
    server = server_factory(database_url=url)

    sign_in(page, server.url, "lead@deventer.nl")
    page.get_by_text("Ingelogd als Stadstrekker Deventer (stadstrekker)").first.wait_for(
        timeout=TIMEOUT
    )

    # Set Verbeelden to bezig; the open Verkennen is closed on request.
    nav(page, "Fase bijwerken").click()
    page.get_by_text("Geschiedenis van deze wijkdialoog").wait_for(timeout=TIMEOUT)
    choose(page, "Fase", "Verbeelden")
    combobox = page.get_by_role("combobox", name="Status", exact=True)
    expect(combobox).to_have_value("niet gestart", timeout=TIMEOUT)
    choose(page, "Status", "bezig")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Vorige fase nog open").wait_for(timeout=TIMEOUT)
    page.get_by_role("button", name="Ja, afsluiten").click()
    page.get_by_text("Opgeslagen: Verbeelden van Deventer").wait_for(timeout=TIMEOUT)
    assert status_of(url, "Deventer", "verbeelden") == ("bezig", "Stadstrekker Deventer")
    assert status_of(url, "Deventer", "verkennen")[0] == "afgerond"
    page.screenshot(path=str(tmp_path / "saved.png"), full_page=True)

    # The overview shows it at once (caches were cleared by the save).
    nav(page, "Overzicht").click()
    table = page.locator("[data-testid='stTable']")
    table.wait_for(timeout=TIMEOUT)
    row = table.locator("tr", has_text="Deventer").first
    row.wait_for(timeout=TIMEOUT)
    cells = row.inner_text()
    assert "● afgerond" in cells and "◐ bezig" in cells, cells
    assert "1 van 5 fasen afgerond" in cells
    # The map's markers (inside the component's frame) carry the new last update.
    nav(page, "Kaart").click()
    page.locator("iframe").first.wait_for(timeout=TIMEOUT)
    assert map_text_contains(page, "Stadstrekker Deventer"), "map does not show the save"

    # Utrecht is someone else's dialogue: visible, but refused for editing.
    nav(page, "Fase bijwerken").click()
    page.get_by_text("Geschiedenis van deze wijkdialoog").wait_for(timeout=TIMEOUT)
    choose(page, "Wijkdialoog", "Utrecht · nog te bepalen (Alleen-lezen)")
    page.get_by_text("Je bent geen stadstrekker van Utrecht").wait_for(timeout=TIMEOUT)
    assert page.get_by_role("button", name="Opslaan").count() == 0
    assert status_of(url, "Utrecht", "verkennen") == ("bezig", "Kennismakingsworkshop 3 juli 2018")

    # Log out: back to a visitor without the status page.
    page.get_by_role("button", name="Uitloggen").first.click()
    nav(page, "Inloggen").wait_for(timeout=TIMEOUT)
    assert nav(page, "Fase bijwerken").count() == 0
    page.screenshot(path=str(tmp_path / "logged-out.png"), full_page=True)
