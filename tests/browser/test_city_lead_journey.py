"""Journey: the Deventer city lead logs in, starts Verbeelden, is refused Utrecht, logs out."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from estafette import db
from estafette.models import City, Dialogue, Phase, PhaseRecord
from tests.browser.signin import sign_in
from tests.browser.streamlit_page import (
    click_and_settle,
    map_document,
    nav_link,
    open_page,
    select_option,
)
from tests.uihelpers import prepare

pytestmark = pytest.mark.browser
TIMEOUT = 30_000


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit selectbox labelled ``label``."""
    select_option(page, page.get_by_role("combobox", name=label, exact=True), option)


def nav(page, name: str):
    """The sidebar navigation link called ``name``."""
    return nav_link(page, name)


def map_text_contains(page, text: str, timeout: float = TIMEOUT) -> bool:
    """Whether the map component's document contains ``text`` (in its markers' data)."""
    frame = map_document(page)
    try:
        frame.wait_for_function(
            "text => document.documentElement.outerHTML.includes(text)",
            arg=text,
            timeout=timeout,
        )
    except PlaywrightTimeout:
        return False
    return True


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
    open_page(page, "Fase bijwerken")
    page.get_by_text("Geschiedenis van deze wijkdialoog").wait_for(timeout=TIMEOUT)
    choose(page, "Fase", "Verbeelden")
    combobox = page.get_by_role("combobox", name="Status", exact=True)
    expect(combobox).to_have_value("niet gestart", timeout=TIMEOUT)
    # The status is a field of the status form: it reruns nothing before "Opslaan".
    select_option(page, combobox, "bezig", rerun_expected=False)
    click_and_settle(page, page.get_by_role("button", name="Opslaan"))
    page.get_by_text("Vorige fase nog open").wait_for(timeout=TIMEOUT)
    click_and_settle(page, page.get_by_role("button", name="Ja, afsluiten"))
    page.get_by_text("Opgeslagen: Verbeelden van Deventer").wait_for(timeout=TIMEOUT)
    assert status_of(url, "Deventer", "verbeelden") == ("bezig", "Stadstrekker Deventer")
    assert status_of(url, "Deventer", "verkennen")[0] == "afgerond"
    page.screenshot(path=str(tmp_path / "saved.png"), full_page=True)

    # The overview shows it at once (caches were cleared by the save).
    open_page(page, "Overzicht")
    table = page.locator(".st-key-estafette-overview-matrix table")
    table.wait_for(timeout=TIMEOUT)
    row = table.locator("tr", has_text="Deventer").first
    row.wait_for(timeout=TIMEOUT)
    cells = row.inner_text()
    assert "● afgerond" in cells and "◐ bezig" in cells, cells
    assert "1 van 5 fasen afgerond" in cells
    # The map's markers (inside the component's frame) carry the new last update.
    open_page(page, "Kaart")
    assert map_text_contains(page, "Stadstrekker Deventer"), "map does not show the save"

    # Utrecht is someone else's dialogue: visible, but refused for editing.
    open_page(page, "Fase bijwerken")
    page.get_by_text("Geschiedenis van deze wijkdialoog").wait_for(timeout=TIMEOUT)
    choose(page, "Wijkdialoog", "Utrecht · nog te bepalen (Alleen-lezen)")
    page.get_by_text("Je bent geen stadstrekker van Utrecht").wait_for(timeout=TIMEOUT)
    assert page.get_by_role("button", name="Opslaan").count() == 0
    assert status_of(url, "Utrecht", "verkennen") == ("bezig", "Kennismakingsworkshop 3 juli 2018")

    # Log out: back to a visitor without the status page.
    click_and_settle(page, page.get_by_role("button", name="Uitloggen").first)
    nav(page, "Inloggen").wait_for(timeout=TIMEOUT)
    assert nav(page, "Fase bijwerken").count() == 0
    page.screenshot(path=str(tmp_path / "logged-out.png"), full_page=True)
