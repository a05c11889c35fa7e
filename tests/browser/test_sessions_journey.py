"""Journey: a sign-in that lasts (reload, second tab, server restart) and ends everywhere."""

from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import _free_port
from tests.browser.signin import submit_sign_in
from tests.browser.streamlit_page import click_and_settle, goto, nav_link, reload, select_option
from tests.uihelpers import prepare

pytestmark = pytest.mark.browser
TIMEOUT = 30_000
STATUS_HEADING = "Geschiedenis van deze wijkdialoog"


def assert_editable(page) -> None:
    """Fase bijwerken shows its form to the signed-in city lead."""
    page.get_by_text(STATUS_HEADING).wait_for(timeout=TIMEOUT)
    page.get_by_role("button", name="Opslaan").wait_for(timeout=TIMEOUT)
    page.get_by_text("Ingelogd als Stadstrekker Deventer (stadstrekker)").wait_for(timeout=TIMEOUT)


def assert_signed_out(page, notice: str) -> None:
    """The tab was signed out on its last interaction and says why."""
    page.get_by_text(notice).first.wait_for(timeout=TIMEOUT)
    nav = page.get_by_test_id("stSidebarNavItems")
    nav.get_by_role("link", name="Inloggen", exact=True).wait_for(timeout=TIMEOUT)
    assert nav.get_by_role("link", name="Fase bijwerken").count() == 0
    assert page.get_by_text("Ingelogd als").count() == 0


def interact(page) -> None:
    """A click that reruns the script (the map page is open to visitors too)."""
    click_and_settle(page, nav_link(page, "Kaart"))


def stop(server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


def test_sign_in_lasts_and_ends_everywhere(server_factory, browser, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'sessions.db'}"
    prepare(url)
    port = _free_port()
    server = server_factory(database_url=url, port=port)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    first = context.new_page()

    # A deep link while signed out leads through the sign-in form and back to the view.
    goto(first, f"{server.url}/fase-bijwerken?lang=nl")
    submit_sign_in(first, "lead@deventer.nl")
    assert_editable(first)
    assert first.url.startswith(f"{server.url}/fase-bijwerken")

    reload(first)
    assert_editable(first)
    second = context.new_page()
    goto(second, f"{server.url}/fase-bijwerken")
    assert_editable(second)

    # The server process restarts: sessions live in the database, not in the process.
    stop(server)
    server = server_factory(database_url=url, port=port)
    reload(first)
    assert_editable(first)

    # Logging out in the second tab signs the first one out on its next interaction.
    click_and_settle(second, second.get_by_role("button", name="Uitloggen"))
    second.get_by_text("Je bent uitgelogd.").first.wait_for(timeout=TIMEOUT)
    assert "estafette_session" not in {c["name"] for c in context.cookies()}
    interact(first)
    assert_signed_out(first, "Je bent uitgelogd.")

    # Signed in again, then a coordinator switches the account off from elsewhere.
    goto(first, f"{server.url}/inloggen?next=/fase-bijwerken")
    submit_sign_in(first, "lead@deventer.nl")
    assert_editable(first)
    coordinator = browser.new_context(viewport={"width": 1400, "height": 1000})
    beheer = coordinator.new_page()
    goto(beheer, f"{server.url}/inloggen?next=/beheer")
    submit_sign_in(beheer, "coord@example.nl")
    account = beheer.get_by_role("combobox", name="Account", exact=True)
    select_option(beheer, account, "lead@deventer.nl")
    expect(account).to_have_value("lead@deventer.nl", timeout=TIMEOUT)
    click_and_settle(beheer, beheer.get_by_role("button", name="Uitschakelen"))
    # A typed address shows with a word joiner before "@" (it would become a mailto: link).
    done = re.compile("lead\u2060?@deventer\\.nl is uitgeschakeld\\.")
    beheer.get_by_text(done).wait_for(timeout=TIMEOUT)
    coordinator.close()
    interact(first)
    assert_signed_out(first, "Je account is uitgeschakeld.")
    first.screenshot(path=str(tmp_path / "deactivated.png"), full_page=True)
    context.close()
