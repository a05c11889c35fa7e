"""The one place the browser tests know how to sign in: the sign-in page's HTML form."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.streamlit_page import TIMEOUT, click_and_settle, goto, settle
from tests.uihelpers import PASSWORD


def submit_sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Fill the "Inloggen" form the page shows (E-mailadres / Wachtwoord) and submit it.

    The form posts to the server, which answers with a redirect: a new document, whose first
    run this waits for.
    """
    settle(page)
    form = page.get_by_test_id("estafette-login-form")
    form.get_by_label("E-mailadres").fill(email, timeout=TIMEOUT)
    form.get_by_label("Wachtwoord").fill(password)
    click_and_settle(page, form.get_by_role("button", name="Inloggen"))


def sign_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Open the sign-in page in Dutch, sign in and wait until the app says so."""
    goto(page, f"{base_url}/inloggen?lang=nl")
    submit_sign_in(page, email, password)
    expect(page.get_by_text("Ingelogd als").first).to_be_visible(timeout=TIMEOUT)
