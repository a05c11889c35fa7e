"""Journey (issue 14): a new coordinator's first minutes, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.signin import sign_in
from tests.browser.streamlit_page import (
    click_and_settle,
    fill_and_settle,
    goto,
    open_expander,
    widget,
)
from tests.uihelpers import prepare

pytestmark = pytest.mark.browser
TIMEOUT = 30_000


def test_new_coordinator_is_invited_keeps_the_tab_and_sees_lessons_collapsed(
    server, browser
) -> None:
    prepare(server.database_url)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    sign_in(page, server.url, "coord@example.nl")

    # First run: an invitation, no alarms about the seeded 2018 state.
    goto(page, f"{server.url}/overzicht")
    expect(page.get_by_text("Zet de estafette klaar", exact=False)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Niets dat nu aandacht vraagt.")).to_be_visible()
    expect(page.get_by_text("dagen geen statusupdate", exact=False)).to_have_count(0)

    # Beheer: after adding a city the "Steden" tab stays open.
    click_and_settle(page, page.get_by_role("link", name="Stadstrekker toevoegen (Beheer)"))
    click_and_settle(page, page.get_by_role("tab", name="Steden"))
    fill_and_settle(page, widget(page, "estafette.admin.place").locator("input"), "Zwolle")
    click_and_settle(page, page.get_by_role("button", name="Stad toevoegen"))
    expect(page.get_by_text("Zwolle is toegevoegd als etappe 4.")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("tab", selected=True)).to_have_text("Steden")

    # Lessen: one collapsed line per lesson; the details open on demand.
    goto(page, f"{server.url}/lessen")
    lessons = page.get_by_test_id("stExpander")
    expect(lessons.first).to_be_visible(timeout=TIMEOUT)
    assert lessons.count() == 9
    details = page.get_by_text("De situatie.", exact=False)
    expect(details.first).to_be_hidden()
    open_expander(page, lessons.first)
    expect(details.first).to_be_visible(timeout=TIMEOUT)
    page.close()
