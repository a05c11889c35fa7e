"""The map without tiles: the bundled CBS outline shows the country under the relay's markers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.streamlit_page import MAP_FRAME, goto, map_document

pytestmark = pytest.mark.browser

TILES = re.compile(r"https://(service\.pdok\.nl|tile\.openstreetmap\.org)/.*")


# For each marker: whether its centre lies within the shape ``selector`` names, by the browser's
# own geometry (SVG isPointInFill, in that shape's coordinates, wherever its pane puts it).
INSIDE = """selector => {
    const shape = document.querySelector(selector);
    const toShape = shape.getScreenCTM().inverse();
    return [...document.querySelectorAll("path.estafette-marker")].map(marker => {
        const box = marker.getBBox();
        const centre = new DOMPoint(box.x + box.width / 2, box.y + box.height / 2);
        const onScreen = centre.matrixTransform(marker.getScreenCTM());
        return shape.isPointInFill(onScreen.matrixTransform(toShape));
    });
}"""


def test_outline_and_provinces_are_drawn_without_tiles(server, page: Page, tmp_path: Path) -> None:
    tiles: list[str] = []

    def block(route: Route) -> None:
        tiles.append(route.request.url)
        route.abort()

    page.route(TILES, block)
    goto(page, f"{server.url}/kaart")
    frame = map_document(page)
    markers = frame.locator(".leaflet-overlay-pane path.estafette-marker")
    markers.first.wait_for(timeout=30_000)
    # Polygons of one look are one shape: the provinces' borders, the municipalities unshaded,
    # and the relay's municipalities (Deventer, Utrecht, Amsterdam: all in phase 1, one colour).
    provinces = frame.locator(".leaflet-overlay-pane path.estafette-province")
    municipalities = frame.locator(".leaflet-overlay-pane path.estafette-municipality")
    relay = frame.locator("path.estafette-relay-municipality")
    expect(relay).to_have_count(1)
    assert provinces.count() == 1 and municipalities.count() == 2
    # The land is filled below the tile pane, so it shows whether or not tiles arrive.
    assert frame.locator(".leaflet-estafette-land-pane path").count() == 1
    # Every marker sits within the filled country, and within the relay's shaded area: the
    # browser's own geometry, at each marker's centre.
    assert markers.count() == 3
    assert frame.evaluate(INSIDE, ".leaflet-estafette-land-pane path") == [True] * 3
    assert frame.evaluate(INSIDE, "path.estafette-relay-municipality") == [True] * 3
    # And in no other municipality.
    others = "path.estafette-municipality:not(.estafette-relay-municipality)"
    assert frame.evaluate(INSIDE, others) == [False] * 3
    # Each marker carries its phase number as text, not only as a colour.
    assert frame.locator(".estafette-phase-label").all_inner_texts() == ["1", "1", "1"]
    # The map uses the page width (the sidebar aside).
    frame_box = page.locator(MAP_FRAME).bounding_box()
    main_box = page.get_by_test_id("stMain").bounding_box()
    assert frame_box["width"] > 0.8 * main_box["width"]
    assert tiles, "the test must really have blocked the tiles"
    page.screenshot(path=str(tmp_path / "map-no-tiles.png"), full_page=True)
    assert (tmp_path / "map-no-tiles.png").stat().st_size > 10_000
