"""Journey: overview → city → dialogue → Fase bijwerken by clicks, and the same by a pasted link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from estafette import db
from estafette.models import City, Dialogue
from tests.browser.signin import sign_in
from tests.browser.streamlit_page import click_and_settle, goto, open_page
from tests.browser.test_city_lead_journey import TIMEOUT
from tests.uihelpers import prepare

pytestmark = pytest.mark.browser


def test_overview_city_dialogue_status_by_clicks_and_by_link(
    server_factory, page, tmp_path
) -> None:
    url = f"sqlite:///{tmp_path / 'city.db'}"
    prepare(url)
    engine = db.make_engine(url)
    with Session(engine) as session:
        dialogue = session.scalar(
            select(Dialogue.id).join(City).where(City.name == "Deventer", ~Dialogue.is_demo)
        )
    engine.dispose()
    server = server_factory(database_url=url)

    # By clicks, signed in as the Deventer city lead.
    sign_in(page, server.url, "lead@deventer.nl")
    page.get_by_text("Ingelogd als Stadstrekker Deventer (stadstrekker)").first.wait_for(
        timeout=TIMEOUT
    )
    open_page(page, "Overzicht")
    click_and_settle(page, page.get_by_role("link", name="Deventer", exact=True).first)
    page.get_by_role("heading", name="Deventer", exact=True).wait_for(timeout=TIMEOUT)
    expect(page).to_have_url(re.compile(r"/stad\?.*stad=Deventer"), timeout=TIMEOUT)
    page.get_by_text("Stadstrekkers: Stadstrekker Deventer").wait_for(timeout=TIMEOUT)
    click_and_settle(page, page.get_by_role("link", name="Bekijk deze wijkdialoog").first)
    page.get_by_role("heading", name="Deventer · nog te bepalen").wait_for(timeout=TIMEOUT)
    expect(page).to_have_url(re.compile(rf"/stad\?.*dialoog={dialogue}"), timeout=TIMEOUT)
    # The dialogue view's own link (not the sidebar's), carrying the dialogue along.
    click_and_settle(page, page.get_by_test_id("stMain").get_by_role("link", name="Fase bijwerken"))
    page.get_by_text("Geschiedenis van deze wijkdialoog").wait_for(timeout=TIMEOUT)
    expect(page).to_have_url(re.compile(rf"/fase-bijwerken\?.*dialoog={dialogue}"), timeout=TIMEOUT)
    page.screenshot(path=str(tmp_path / "status-from-city.png"), full_page=True)

    # By a pasted link: a fresh page load opens the dialogue view directly.
    goto(page, f"{server.url}/stad?dialoog={dialogue}")
    page.get_by_role("heading", name="Deventer · nog te bepalen").wait_for(timeout=TIMEOUT)
    click_and_settle(page, page.get_by_role("link", name="Terug naar Deventer"))
    page.get_by_role("heading", name="Deventer", exact=True).wait_for(timeout=TIMEOUT)
    goto(page, f"{server.url}/stad?stad=Utrecht")
    page.get_by_role("heading", name="Utrecht", exact=True).wait_for(timeout=TIMEOUT)
    page.screenshot(path=str(tmp_path / "city-by-link.png"), full_page=True)
