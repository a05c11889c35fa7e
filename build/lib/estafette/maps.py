"""The relay map: every dialogue a marker coloured by its current phase, served without any CDN."""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
from collections.abc import Sequence
from functools import cache
from urllib.parse import quote

import folium
import pandas as pd
import xyzservices as xyz
from branca.element import CssLink, Element, JavascriptLink, MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from estafette import geo, i18n
from estafette.cities import status_key
from estafette.relay import HandoverInfo
from estafette.settings import PDOK_TILES

# Okabe–Ito: distinguishable with every common form of colour blindness.
PHASE_COLOURS: dict[int, str] = {
    1: "#E69F00",
    2: "#56B4E9",
    3: "#009E73",
    4: "#CC79A7",
    5: "#0072B2",
}
UNKNOWN_COLOUR = "#999999"
KADASTER_ATTRIBUTION = "Kaartgegevens © Kadaster"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "© OpenStreetMap-bijdragers"
CLUSTER_THRESHOLD = 50
# Black stands apart from the five Okabe–Ito phase colours.
HANDOVER_COLOUR = "#000000"
MARKER_COLUMNS = ("dialogue_id", "lat", "lon", "phase", "colour", "tooltip", "extra")
DEFAULT_ASSET_BASE = "/app/static/vendor"
NETHERLANDS = (52.2, 5.3)
# Dialogues sharing a spot are spread on a small ring (degrees) so each stays clickable.
SPREAD_RADIUS = 0.012
# The bundled CBS outlines: land below the tiles (so tiles cover it when they load), borders
# above them. Without internet the tiles fail and the country still shows.
LAND_PANE = "estafette-land"
LAND_COLOUR = "#f4f1e8"
PROVINCE_BORDER = "#5a5a5a"
MUNICIPALITY_BORDER = "#b9b4a6"
NO_DIALOGUE_COLOUR = "#d9d9d9"
CBS_ATTRIBUTION = "Grenzen: CBS, Kadaster (CC BY 4.0)"


def asset_urls(base: str = DEFAULT_ASSET_BASE) -> dict[str, str]:
    """Where the app serves the vendored Leaflet, markercluster and jQuery files."""
    return {
        "leaflet_js": f"{base}/leaflet/leaflet.js",
        "leaflet_css": f"{base}/leaflet/leaflet.css",
        "leaflet_images": f"{base}/leaflet/images/",
        "jquery_js": f"{base}/jquery/jquery.min.js",
        "cluster_js": f"{base}/leaflet.markercluster/leaflet.markercluster.js",
        "cluster_css": f"{base}/leaflet.markercluster/MarkerCluster.css",
        "cluster_default_css": f"{base}/leaflet.markercluster/MarkerCluster.Default.css",
    }


def phase_colour(position: int) -> str:
    """The marker colour of a phase position (1–5)."""
    return PHASE_COLOURS.get(int(position), UNKNOWN_COLOUR)


def marker_positions(summary: pd.DataFrame) -> pd.DataFrame:
    """Where each dialogue's marker goes: its location, spread on a ring when shared."""
    if summary.empty:
        return pd.DataFrame({"dialogue_id": [], "lat": [], "lon": []})
    spots = summary[["dialogue_id", "latitude", "longitude"]].reset_index(drop=True)
    key = spots["latitude"].round(5).astype(str) + "," + spots["longitude"].round(5).astype(str)
    index = spots.groupby(key).cumcount()
    count = key.map(key.value_counts())
    angle = 2 * math.pi * index / count
    shared = count > 1
    lat_scale = 1.0
    lon_scale = 1 / pd.Series(spots["latitude"]).map(lambda v: math.cos(math.radians(v)))
    spots["lat"] = spots["latitude"] + shared * SPREAD_RADIUS * lat_scale * angle.map(math.cos)
    spots["lon"] = spots["longitude"] + shared * SPREAD_RADIUS * lon_scale * angle.map(math.sin)
    return spots[["dialogue_id", "lat", "lon"]].reset_index(drop=True)


def nearest_dialogue(positions: pd.DataFrame, lat: float, lng: float) -> int | None:
    """The dialogue whose marker is at (or nearest to) a clicked point."""
    if positions.empty:
        return None
    distance = (positions["lat"] - lat) ** 2 + (positions["lon"] - lng) ** 2
    return int(positions.loc[distance.idxmin(), "dialogue_id"])


def _esc(values: pd.Series) -> pd.Series:
    return values.fillna("").astype(str).map(html.escape)


def _labels(
    summary: pd.DataFrame, lang: str, as_of: dt.date, link_base: str = "/"
) -> tuple[pd.Series, pd.Series]:
    """Tooltip HTML and the popup's extra lines per dialogue; all user text is escaped."""

    def tr(key: str, **values: object) -> str:
        return html.escape(i18n.translate(key, lang, **values))

    undecided = tr("overview.undecided")
    hood = _esc(summary["neighbourhood"]).replace("", undecided)
    theme = _esc(summary["theme"]).replace("", tr("map.no_theme"))
    status = summary["current_status"].map(
        lambda s: tr(status_key(s)) if s else "", na_action="ignore"
    )
    since = pd.to_datetime(summary["current_since"])
    days = (pd.Timestamp(as_of) - since.dt.normalize()).dt.days
    days_text = days.map(
        lambda d: tr("map.days_in_phase", days=int(d)) if pd.notna(d) else tr("map.days_unknown")
    )
    last = pd.to_datetime(summary["last_update"]).dt.strftime("%d-%m-%Y").fillna("—")
    who = _esc(summary["last_update_by"]).replace("", "—")
    head = "<b>" + _esc(summary["city"]) + "</b> · " + hood
    body = (
        "<br>"
        + tr("map.theme")
        + ": "
        + theme
        + "<br>"
        + tr("map.phase")
        + ": <b>"
        + _esc(summary["current_phase"])
        + "</b> ("
        + status.fillna("")
        + ") · "
        + days_text
        + "<br>"
        + tr("map.last_update")
        + ": "
        + last
        + " · "
        + who
    )
    tooltip = head + body
    # The popup repeats the tooltip in the browser; only its extra lines travel separately.
    extra = (
        "<br>"
        + summary["leg"].map(lambda leg: tr("overview.leg", leg=int(leg)))
        + "<br><i>"
        + tr("map.click_hint")
        + "</i>"
        + _page_links(summary, link_base, tr("city.link"), tr("city.open_dialogue"))
    )
    return tooltip, extra


def _page_links(
    summary: pd.DataFrame, base: str, city_label: str, dialogue_label: str
) -> pd.Series:
    """Links from a popup to the Stad page; target _top leaves the map's iframe."""
    base = html.escape(base.rstrip("/") + "/")
    city = summary["city"].map(lambda name: html.escape(quote(str(name))))
    dialogue = summary["dialogue_id"].astype(int).astype(str)
    return (
        '<br><a href="'
        + base
        + "stad?stad="
        + city
        + '" target="_top">'
        + city_label
        + "</a>"
        + ' · <a href="'
        + base
        + "stad?dialoog="
        + dialogue
        + '" target="_top">'
        + dialogue_label
        + "</a>"
    )


def _script_json(data: object) -> str:
    """``data`` as a JavaScript expression that is safe inside <script> and inside Jinja.

    The JSON travels as a string literal for JSON.parse in which "<", ">", "&", "{" and "}"
    are \\u-escaped: no "</script>" breakout, and folium's Jinja pass (it re-parses every
    rendered script as a template) never sees "{{" or "{%" coming from user text.
    """
    inner = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    literal = json.dumps(inner, ensure_ascii=False)
    for char in "<>&{}":
        literal = literal.replace(char, f"\\u{ord(char):04x}")
    return f"JSON.parse({literal})"


def marker_payload(markers: pd.DataFrame) -> str:
    """The markers as the JavaScript expression the map script embeds."""
    return _script_json(markers.to_dict("records"))


def marker_table(
    summary: pd.DataFrame, lang: str, as_of: dt.date, link_base: str = "/"
) -> pd.DataFrame:
    """Per dialogue: marker spot, phase colour, tooltip and popup lines (cacheable plain data)."""
    if summary.empty:
        return pd.DataFrame(columns=list(MARKER_COLUMNS))
    summary = summary.reset_index(drop=True)
    positions = marker_positions(summary)
    tooltip, extra = _labels(summary, lang, as_of, link_base)
    return pd.DataFrame(
        {
            "dialogue_id": summary["dialogue_id"].astype(int),
            "lat": positions["lat"].round(6),
            "lon": positions["lon"].round(6),
            "phase": summary["current_position"].astype(int),
            "colour": summary["current_position"].map(phase_colour),
            "tooltip": tooltip,
            "extra": extra,
        }
    )


class _RenderedScript(Element):
    """Already rendered JavaScript, added to the page as is.

    branca wraps every rendered script in a new Jinja template, which re-lexes the whole
    marker array (slow at 1,000 markers, and template syntax in user text would run).
    """

    def __init__(self, script: str) -> None:
        super().__init__()
        self.script = script

    def render(self, **kwargs: object) -> str:
        """The script itself."""
        return self.script


class DialogueMarkers(JSCSSMixin, MacroElement):
    """All dialogue markers, created in the browser from one JSON array (fast at 1,000+)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
L.Icon.Default.imagePath = {{ this.image_path }};
var estafette_markers = {{ this.data }};
var {{ this.get_name() }} = (function () {
    var group = {% if this.cluster %}L.markerClusterGroup({
        showCoverageOnHover: false, maxClusterRadius: 40, chunkedLoading: true,
        // Neutral grey clusters: the default green/yellow would read as phase colours.
        iconCreateFunction: function (cluster) {
            return L.divIcon({
                html: "<div><span>" + cluster.getChildCount() + "</span></div>",
                className: "marker-cluster estafette-cluster",
                iconSize: L.point(40, 40)
            });
        }
    }){% else %}L.featureGroup(){% endif %};
    var labels = L.featureGroup();
    estafette_markers.forEach(function (d) {
        var marker = L.circleMarker([d.lat, d.lon], {
            radius: 8, color: "#222222", weight: 1,
            fillColor: d.colour, fillOpacity: 0.95, className: "estafette-marker"
        });
        marker.bindTooltip(d.tooltip);
        marker.bindPopup(d.tooltip + d.extra);
        group.addLayer(marker);{% if not this.cluster %}
        // The phase number beside the dot: the phase never depends on colour alone.
        labels.addLayer(L.marker([d.lat, d.lon], {interactive: false, keyboard: false,
            icon: L.divIcon({className: "estafette-phase-label", html: String(d.phase),
                             iconSize: null, iconAnchor: [-7, 18]})}));{% endif %}
    });
    group.addTo({{ this._parent.get_name() }});{% if not this.cluster %}
    labels.addTo({{ this._parent.get_name() }});{% endif %}
    return group;
})();
{% endmacro %}
"""
    )

    def __init__(self, payload: str, *, cluster: bool, assets: dict[str, str]) -> None:
        super().__init__()
        self._name = "DialogueMarkers"
        self.data = payload
        self.cluster = cluster
        self.image_path = _script_json(assets["leaflet_images"])
        self.default_js = [("markercluster_js", assets["cluster_js"])] if cluster else []
        self.default_css = (
            [
                ("markercluster_css", assets["cluster_css"]),
                ("markercluster_default_css", assets["cluster_default_css"]),
            ]
            if cluster
            else []
        )

    def render(self, **kwargs: object) -> None:
        """Add the asset links and the marker script to the page (see _RenderedScript)."""
        figure = self.get_root()
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(CssLink(url), name=name)
        script = self._template.module.__dict__["script"](self, kwargs)
        figure.script.add_child(_RenderedScript(script), name=self.get_name())


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
def outline_json() -> str:
    """Provinces and municipalities of the newest bundled year, as one script expression."""
    provinces = [_rounded(f) for f in geo.features(geo.outline_path("provincie"))]
    municipalities = [_rounded(f) for f in geo.features(geo.outline_path("gemeente"))]
    return _script_json({"provinces": provinces, "municipalities": municipalities})


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
    var outline = {{ this.data }};
    var shading = {{ this.shading }};
    map.createPane("{{ this.pane }}").style.zIndex = 150;
    // Land under the tile pane: visible offline, covered by the tiles when they load.
    L.geoJSON(outline.provinces, {pane: "{{ this.pane }}", interactive: false,
        style: {stroke: false, fillColor: "{{ this.land }}", fillOpacity: 1}}).addTo(map);
    L.geoJSON(outline.municipalities, {interactive: false, style: function (f) {
        var fill = shading[f.id];
        return {color: "{{ this.municipality_border }}", weight: 0.5, className: fill
            ? "estafette-municipality estafette-relay-municipality" : "estafette-municipality",
            fill: !!fill, fillColor: fill || "#000000", fillOpacity: 0.35};
    }}).addTo(map);
    L.geoJSON(outline.provinces, {interactive: false, style: {color: "{{ this.province_border }}",
        weight: 1.5, fill: false, className: "estafette-province"}}).addTo(map);
    map.attributionControl.addAttribution({{ this.attribution }});
})();
{% endmacro %}
"""
    )

    def __init__(self, shading: dict[str, str], attribution: str) -> None:
        super().__init__()
        self._name = "Outline"
        self.data = outline_json()
        self.shading = _script_json(shading)
        self.pane = LAND_PANE
        self.land = LAND_COLOUR
        self.municipality_border = MUNICIPALITY_BORDER
        self.province_border = PROVINCE_BORDER
        self.attribution = _script_json(html.escape(attribution))

    def render(self, **kwargs: object) -> None:
        """Add the outline script as is (see _RenderedScript: no Jinja pass over 300 kB)."""
        script = self._template.module.__dict__["script"](self, kwargs)
        self.get_root().script.add_child(_RenderedScript(script), name=self.get_name())


class Legend(MacroElement):
    """The phase colours as a Leaflet control on the map itself."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.control({position: "bottomright"});
{{ this.get_name() }}.onAdd = function () {
    var div = L.DomUtil.create("div", "estafette-legend");
    div.innerHTML = {{ this.content }};
    return div;
};
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, title: str, entries: list[tuple[str, str]]) -> None:
        super().__init__()
        self._name = "Legend"
        rows = "".join(
            f'<div><span class="estafette-swatch" style="background:{colour}"></span>'
            f"{html.escape(name)}</div>"
            for name, colour in entries
        )
        self.content = _script_json(f"<b>{html.escape(title)}</b>{rows}")


_NO_ZOOM = re.compile(r'<meta name="viewport"[^>]*>')


class ZoomableMap(folium.Map):
    """A folium map whose page does not forbid zooming (WCAG 1.4.4 resize text).

    folium's header sets ``maximum-scale=1.0, user-scalable=no``; it is rendered into the
    figure header (which streamlit-folium reads), so it is replaced there after rendering.
    """

    def render(self, **kwargs: object) -> None:
        """Render as folium does, then drop the zoom-blocking viewport tag."""
        super().render(**kwargs)
        header = self.get_root().header
        name = self.get_name()
        if name in header._children:
            text = header._children[name].render()
            header._children[name] = _RenderedScript(
                _NO_ZOOM.sub(
                    '<meta name="viewport" content="width=device-width, initial-scale=1.0">', text
                )
            )


MAP_CSS = """<style>
.leaflet-container { background: #eef2f5; }
.estafette-legend { background: rgba(255,255,255,0.92); padding: 6px 10px; border-radius: 4px;
  font: 13px/1.5 sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,0.3); }
.estafette-cluster { background-color: rgba(90, 90, 90, 0.35); }
.estafette-cluster div { background-color: rgba(60, 60, 60, 0.75); color: #ffffff; }
.estafette-phase-label { background: #ffffff; color: #000000; border: 1px solid #222222;
  border-radius: 3px; padding: 0 3px; font: bold 11px/14px sans-serif; white-space: nowrap; }
.estafette-swatch { display: inline-block; width: 12px; height: 12px; border-radius: 50%;
  border: 1px solid #222; margin-right: 6px; vertical-align: middle; }
</style>"""


def relay_map(
    summary: pd.DataFrame,
    phases: list[tuple[int, str]],
    *,
    lang: str,
    as_of: dt.date,
    tile_url: str = PDOK_TILES,
    tile_attribution: str = KADASTER_ATTRIBUTION,
    asset_base: str = DEFAULT_ASSET_BASE,
    markers: pd.DataFrame | None = None,
    payload: str | None = None,
    cluster_threshold: int = CLUSTER_THRESHOLD,
    handovers: Sequence[HandoverInfo] = (),
    empty_cities: pd.DataFrame | None = None,
) -> folium.Map:
    """The relay map of ``summary`` (cities.summarise): markers, legend, relay line, basemaps.

    ``markers`` (marker_table) and ``payload`` (marker_payload) are passed in when the
    caller has them cached.
    """
    assets = asset_urls(asset_base)
    # Filtered frames keep their old index; positions and labels are aligned by position.
    summary = summary.reset_index(drop=True)
    m = ZoomableMap(location=NETHERLANDS, zoom_start=7, tiles=None, control_scale=True)
    # Everything the map needs comes from the app itself: no CDN, no bootstrap/awesome-markers.
    m.default_js = [("leaflet", assets["leaflet_js"]), ("jquery", assets["jquery_js"])]
    m.default_css = [("leaflet_css", assets["leaflet_css"])]
    m.get_root().header.add_child(Element(MAP_CSS), name="estafette_map_css")
    # TileProvider objects spare folium a slow lookup of the URL among named providers.
    folium.TileLayer(
        tiles=xyz.TileProvider(
            name=i18n.translate("map.basemap_pdok", lang),
            url=tile_url,
            attribution=html.escape(tile_attribution),
        ),
        max_zoom=19,
    ).add_to(m)
    folium.TileLayer(
        tiles=xyz.TileProvider(
            name=i18n.translate("map.basemap_osm", lang), url=OSM_TILES, attribution=OSM_ATTRIBUTION
        ),
        max_zoom=19,
        show=False,
        overlay=False,
    ).add_to(m)

    empty = empty_cities if empty_cities is not None else pd.DataFrame()
    # The country first, so the relay line and the markers are drawn on top of it.
    shading = municipality_shading(summary)
    for row in empty.itertuples():
        code = municipality_at(round(float(row.latitude), 5), round(float(row.longitude), 5))
        if code is not None:
            shading.setdefault(code, NO_DIALOGUE_COLOUR)
    Outline(shading, CBS_ATTRIBUTION).add_to(m)

    columns = ["city_id", "leg", "latitude", "longitude"]
    cities = pd.concat(
        [summary.drop_duplicates("city_id")[columns], *([empty[columns]] if len(empty) else [])]
    ).sort_values("leg")
    if len(cities) > 1:
        folium.PolyLine(
            cities[["latitude", "longitude"]].to_numpy().tolist(),
            color="#444444",
            weight=2,
            # With many legs the route is context, not the message: keep it faint.
            opacity=0.7 if len(cities) <= CLUSTER_THRESHOLD else 0.25,
            dash_array="6 6",
            tooltip=html.escape(i18n.translate("map.relay_line", lang)),
        ).add_to(m)

    # Passing the baton: a solid line from the handing-over dialogue to the next city.
    passed = [h for h in handovers if h.handed_over_on <= as_of]
    for handover in passed:
        text = i18n.translate(
            "map.handover",
            lang,
            date=handover.handed_over_on.strftime("%d-%m-%Y"),
            source=handover.from_city,
            target=handover.to_city,
        )
        end = [handover.to_latitude, handover.to_longitude]
        folium.PolyLine(
            [[handover.from_latitude, handover.from_longitude], end],
            color=HANDOVER_COLOUR,
            weight=4,
            opacity=0.9,
            tooltip=html.escape(text),
            class_name="estafette-handover",
        ).add_to(m)
        folium.CircleMarker(
            end,
            radius=5,
            color=HANDOVER_COLOUR,
            fill=True,
            fill_opacity=1,
            tooltip=html.escape(text),
        ).add_to(m)

    # A city without a dialogue yet: a hollow grey dot, so it is on the map from day one.
    for row in empty.itertuples():
        text = i18n.translate("map.no_dialogue_tooltip", lang, city=row.city, leg=int(row.leg))
        folium.CircleMarker(
            [float(row.latitude), float(row.longitude)],
            radius=7,
            color="#444444",
            weight=2,
            fill=True,
            fill_color="#ffffff",
            fill_opacity=1,
            tooltip=html.escape(text),
            class_name="estafette-city-empty",
        ).add_to(m)

    markers = marker_table(summary, lang, as_of) if markers is None else markers
    if not markers.empty:
        DialogueMarkers(
            marker_payload(markers) if payload is None else payload,
            cluster=len(markers) > cluster_threshold,
            assets=assets,
        ).add_to(m)
    lats = [*markers["lat"].tolist(), *(empty["latitude"].tolist() if len(empty) else [])]
    lons = [*markers["lon"].tolist(), *(empty["longitude"].tolist() if len(empty) else [])]
    if lats:
        m.fit_bounds(
            [[float(min(lats)), float(min(lons))], [float(max(lats)), float(max(lons))]],
            padding=(30, 30),
            max_zoom=11,
        )

    # The number matches the label beside each marker.
    entries = [(f"{position} {name}", phase_colour(position)) for position, name in phases]
    if passed:
        entries.append((i18n.translate("map.handover_legend", lang), HANDOVER_COLOUR))
    if len(empty):
        entries.append((i18n.translate("map.no_dialogue_legend", lang), "#ffffff"))
    Legend(i18n.translate("map.legend", lang), entries).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return m
