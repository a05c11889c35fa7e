"""The relay map: every dialogue a marker coloured by its current phase, served without any CDN."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence

import folium
import pandas as pd
import xyzservices as xyz
from branca.element import CssLink, Element, JavascriptLink, MacroElement
from folium.elements import JSCSSMixin
from folium.map import FitBounds
from jinja2 import Template

from estafette import formatting, i18n
from estafette.map_data import (
    PHASE_COLOURS,
    RenderedScript,
    marker_payload,
    marker_positions,
    marker_table,
    phase_colour,
    script_json,
)
from estafette.map_outline import (
    CBS_ATTRIBUTION,
    NO_DIALOGUE_COLOUR,
    Outline,
    municipality_at,
    municipality_shading,
)
from estafette.relay import HandoverInfo
from estafette.settings import PDOK_TILES

KADASTER_ATTRIBUTION = "Kaartgegevens © Kadaster"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "© OpenStreetMap-bijdragers"
CLUSTER_THRESHOLD = 50
# Black stands apart from the five Okabe–Ito phase colours.
HANDOVER_COLOUR = "#000000"
DEFAULT_ASSET_BASE = "/app/static/vendor"
NETHERLANDS = (52.2, 5.3)


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


class DialogueMarkers(JSCSSMixin, MacroElement):
    """All dialogue markers, created in the browser from one JSON array (fast at 1,000+)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
L.Icon.Default.imagePath = {{ this.image_path }};
var estafette_map = {{ this.data }};
var {{ this.get_name() }} = (function () {
    var shapes = estafette_map.templates;
    // Even places hold our escaped HTML, odd places name a marker's (escaped) text value.
    function fill(template, d) {
        var out = "";
        for (var i = 0; i < template.length; i++) { out += i % 2 ? d[template[i]] : template[i]; }
        return out;
    }
    var group = {% if this.cluster %}L.markerClusterGroup({
        // Markers at one spot open up (spiderfy) at the deepest zoom, so each can be reached.
        showCoverageOnHover: false, maxClusterRadius: 40, spiderfyOnMaxZoom: true,
        // Neutral grey clusters: the default green/yellow would read as phase colours.
        iconCreateFunction: function (cluster) {
            return L.divIcon({
                html: "<div><span>" + cluster.getChildCount() + "</span></div>",
                className: "marker-cluster estafette-cluster",
                iconSize: L.point(40, 40)
            });
        }
    }){% else %}L.featureGroup(){% endif %};
    var labels = [];
    var columns = estafette_map.columns;
    var markers = estafette_map.rows.map(function (row) {
        var d = {};
        for (var c = 0; c < columns.length; c++) { d[columns[c]] = row[c]; }
        var marker = L.circleMarker([d.lat, d.lon], {
            radius: 8, color: "#222222", weight: 1,
            fillColor: d.colour, fillOpacity: 0.95, className: "estafette-marker"
        });
        marker.estafette = d;{% if not this.cluster %}
        // The phase number beside the dot: the phase never depends on colour alone.
        labels.push(L.marker([d.lat, d.lon], {interactive: false, keyboard: false,
            icon: L.divIcon({className: "estafette-phase-label", html: String(d.phase),
                             iconSize: null, iconAnchor: [-7, 18]})}));{% endif %}
        return marker;
    });
    // Tooltip, popup and click are bound once, on the group, for every marker in it: a
    // marker's events reach its group with the marker as their layer (clusters' events come
    // as cluster* events instead). The texts are built when first shown. One binding instead
    // of 1,000 tooltips, popups and click handlers (five listeners each) to set up per view.
    group.bindTooltip(function (marker) { return fill(shapes.tooltip, marker.estafette); });
    group.bindPopup(function (marker) {
        return fill(shapes.tooltip, marker.estafette) + fill(shapes.extra, marker.estafette);
    });
    // The page shows the clicked dialogue's history (estafette.map_page.FrameBridge).
    group.on("click", function (event) {
        var d = event.layer && event.layer.estafette;
        if (d && window.estafetteDialogueClicked) {
            window.estafetteDialogueClicked(d.dialogue_id);
        }
    });
    // One batch: markercluster clusters all markers in one pass instead of one by one.
    {% if this.cluster %}group.addLayers(markers);{% else %}markers.forEach(function (m) {
        group.addLayer(m);
    });{% endif %}
    group.addTo({{ this._parent.get_name() }});{% if not this.cluster %}
    L.featureGroup(labels).addTo({{ this._parent.get_name() }});{% endif %}
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
        self.image_path = script_json(assets["leaflet_images"])
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
        """Add the asset links and the marker script to the page (see RenderedScript)."""
        figure = self.get_root()
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(CssLink(url), name=name)
        script = self._template.module.__dict__["script"](self, kwargs)
        figure.script.add_child(RenderedScript(script), name=self.get_name())


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
        self.content = script_json(f"<b>{html.escape(title)}</b>{rows}")


class FrameTitle(MacroElement):
    """A meaningful, translated title for the frame the map is shown in (screen readers).

    The map runs inside a component frame titled after the component's Python name; its
    script is same-origin with the page, so it can name its own frame.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
    var title = {{ this.title }};
    document.title = title;
    try {
        if (window.frameElement) { window.frameElement.setAttribute("title", title); }
    } catch (e) { /* a cross-origin embedding keeps its own title */ }
})();
{% endmacro %}
"""
    )

    def __init__(self, title: str) -> None:
        super().__init__()
        self._name = "FrameTitle"
        self.title = script_json(title)


_NO_ZOOM = re.compile(r'<meta name="viewport"[^>]*>')


class ZoomableMap(folium.Map):
    """A folium map whose page does not forbid zooming (WCAG 1.4.4 resize text).

    folium's header sets ``maximum-scale=1.0, user-scalable=no``; it is rendered into the
    figure header, so it is replaced there after rendering.
    """

    def render(self, **kwargs: object) -> None:
        """Render as folium does, then drop the zoom-blocking viewport tag."""
        super().render(**kwargs)
        header = self.get_root().header
        name = self.get_name()
        if name in header._children:
            text = header._children[name].render()
            header._children[name] = RenderedScript(
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
    outline_url: str | None = None,
) -> folium.Map:
    """The relay map of ``summary`` (cities.summarise): markers, legend, relay line, basemaps.

    ``markers`` (marker_table) and ``payload`` (marker_payload) are passed in when the
    caller has them cached; with ``outline_url`` the browser fetches the (cacheable) outline
    instead of receiving it inside the map on every rerun.
    """
    assets = asset_urls(asset_base)
    # Filtered frames keep their old index; positions and labels are aligned by position.
    summary = summary.reset_index(drop=True)
    m = ZoomableMap(location=NETHERLANDS, zoom_start=7, tiles=None, control_scale=True)
    # Everything the map needs comes from the app itself: no CDN, no bootstrap/awesome-markers.
    # (No jQuery either: nothing on this map uses it.)
    m.default_js = [("leaflet", assets["leaflet_js"])]
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
    Outline(shading, CBS_ATTRIBUTION, outline_url).add_to(m)
    FrameTitle(i18n.translate_count("map.frame_title", lang, len(summary))).add_to(m)

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
            date=formatting.date(handover.handed_over_on, lang),
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
    lats = [*markers["lat"].tolist(), *(empty["latitude"].tolist() if len(empty) else [])]
    lons = [*markers["lon"].tolist(), *(empty["longitude"].tolist() if len(empty) else [])]
    if lats:
        fit = FitBounds(
            [[float(min(lats)), float(min(lons))], [float(max(lats)), float(max(lons))]],
            padding=(30, 30),
            max_zoom=11,
        )
        # At once, not animated: a view restored right after it (estafette.map_page) would
        # otherwise be undone when the animation ends. Before the markers: markercluster
        # then clusters them for the view they are shown in, not first for the opening zoom.
        fit.options["animate"] = False
        m.add_child(fit)
    if not markers.empty:
        DialogueMarkers(
            marker_payload(markers, lang) if payload is None else payload,
            cluster=len(markers) > cluster_threshold,
            assets=assets,
        ).add_to(m)

    # The number matches the label beside each marker.
    entries = [(f"{position} {name}", phase_colour(position)) for position, name in phases]
    if passed:
        entries.append((i18n.translate("map.handover_legend", lang), HANDOVER_COLOUR))
    if len(empty):
        entries.append((i18n.translate("map.no_dialogue_legend", lang), "#ffffff"))
    Legend(i18n.translate("map.legend", lang), entries).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return m


__all__ = [
    "PHASE_COLOURS",
    "marker_payload",
    "marker_positions",
    "marker_table",
    "municipality_at",
    "phase_colour",
    "relay_map",
]
