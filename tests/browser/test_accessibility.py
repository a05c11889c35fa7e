"""axe-core over every page, signed out and as each role, in Dutch and English.

Zero violations of WCAG 2.0/2.1 A and AA rules in the app's own markup, including the map's
iframe. What Streamlit itself renders and the app cannot change is excluded narrowly below (by
rule *and* Streamlit element) and listed in the README's accessibility statement.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page, expect

from tests.browser.signin import sign_in
from tests.browser.streamlit_page import (
    MAP_FRAME,
    TIMEOUT,
    click_and_settle,
    goto,
    map_document,
)
from tests.uihelpers import prepare

pytestmark = pytest.mark.browser
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ACCOUNTS = {
    "coordinator": "coord@example.nl",
    "city_lead": "lead@deventer.nl",
    "trainer": "trainer@example.nl",
}
LANGUAGE_LABEL = {"nl": "Nederlands", "en": "English"}

# Streamlit's own markup the app cannot fix: (axe rule, CSS selector of the Streamlit element).
# Each is listed, with its upstream issue, in the README ("Toegankelijkheid").
STREAMLIT_OWN: set[tuple[str, str]] = {
    # st.navigation with sections renders its section headers as <div>s directly inside the
    # <ul> of page links (and so <li>s outside a list). Upstream: streamlit/streamlit#8399.
    ("list", '[data-testid="stSidebarNav"]'),
    ("listitem", '[data-testid="stSidebarNav"]'),
}


def axe(target: Page | Frame) -> list[dict]:
    """The axe violations (WCAG 2.x A/AA) of a page or frame."""
    if not target.evaluate("typeof window.axe !== 'undefined'"):
        target.evaluate(AXE)
    result = target.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        TAGS,
    )
    return result["violations"]


def app_violations(violations: list[dict], page: Page | Frame) -> list[dict]:
    """Violations with the nodes Streamlit owns (see STREAMLIT_OWN) taken out."""
    out = []
    for violation in violations:
        nodes = []
        for node in violation["nodes"]:
            selector = node["target"][0] if isinstance(node["target"][0], str) else ""
            owned = any(
                rule == violation["id"]
                and page.evaluate(
                    "([sel, own]) => { const el = document.querySelector(sel);"
                    " return !!el && !!el.closest(own); }",
                    [selector, owner],
                )
                for rule, owner in STREAMLIT_OWN
            )
            if not owned:
                nodes.append(node)
        if nodes:
            out.append({**violation, "nodes": nodes})
    return out


def describe(violations: list[dict]) -> str:
    """A readable summary for the assertion message."""
    return json.dumps(
        [
            {
                "id": v["id"],
                "help": v["help"],
                "nodes": [(n["target"], n["failureSummary"][:200]) for n in v["nodes"][:5]],
            }
            for v in violations
        ],
        indent=1,
        ensure_ascii=False,
    )


def map_frame(page: Page) -> Frame | None:
    """The map's frame, once Leaflet has drawn in it and the page has settled."""
    # The page names the frame itself (st.iframe's alt), in the reader's language.
    if not page.locator(MAP_FRAME).count():
        return None
    return map_document(page)


def check_every_page(page: Page, lang: str, found: dict[str, list[dict]], who: str) -> int:
    """Run axe on every page in the sidebar; return how many pages were checked."""
    links = page.get_by_test_id("stSidebarNavItems").get_by_role("link")
    paths = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert paths, "no pages in the sidebar"
    for path in paths:
        # By address: the list is redrawn on every run, so positions are not stable.
        link = page.locator(f'[data-testid="stSidebarNavItems"] a[href="{path}"]')
        link.wait_for(timeout=TIMEOUT)
        click_and_settle(page, link)
        where = f"{who}/{lang}/{path}"
        expect(page.locator("html"), where).to_have_attribute("lang", lang, timeout=TIMEOUT)
        # A map is checked once drawn, so that nothing reruns while axe reads the page.
        frame = map_frame(page)
        violations = app_violations(axe(page), page)
        if violations:
            found[where] = violations
        if frame is not None:
            inner = app_violations(axe(frame), frame)
            if inner:
                found[where + " (kaart-iframe)"] = inner
    return len(paths)


@pytest.mark.parametrize("role", [None, *ACCOUNTS])
def test_no_wcag_violations_on_any_page(server_factory, page: Page, tmp_path, role) -> None:
    url = f"sqlite:///{tmp_path / 'a11y.db'}"
    prepare(url)
    server = server_factory(database_url=url)
    page.set_viewport_size({"width": 1400, "height": 1000})
    if role is None:
        goto(page, f"{server.url}/?lang=nl")
    else:
        sign_in(page, server.url, ACCOUNTS[role])
    found: dict[str, list[dict]] = {}
    checked = 0
    for lang in ("nl", "en"):
        sidebar = page.get_by_test_id("stSidebar")
        # Choosing the language already chosen reruns nothing.
        chosen = sidebar.get_by_role("radio", name=LANGUAGE_LABEL[lang], exact=True).is_checked()
        click_and_settle(
            page,
            sidebar.get_by_text(LANGUAGE_LABEL[lang], exact=True),
            rerun_expected=not chosen,
        )
        try:
            checked += check_every_page(page, lang, found, role or "anonymous")
        except Exception:
            page.screenshot(path=str(tmp_path / f"failure-{lang}.png"), full_page=True)
            raise
    assert checked >= 2
    assert not found, describe(
        [{**v, "id": f"{k}: {v['id']}"} for k, vs in found.items() for v in vs]
    )
