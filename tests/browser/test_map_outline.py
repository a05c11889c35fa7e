"""The map without tiles: the bundled CBS outline shows the country under the relay's markers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route

from tests.browser.streamlit_page import MAP_FRAME, goto, map_document

pytestmark = pytest.mark.browser

TILES = re.compile(r"https://(service\.pdok\.nl|tile\.openstreetmap\.org)/.*")


def _inside(box: dict[str, float], outer: dict[str, float]) -> bool:
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    return (
        outer["x"] <= cx <= outer["x"] + outer["width"]
        and outer["y"] <= cy <= outer["y"] + outer["height"]
    )


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
    provinces = frame.locator(".leaflet-overlay-pane path.estafette-province")
    municipalities = frame.locator(".leaflet-overlay-pane path.estafette-municipality")
    assert provinces.count() == 12
    assert municipalities.count() == 342
    # The municipalities of the relay (Deventer, Utrecht, Amsterdam) are shaded by phase.
    assert frame.locator("path.estafette-relay-municipality").count() == 3
    # The land is filled below the tile pane, so it shows whether or not tiles arrive.
    assert frame.locator(".leaflet-estafette-land-pane path").count() == 12
    # Every marker sits within the drawn country, and within its shaded municipality.
    country = frame.locator(".leaflet-estafette-land-pane svg").bounding_box()
    relay = [
        frame.locator("path.estafette-relay-municipality").nth(i).bounding_box() for i in range(3)
    ]
    assert markers.count() == 3
    for index in range(markers.count()):
        box = markers.nth(index).bounding_box()
        assert _inside(box, country)
        assert any(_inside(box, shape) for shape in relay)
    # Each marker carries its phase number as text, not only as a colour.
    assert frame.locator(".estafette-phase-label").all_inner_texts() == ["1", "1", "1"]
    # The map uses the page width (the sidebar aside).
    frame_box = page.locator(MAP_FRAME).bounding_box()
    main_box = page.get_by_test_id("stMain").bounding_box()
    assert frame_box["width"] > 0.8 * main_box["width"]
    assert tiles, "the test must really have blocked the tiles"
    page.screenshot(path=str(tmp_path / "map-no-tiles.png"), full_page=True)
    assert (tmp_path / "map-no-tiles.png").stat().st_size > 10_000
