"""The one place the browser tests know how to sign in: the sign-in page's HTML form."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.uihelpers import PASSWORD

TIMEOUT = 60_000


def sign_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Sign in with the "Inloggen" form (labels E-mailadres / Wachtwoord, button Inloggen)."""
    page.goto(f"{base_url}/inloggen?lang=nl")
    form = page.get_by_test_id("estafette-login-form")
    form.get_by_label("E-mailadres").fill(email, timeout=TIMEOUT)
    form.get_by_label("Wachtwoord").fill(password)
    form.get_by_role("button", name="Inloggen").click()
    page.get_by_text("Ingelogd als").first.wait_for(timeout=TIMEOUT)


def settle(page: Page) -> None:
    """Wait until the script run is over and the page has drawn."""
    running = page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')
    for _ in range(2):  # a component's first value (the map's) can start one more run
        running.wait_for(timeout=TIMEOUT)
        page.wait_for_function(
            "() => !document.querySelector('[data-stale=\"true\"]')", timeout=TIMEOUT
        )
        page.wait_for_timeout(800)
