"""The status and lesson forms work by keyboard alone, in a sensible order, with focus shown."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.signin import sign_in
from tests.browser.streamlit_page import TIMEOUT, click_and_settle, rerun
from tests.uihelpers import prepare

pytestmark = pytest.mark.browser

FOCUSED_NAME = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "";
    const label = el.getAttribute("aria-label")
        || (el.labels && el.labels.length ? el.labels[0].innerText : "")
        || el.innerText || "";
    return label.trim();
}"""
# The focused control (or the Streamlit widget frame around it) shows a focus indicator.
FOCUS_VISIBLE = """() => {
    let node = document.activeElement;
    // Checked for the form's own fields and buttons (help icons style focus their own way).
    if (!node.matches("input, textarea, button[type='submit'], [data-testid^='stBaseButton']")) {
        return true;
    }
    for (let depth = 0; node && node !== document.body && depth < 6; depth++) {
        const style = getComputedStyle(node);
        const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
        if (outline || style.boxShadow !== "none" || style.borderColor.includes("0, 114, 178")) {
            return true;
        }
        node = node.parentElement;
    }
    return false;
}"""


# Focus styles fade in (CSS transitions): shown within this, or not at all.
FOCUS_MS = 2_000


def focus_shown(page: Page) -> bool:
    """Whether the focused control shows a focus indicator (once its transition has run)."""
    try:
        page.wait_for_function(FOCUS_VISIBLE, polling=50, timeout=FOCUS_MS)
    except PlaywrightTimeout:
        return False
    return True


def tab_through(page: Page, until: str, limit: int = 40) -> list[str]:
    """Press Tab until the control named ``until`` has focus; the names passed on the way."""
    seen: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        name = page.evaluate(FOCUSED_NAME)
        if name and (not seen or seen[-1] != name):
            seen.append(name)
            assert focus_shown(page), f"no visible focus on {name!r}"
        if name == until or name.endswith(until):
            return seen
    raise AssertionError(f"never reached {until!r}; passed {seen}")


def in_order(seen: list[str], expected: list[str]) -> bool:
    """Whether ``expected`` occurs in ``seen`` in this order."""
    position = 0
    for name in seen:
        # Date fields are three segments ("day, Geplande start", ...): the label is enough.
        if position < len(expected) and expected[position] in name:
            position += 1
    return position == len(expected)


def test_status_form_by_keyboard(server_factory, page: Page, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    prepare(url)
    server = server_factory(database_url=url)
    sign_in(page, server.url, "lead@deventer.nl")
    click_and_settle(
        page, page.locator('[data-testid="stSidebarNavItems"] a[href$="/fase-bijwerken"]')
    )
    page.get_by_role("combobox", name="Status", exact=True).focus()
    seen = tab_through(page, "Opslaan")
    expected = ["Geplande start", "Gepland einde", "Werkelijke start", "Werkelijk einde", "Notitie"]
    assert in_order(seen, [*expected, "Opslaan"]), seen
    # Type a note by keyboard and save with Enter.
    page.get_by_label("Notitie").focus()
    page.keyboard.type("Via het toetsenbord")
    tab_through(page, "Opslaan")
    rerun(page, lambda: page.keyboard.press("Enter"))
    page.get_by_text("Opgeslagen").first.wait_for(timeout=TIMEOUT)


def test_lesson_form_by_keyboard(server_factory, page: Page, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    prepare(url)
    server = server_factory(database_url=url)
    sign_in(page, server.url, "lead@deventer.nl")
    click_and_settle(
        page, page.locator('[data-testid="stSidebarNavItems"] a[href$="/les-toevoegen"]')
    )
    page.get_by_label("Titel", exact=True).focus()
    page.keyboard.type("Koffie op de stoep")
    seen = tab_through(page, "Les voorstellen", limit=80)
    page.locator("textarea[aria-label='De situatie.']").focus()
    page.keyboard.type("Een warme middag in de Rivierenwijk.")
    tab_through(page, "Les voorstellen", limit=80)
    assert in_order(
        seen,
        [
            "Stad, wijkdialoog of Leergang",
            "Fase",
            "De situatie.",
            "Wat werkte en gaf energie.",
            "Aanbeveling voor andere steden.",
            "Les voorstellen",
        ],
    ), seen
    rerun(page, lambda: page.keyboard.press("Enter"))
    assert "De les is voorgesteld" in page.inner_text("body"), page.inner_text("body")[-1500:]
