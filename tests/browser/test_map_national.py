"""At national scale (1,000 dialogues) in Chromium: the map clusters and still shows every
dialogue, a click on a marker opens its history; the timeline shows planned and actual bars
with the today line, on its default window."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from bench import data as bench_data

pytestmark = pytest.mark.browser

MAP_FRAME = "iframe[title^='Kaart van de estafette'], iframe[title^='Map of the relay']"
TIMEOUT = 90_000
# Every cluster's count plus every single marker shown (in the frame's own document).
SHOWN = """() => {
    const clusters = [...document.querySelectorAll('.marker-cluster span')]
        .reduce((sum, span) => sum + Number(span.textContent), 0);
    return clusters + document.querySelectorAll('path.estafette-marker').length;
}"""


def _national(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'national.db'}"
    sizes, _ = bench_data.prepare(url, national=True)
    assert sizes["dialogues"] == 1000
    return url


def test_national_map_clusters_every_dialogue_and_a_click_opens_its_history(
    server_factory, page: Page, tmp_path: Path
) -> None:
    server = server_factory(_national(tmp_path))
    page.goto(f"{server.url}/kaart")
    page.locator(MAP_FRAME).wait_for(timeout=TIMEOUT)
    assert page.locator(MAP_FRAME).get_attribute("title") == (
        "Kaart van de estafette: 1000 wijkdialogen"
    )
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".marker-cluster").first.wait_for(timeout=TIMEOUT)
    document = next(f for f in page.frames if f.locator(".leaflet-container").count())
    assert document.evaluate(SHOWN) == 1000
    assert frame.locator(".estafette-legend").is_visible()
    assert frame.locator(".leaflet-overlay-pane path.leaflet-interactive").count() >= 1  # route

    # Into a cluster until single markers show (markers at one spot spiderfy at full zoom).
    markers = frame.locator("path.estafette-marker")
    for _ in range(12):
        if markers.count():
            break
        frame.locator(".marker-cluster").first.click()
        page.wait_for_timeout(900)
    assert markers.count(), "no single marker after zooming into a cluster"
    markers.first.click(force=True)
    chosen = page.get_by_test_id("stSelectbox").get_by_role("combobox")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stSelectbox] input')]"
        ".some(i => i.value)",
        timeout=TIMEOUT,
    )
    assert " · " in chosen.first.input_value()
    # The history (the map's table alternative above it stays folded away).
    page.locator("[data-testid=stDataFrame]:visible").first.wait_for(timeout=TIMEOUT)


def test_national_timeline_has_planned_and_actual_bars_and_the_today_line(
    server_factory, page: Page, tmp_path: Path
) -> None:
    server = server_factory(_national(tmp_path))
    page.goto(f"{server.url}/tijdlijn")
    bars = page.locator(".js-plotly-plot .barlayer .point path")
    bars.first.wait_for(timeout=TIMEOUT)
    fills = bars.evaluate_all("paths => paths.map(p => p.style.fill || '')")
    # Planned bars are hatched (a pattern fill), actual bars solid.
    assert any(fill.startswith("url(") for fill in fills)
    assert any(fill and not fill.startswith("url(") for fill in fills)
    plot = page.locator(".js-plotly-plot").first
    assert "vandaag" in plot.inner_text()
    assert page.locator(".js-plotly-plot .shapelayer path").count() >= 1
    # The default window: the period control offers the last year, chosen, and everything.
    recent = page.get_by_role("radio", name="Afgelopen 12 maanden tot 6 maanden vooruit")
    assert recent.is_checked()
