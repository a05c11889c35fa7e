"""The Netherlands under the markers: CBS provinces and municipalities as GeoJSON.

The outline is the same for every visitor and every rerun, so the app serves it as one
static, content-addressed file (ui/maps.py) that the browser caches; the map script
fetches it. Without a URL (tests, exports) the outline is embedded in the map instead.
"""

from __future__ import annotations

import hashlib
import html
import json
from functools import cache

import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from estafette import geo
from estafette.map_data import RenderedScript, phase_colour, script_json

# The bundled CBS outlines: land below the tiles (so tiles cover it when they load), borders
# above them. Without internet the tiles fail and the country still shows.
LAND_PANE = "estafette-land"
LAND_COLOUR = "#f4f1e8"
PROVINCE_BORDER = "#5a5a5a"
MUNICIPALITY_BORDER = "#b9b4a6"
NO_DIALOGUE_COLOUR = "#d9d9d9"
CBS_ATTRIBUTION = "Grenzen: CBS, Kadaster (CC BY 4.0)"


def _rounded(feature: dict, digits: int = 3) -> dict:
    """``feature`` with coordinates rounded: the outlines are only exact to 0.001 degree."""

    def walk(value: object) -> object:
        if isinstance(value, float):
            return round(value, digits)
        return [walk(v) for v in value] if isinstance(value, list | tuple) else value

    geometry = feature["geometry"]
    return {
        "type": "Feature",
        "id": feature["id"],
        "properties": {"name": feature["properties"].get("statnaam", "")},
        "geometry": {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])},
    }


@cache
def outline_data() -> dict[str, list[dict]]:
    """Provinces and municipalities of the newest bundled year, coordinates rounded."""
    provinces = [_rounded(f) for f in geo.features(geo.outline_path("provincie"))]
    municipalities = [_rounded(f) for f in geo.features(geo.outline_path("gemeente"))]
    return {"provinces": provinces, "municipalities": municipalities}


@cache
def outline_json() -> str:
    """The outline as one script expression (for a map that embeds it)."""
    return script_json(outline_data())


@cache
def outline_document() -> tuple[str, bytes]:
    """The outline as a JSON file: a content-addressed file name and its bytes."""
    body = json.dumps(outline_data(), ensure_ascii=False, separators=(",", ":")).encode()
    return f"outline-{hashlib.sha256(body).hexdigest()[:16]}.json", body


@cache
def _municipality_shapes() -> tuple[tuple[str, dict], ...]:
    return tuple((f["id"], f["geometry"]) for f in geo.features(geo.outline_path("gemeente")))


@cache
def municipality_at(latitude: float, longitude: float) -> str | None:
    """The CBS code of the municipality containing the point, if any."""
    for code, geometry in _municipality_shapes():
        if geo.contains(geometry, longitude, latitude):
            return code
    return None


def municipality_shading(summary: pd.DataFrame) -> dict[str, str]:
    """Per municipality of the relay: the colour of its furthest current phase (grey: none yet)."""
    if summary.empty:
        return {}
    shading: dict[str, tuple[int, str]] = {}
    for row in summary.drop_duplicates(["city_id", "dialogue_id"]).itertuples():
        code = municipality_at(round(float(row.latitude), 5), round(float(row.longitude), 5))
        if code is None:
            continue
        position = 0 if pd.isna(row.current_position) else int(row.current_position)
        colour = phase_colour(position) if position else NO_DIALOGUE_COLOUR
        if code not in shading or position > shading[code][0]:
            shading[code] = (position, colour)
    return {code: colour for code, (_, colour) in shading.items()}


class Outline(MacroElement):
    """The Netherlands from the bundled CBS outlines: land, municipality and province borders."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
    var map = {{ this._parent.get_name() }};
    var shading = {{ this.shading }};
    map.createPane("{{ this.pane }}").style.zIndex = 150;
    map.attributionControl.addAttribution({{ this.attribution }});
    // The polygons of one look drawn as one shape: a few paths for the whole country instead
    // of one per municipality and province (366), which the browser lays out and paints a
    // tenth faster (the national map document alone, Chromium: 203 -> 184 ms).
    function merged(features, look) {
        var groups = {};
        features.forEach(function (f) {
            var key = look(f), rings = groups[key] || (groups[key] = []);
            var shape = f.geometry;
            if (shape.type === "Polygon") { rings.push(shape.coordinates); }
            else { shape.coordinates.forEach(function (p) { rings.push(p); }); }
        });
        return groups;
    }
    function shape(polygons) { return {type: "MultiPolygon", coordinates: polygons}; }
    function draw(outline) {
        var country = merged(outline.provinces, function () { return ""; })[""];
        // Land under the tile pane: visible offline, covered by the tiles when they load.
        L.geoJSON(shape(country), {pane: "{{ this.pane }}", interactive: false,
            style: {stroke: false, fillColor: "{{ this.land }}", fillOpacity: 1}}).addTo(map);
        // Municipalities by shading: the relay's by the colour of their furthest phase.
        var byFill = merged(outline.municipalities, function (f) { return shading[f.id] || ""; });
        var municipalities = Object.keys(byFill).map(function (fill) {
            return L.geoJSON(shape(byFill[fill]), {interactive: false, style: {
                color: "{{ this.municipality_border }}", weight: 0.5, className: fill
                    ? "estafette-municipality estafette-relay-municipality"
                    : "estafette-municipality",
                fill: !!fill, fillColor: fill || "#000000", fillOpacity: 0.35}}).addTo(map);
        });
        var provinces = L.geoJSON(shape(country), {interactive: false,
            style: {color: "{{ this.province_border }}", weight: 1.5, fill: false,
                    className: "estafette-province"}}).addTo(map);
        // Drawn after the markers when fetched: move the borders under them.
        provinces.bringToBack();
        municipalities.forEach(function (layer) { layer.bringToBack(); });
    }
    {% if this.url %}fetch({{ this.url }}).then(function (response) {
        return response.json();
    }).then(draw);{% else %}draw({{ this.data }});{% endif %}
})();
{% endmacro %}
"""
    )

    def __init__(self, shading: dict[str, str], attribution: str, url: str | None = None) -> None:
        super().__init__()
        self._name = "Outline"
        self.url = script_json(url) if url else None
        self.data = None if url else outline_json()
        self.shading = script_json(shading)
        self.pane = LAND_PANE
        self.land = LAND_COLOUR
        self.municipality_border = MUNICIPALITY_BORDER
        self.province_border = PROVINCE_BORDER
        self.attribution = script_json(html.escape(attribution))

    def render(self, **kwargs: object) -> None:
        """Add the outline script as is (see RenderedScript: no Jinja pass over 180 kB)."""
        script = self._template.module.__dict__["script"](self, kwargs)
        self.get_root().script.add_child(RenderedScript(script), name=self.get_name())
