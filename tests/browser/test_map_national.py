"""At national scale (1,000 dialogues) in Chromium: the map clusters and still shows every
dialogue, a click on a marker opens its history; the timeline (static SVG) shows planned and
actual bars with the today line, on its default window."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from bench import data as bench_data
from tests.browser.streamlit_page import MAP_FRAME, goto, map_document, rerun

pytestmark = pytest.mark.browser

TIMEOUT = 90_000
# Every cluster's count plus every single marker shown (in the frame's own document).
SHOWN = """() => {
    const clusters = [...document.querySelectorAll('.marker-cluster span')]
        .reduce((sum, span) => sum + Number(span.textContent), 0);
    return clusters + document.querySelectorAll('path.estafette-marker').length;
}"""
# The map's zoom level (the map document names its Leaflet map window.estafetteMap).
ZOOM = "() => window.estafetteMap.getZoom()"
# A click on a cluster has had its effect: zoomed in (or, at full zoom, spread the markers
# at one spot), and neither Leaflet's zoom nor the cluster layer is animating any more.
ZOOMED_IN = """(before) => {
    const busy = document.querySelector('.leaflet-zoom-anim, .leaflet-cluster-anim');
    const spread = document.querySelector('path.estafette-marker');
    const map = window.estafetteMap;
    return !busy && !map._animatingZoom && (map.getZoom() > before || !!spread);
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
    goto(page, f"{server.url}/kaart", timeout=TIMEOUT)
    page.locator(MAP_FRAME).wait_for(timeout=TIMEOUT)
    assert page.locator(MAP_FRAME).get_attribute("title") == (
        "Kaart van de estafette: 1000 wijkdialogen"
    )
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".marker-cluster").first.wait_for(timeout=TIMEOUT)
    document = map_document(page, timeout=TIMEOUT)
    assert document.evaluate(SHOWN) == 1000
    assert frame.locator(".estafette-legend").is_visible()
    assert frame.locator(".leaflet-overlay-pane path.leaflet-interactive").count() >= 1  # route

    # Into a cluster until single markers show (markers at one spot spiderfy at full zoom).
    markers = frame.locator("path.estafette-marker")
    for _ in range(12):
        if markers.count():
            break
        before = document.evaluate(ZOOM)
        frame.locator(".marker-cluster").first.click()
        document.wait_for_function(ZOOMED_IN, arg=before, polling=50, timeout=TIMEOUT)
    assert markers.count(), "no single marker after zooming into a cluster"
    # A mark in the map document's JavaScript world survives anything but a reload.
    zoom = document.evaluate(
        "() => { window.__estafetteKept = true; return window.estafetteMap.getZoom(); }"
    )
    # The click selects the dialogue: the map's fragment reruns.
    rerun(page, lambda: markers.first.click(force=True), timeout=TIMEOUT)
    chosen = page.get_by_test_id("stSelectbox").get_by_role("combobox")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stSelectbox] input')]"
        ".some(i => i.value)",
        timeout=TIMEOUT,
    )
    assert " · " in chosen.first.input_value()
    # The history (the map's table alternative above it stays folded away).
    page.locator("[data-testid=stDataFrame]:visible").first.wait_for(timeout=TIMEOUT)
    # The map was not drawn again for it: the frame kept its document and its zoom.
    assert document.evaluate("() => window.__estafetteKept === true")
    assert document.evaluate(ZOOM) == zoom
    # A link in the marker's popup opens the dialogue on its own page (the frame may not
    # navigate the page; the page follows the link for it).
    link = frame.locator(".leaflet-popup-content a", has_text="Bekijk deze wijkdialoog")
    link.wait_for(timeout=TIMEOUT)
    with page.expect_navigation(timeout=TIMEOUT):
        link.click()
    assert "/stad?dialoog=" in page.url


def test_national_timeline_has_planned_and_actual_bars_and_the_today_line(
    server_factory, page: Page, tmp_path: Path
) -> None:
    server = server_factory(_national(tmp_path))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    goto(page, f"{server.url}/tijdlijn", timeout=TIMEOUT)
    chart = page.locator("svg.est-timeline")
    bars = chart.locator("rect.est-bar")
    bars.first.wait_for(timeout=TIMEOUT)
    assert "Tijdlijn: 25 wijkdialogen" in chart.locator("title").first.text_content()
    assert chart.locator("text.est-today-label").text_content() == "vandaag"
    assert chart.locator("line.est-today").count() == 1
    # The default window: the period control offers the last year, chosen, and everything.
    recent = page.get_by_role("radio", name="Afgelopen 12 maanden tot 6 maanden vooruit")
    assert recent.is_checked()
    # The running phases of the first legs reach today, solid.
    actual = chart.locator("rect.est-bar.est-actual")
    assert actual.count() >= 3
    # Everything: the first legs' planned phases (2018) come into view too.
    rerun(page, lambda: page.get_by_text("Alles", exact=True).click(), timeout=TIMEOUT)
    fills = bars.evaluate_all("rects => rects.map(r => getComputedStyle(r).fill)")
    # Planned bars are hatched (a pattern fill that resolves in the page), actual bars solid.
    assert any(fill.startswith("url(") for fill in fills)
    assert any(fill.startswith("rgb(") for fill in fills)
    assert chart.locator("rect.est-bar.est-planned").first.bounding_box()["width"] > 0
    # Static SVG: the browser never fetched plotly.js.
    assert [url for url in requests if "plotly" in url.lower()] == []
