"""Smoke: the real app in headless Chromium shows the three legs and the Dutch phase names."""

from __future__ import annotations

import pytest

from tests.browser.streamlit_page import goto

pytestmark = pytest.mark.browser

PHASES = ["Verkennen", "Verbeelden", "Vormgeven", "Evalueren", "Vervolgen"]


def test_overview_shows_cities_and_phases(server, page, tmp_path) -> None:
    goto(page, server.url)
    # The matrix is the last element drawn.
    page.locator(".st-key-estafette-overview-matrix table").wait_for(timeout=30_000)
    page.get_by_text("VAN ZOOI NAAR MOOI!").wait_for(timeout=30_000)
    body = page.inner_text("body")
    for city in ("Deventer", "Utrecht", "Amsterdam"):
        assert city in body
    for phase in PHASES:
        assert phase in body
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
