"""The browser bench's own parts: its table and targets, and the map's floor page."""

from __future__ import annotations

import re
from pathlib import Path

from bench import browser, map_floor
from tests.estafette.test_maps import markers_of
from tests.factories import seeded_engine


def _result(seconds: dict[str, tuple[float, float]]) -> browser.Result:
    result = browser.Result()
    for name, (returning, first) in seconds.items():
        result.seconds[("national", name, "returning")] = [returning]
        result.seconds[("national", name, "first")] = [first]
        result.ws_bytes[("national", name)] = [1000]
    return result


def test_targets_are_checked_for_the_pages_and_never_for_the_floor() -> None:
    seconds = {
        "bare": (0.20, 0.80),
        "methode": (0.28, 1.00),
        "overzicht": (0.29, 1.29),
        "kaart": (0.31, 1.31),
        "tijdlijn": (0.30, 1.30),
        browser.FLOOR: (0.90, 3.00),
    }
    result = _result(seconds)
    missed = browser.missed_targets(result, "national")
    # 0.31 s > 1.5 x 0.20 s, and 1.31 s > 1.3 x 1.00 s: only the map misses, twice.
    assert [line.split(":")[0] for line in missed] == ["kaart", "kaart"]
    table = browser.table(result, ["national"])
    floor = next(line for line in table.splitlines() if browser.FLOOR in line)
    assert "| 0.90 | 4.50 | 3.00 | 3.00 |" in floor


def test_the_floor_page_frames_the_apps_map_with_its_assets(
    sqlite_url: str, tmp_path: Path
) -> None:
    seeded_engine(sqlite_url).dispose()
    script = map_floor.build(sqlite_url, tmp_path)
    assert script.read_text(encoding="utf-8") == map_floor.PAGE
    document = (tmp_path / "static" / "map.html").read_text(encoding="utf-8")
    assert len(markers_of(document)) == 3  # the seed's three legs, as the app's map shows them
    # Every file the document loads is there, at the address the app serves it under.
    loaded = re.findall(r'(?:src|href)="(/app/static/[^"]+)"', document)
    loaded += re.findall(r'"(/app/static/outline/[^"]+)"', document.replace('\\"', '"'))
    assert len(loaded) >= 3  # Leaflet, its styles and the outline (no clusters for three)
    for address in loaded:
        assert (tmp_path / "static" / address.removeprefix("/app/static/")).is_file(), address
