"""The browser bench's own parts: its table and targets, and the map's floor page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench import browser, cli, map_floor
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


def test_the_timeline_table_gives_each_steps_median_and_a_dash_for_steps_never_seen() -> None:
    result = _result({name: (0.3, 1.0) for name in browser.VIEWS})
    result.steps[("national", "kaart")] = [
        {"socket": 300.0, "message": 310.0, "text": 430.0, "element": 560.0, "drawn": 740.0},
        {"socket": 320.0, "message": 330.0, "text": 450.0, "element": 600.0, "drawn": 760.0},
        # A visit that missed a step counts for the others only.
        {"socket": 340.0, "message": 350.0, "element": 640.0, "drawn": 780.0},
    ]
    lines = browser.timeline_table(result, "national").splitlines()
    assert lines[0].split(" | ")[1:] == [*list(browser.STEPS.values())[:-1], "content drawn |"]
    rows = {line.split(" | ")[0].strip("| "): line.split(" | ")[1:] for line in lines[2:]}
    assert rows["kaart"] == ["320", "330", "440", "600", "760 |"]
    assert rows["bare"] == ["–", "–", "–", "–", "– |"]  # never noted: no timeline run for it
    assert list(rows) == ["bare", *browser.PAGES, browser.FLOOR]


def test_the_timeline_looks_for_text_and_elements_in_the_main_area_only() -> None:
    # The sidebar's widget labels are paragraphs too: a "first text" there would not be the page's.
    for name in browser.VIEWS:
        for selector in (browser.FIRST_TEXT, browser.ELEMENT[name]):
            assert all(part.startswith(browser.MAIN + " ") for part in selector.split(", "))
    assert browser.in_main("h1, p") == '[data-testid="stMain"] h1, [data-testid="stMain"] p'


def test_the_browser_bench_gets_the_timeline_option(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, object]] = []
    monkeypatch.setattr(browser, "run", lambda **options: calls.append(options) or 0)
    assert cli.main(["bench", "--browser", "--timeline"]) == 0
    assert cli.main(["bench", "--browser"]) == 0
    assert calls == [{"timeline": True}, {"timeline": False}]


def test_a_timeline_without_the_browser_bench_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["bench", "--timeline"]) == 2
    assert "--browser" in capsys.readouterr().err
