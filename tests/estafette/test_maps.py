"""The relay map: markers by phase, escaping, clustering, no CDN."""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
from sqlalchemy.orm import Session

from estafette import map_data, maps, seed
from estafette.settings import PDOK_TILES
from tests.factories import make_city, make_dialogue, relay_summary
from tests.hostile import LINK, SCRIPT

PHASES = [(1, "Verkennen"), (2, "Verbeelden"), (3, "Vormgeven"), (4, "Evalueren"), (5, "Vervolgen")]
XSS = SCRIPT  # the one hostile corpus: tests/hostile.py
TODAY = dt.date(2026, 1, 1)


def markers_of(html: str) -> list[dict]:
    """The marker data embedded in a rendered map, tooltips and popups filled in."""
    match = re.search(r"var estafette_map = JSON\.parse\((.*)\);\n", html)
    assert match, "no marker data in the map"
    data = json.loads(json.loads(match.group(1)))
    shapes = data["templates"]
    return [
        {
            **m,
            "tooltip": map_data.fill(shapes["tooltip"], m),
            "extra": map_data.fill(shapes["extra"], m),
        }
        for m in (dict(zip(data["columns"], row, strict=True)) for row in data["rows"])
    ]


def render(summary: pd.DataFrame, **kwargs: object) -> str:
    return maps.relay_map(summary, PHASES, lang="nl", as_of=TODAY, **kwargs).get_root().render()


def test_seeded_markers_are_coloured_by_phase(session: Session) -> None:
    seed.add_demo(session.get_bind(), today=TODAY)
    summary = relay_summary(session)
    markers = markers_of(render(summary))
    assert len(markers) == 6
    by_id = {m["dialogue_id"]: m for m in markers}
    for row in summary.itertuples():
        assert by_id[row.dialogue_id]["colour"] == maps.PHASE_COLOURS[row.current_position]
    assert {m["colour"] for m in markers} == {
        maps.PHASE_COLOURS[p] for p in (1, 2, 3, 4)
    }  # seeded legs in Verkennen, demo dialogues in phases 2, 3 and 4
    # Two dialogues in the same city get separate spots.
    assert len({(m["lat"], m["lon"]) for m in markers}) == 6


def test_nothing_loads_from_a_cdn(session: Session) -> None:
    fmap = maps.relay_map(relay_summary(session), PHASES, lang="nl", as_of=TODAY)
    html = fmap.get_root().render()
    urls = set(re.findall(r"https?://[^\s\"'<>]+", html))
    assert urls == {PDOK_TILES, maps.OSM_TILES}
    for _, src in [*fmap.default_js, *fmap.default_css]:
        assert src.startswith("/app/static/vendor/")
    assert json.dumps("Kaartgegevens © Kadaster") in html
    assert "estafette-legend" in html and "Verkennen" in html
    assert "L.Icon.Default.imagePath" in html


def test_tile_url_is_configurable(session: Session) -> None:
    html = render(relay_summary(session), tile_url="http://127.0.0.1:9/{z}/{x}/{y}.png")
    assert "http://127.0.0.1:9/{z}/{x}/{y}.png" in html


def test_user_text_is_escaped(session: Session) -> None:
    city = make_city(session, XSS)
    make_dialogue(session, city, neighbourhood=XSS, theme=XSS)
    session.commit()
    html = render(relay_summary(session))
    assert XSS not in html
    assert "<img" not in html
    marker = next(m for m in markers_of(html) if "onerror" in m["tooltip"])
    assert "&lt;img src=x onerror=alert(1)&gt;" in marker["tooltip"]
    assert marker["tooltip"].count("&lt;img src=x onerror=alert(1)&gt;") == 3


def test_markdown_in_user_text_is_text_in_the_map(session: Session) -> None:
    # Popups and tooltips are HTML: Markdown there is text, and HTML escaping is the rule.
    city = make_city(session, LINK)
    make_dialogue(session, city, neighbourhood=LINK, theme=LINK)
    session.commit()
    html = render(relay_summary(session))
    assert 'href="https://evil' not in html and "href='https://evil" not in html
    marker = next(m for m in markers_of(html) if "Klik hier" in m["tooltip"])
    assert marker["tooltip"].count(LINK) == 3


def test_template_syntax_in_user_text_stays_text(session: Session) -> None:
    # folium re-parses rendered scripts as Jinja templates; user text must never reach Jinja.
    make_dialogue(session, make_city(session, "Sjabloonstad"), neighbourhood="{{ 7*7 }} {% if 1 %}")
    session.commit()
    marker = next(
        m for m in markers_of(render(relay_summary(session))) if "Sjabloon" in m["tooltip"]
    )
    assert "{{ 7*7 }} {% if 1 %}" in marker["tooltip"]


def test_many_markers_are_clustered_and_the_relay_line_follows_legs() -> None:
    summary = pd.DataFrame(
        {
            "dialogue_id": range(1, 61),
            "city_id": [i // 2 for i in range(60)],
            "leg": [i // 2 + 1 for i in range(60)],
            "city": [f"Stad {i // 2}" for i in range(60)],
            "neighbourhood": "",
            "theme": "",
            "latitude": [51.0 + i / 30 for i in range(60)],
            "longitude": [4.0 + (i // 2) / 10 for i in range(60)],
            "current_phase": "Verkennen",
            "current_status": "bezig",
            "current_position": 1,
            "current_since": pd.NaT,
            "last_update": pd.Timestamp("2025-01-01"),
            "last_update_by": "",
        }
    )
    fmap = maps.relay_map(summary, PHASES, lang="nl", as_of=TODAY)
    html = fmap.get_root().render()
    assert "L.markerClusterGroup" in html
    layer = next(c for c in fmap._children.values() if isinstance(c, maps.DialogueMarkers))
    assert [src for _, src in layer.default_js] == [
        "/app/static/vendor/leaflet.markercluster/leaflet.markercluster.js"
    ]
    assert len(markers_of(html)) == 60
    assert "L.polyline" in html
    small = render(summary.head(10))
    assert "L.markerClusterGroup" not in small and "L.featureGroup" in small


def test_click_selects_the_nearest_dialogue() -> None:
    summary = pd.DataFrame(
        {"dialogue_id": [7, 8, 9], "latitude": [52.0, 52.0, 53.0], "longitude": [5.0, 5.0, 6.0]}
    )
    spots = maps.marker_positions(summary)
    assert len({(r.lat, r.lon) for r in spots.itertuples()}) == 3


def test_vendored_assets_are_copied_once(tmp_path) -> None:
    from estafette import map_assets as ui_maps

    target = ui_maps.install(tmp_path / "vendor")
    leaflet = target / "leaflet" / "leaflet.js"
    assert leaflet.stat().st_size > 100_000
    for url in maps.asset_urls("/base").values():
        if not url.endswith("/"):
            assert (target / url.removeprefix("/base/")).is_file(), url
    stamp = leaflet.stat().st_mtime_ns
    ui_maps.install(tmp_path / "vendor")
    assert leaflet.stat().st_mtime_ns == stamp


def _summary(count: int) -> pd.DataFrame:
    """``count`` dialogues, two per city, the two of a city at the very same spot."""
    return pd.DataFrame(
        {
            "dialogue_id": range(1, count + 1),
            "city_id": [i // 2 for i in range(count)],
            "leg": [i // 2 + 1 for i in range(count)],
            "city": [f"Stad {i // 2}" for i in range(count)],
            "neighbourhood": "",
            "theme": "",
            "latitude": [51.0 + (i // 2) / 30 for i in range(count)],
            "longitude": [4.0 + (i // 2) / 10 for i in range(count)],
            "current_phase": "Verkennen",
            "current_status": "bezig",
            "current_position": 1,
            "current_since": pd.NaT,
            "last_update": pd.Timestamp("2025-03-05 14:00"),
            "last_update_by": "",
        }
    )


def test_markers_at_one_spot_are_spread_and_clusters_open_up() -> None:
    summary = _summary(4)
    markers = markers_of(render(summary))
    assert len(markers) == 4
    # Two dialogues per spot, yet four distinct marker positions: each can be reached.
    assert len({(m["lat"], m["lon"]) for m in markers}) == 4
    for first, second in ((0, 1), (2, 3)):
        gap = abs(markers[first]["lat"] - markers[second]["lat"]) + abs(
            markers[first]["lon"] - markers[second]["lon"]
        )
        assert gap > map_data.SPREAD_RADIUS
    clustered = render(_summary(120))
    # At scale: clustered in one batch, and a cluster at one spot spiderfies at full zoom.
    assert "group.addLayers(markers)" in clustered
    assert "spiderfyOnMaxZoom: true" in clustered


def test_tooltip_dates_go_through_babel() -> None:
    nl = markers_of(render(_summary(2)))[0]["tooltip"]
    assert "5 mrt 2025" in nl and "05-03-2025" not in nl
    en = markers_of(
        maps.relay_map(_summary(2), PHASES, lang="en", as_of=TODAY).get_root().render()
    )[0]["tooltip"]
    assert "5 Mar 2025" in en


def test_the_map_frame_gets_a_translated_title() -> None:
    assert "Kaart van de estafette: 4 wijkdialogen" in render(_summary(4))
    english = maps.relay_map(_summary(1), PHASES, lang="en", as_of=TODAY).get_root().render()
    assert "Map of the relay: 1 dialogue" in english
    assert 'window.frameElement.setAttribute("title", title)' in english


def test_the_outline_is_fetched_from_its_url_or_embedded(tmp_path) -> None:
    from estafette import map_assets as ui_maps
    from estafette import map_outline

    url = ui_maps.outline_url.__wrapped__(tmp_path)
    name, _ = map_outline.outline_document()
    assert url == f"/app/static/outline/{name}"
    assert json.loads((tmp_path / name).read_bytes()) == map_outline.outline_data()
    fetched = render(_summary(2), outline_url=url)
    assert f'fetch(JSON.parse("\\"{url}\\""))' in fetched
    # The 180 kB outline no longer travels inside the map on every rerun.
    assert len(fetched) < len(render(_summary(2))) - 100_000
    assert "jquery" not in fetched.lower()
