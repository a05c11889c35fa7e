"""The relay map as a document of its own, served at ``/kaart.html`` (web/map_frame.py).

The Kaart page shows this document in a plain frame. One address per view and data version
(the filters, the language and the version are in the query), so a browser keeps it in its
cache and a returning visitor's map draws without the server building it again; the page's
own script run builds no map at all. Clicks on a marker reach the page through
``window.parent.postMessage`` (ui/maps.py listens), and the map remembers where the person
panned to (``sessionStorage``), so a newer version of the same view opens at the same place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from branca.element import MacroElement
from jinja2 import Template
from sqlalchemy.orm import Session

from estafette import cities, history, i18n, maps, relay
from estafette.map_data import RenderedScript, script_json
from estafette.phases import STATUSES

PATH = "/kaart.html"
# Query parameters, the same names as the app's own filters (ui/filters.py), so a view's
# address reads alike on the page and on its map.
PARAMS = {"cities": "stad", "phases": "phase", "statuses": "status"}
ASOF_PARAM = "asof"
LANG_PARAM = "lang"
VERSION_PARAM = "v"
# The day it was drawn for: days in a phase and the today line move with the date.
DAY_PARAM = "d"
# What a marker click and a link in a popup post to the page (checked there by origin).
MESSAGE = "estafette-map"


@dataclass(frozen=True)
class MapView:
    """Which map: the filters of the page it belongs to, and the language."""

    cities: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    as_of: dt.date | None = None
    lang: str = i18n.DEFAULT_LANGUAGE

    def query(self, version: int, day: dt.date) -> list[tuple[str, str]]:
        """This view's address query at data ``version`` on ``day`` (either new: a new address)."""
        return [*self._view_query(), (VERSION_PARAM, str(version)), (DAY_PARAM, day.isoformat())]

    def _view_query(self) -> list[tuple[str, str]]:
        pairs = [(PARAMS[name], value) for name in PARAMS for value in getattr(self, name)]
        if self.as_of is not None:
            pairs.append((ASOF_PARAM, self.as_of.isoformat()))
        return [*pairs, (LANG_PARAM, self.lang)]

    @classmethod
    def from_query(cls, params: Mapping[str, Sequence[str]]) -> MapView:
        """The view a query names; unknown statuses, a bad date and a bad language are dropped.

        City and phase names are data: one that does not exist simply matches nothing.
        """

        def values(name: str) -> tuple[str, ...]:
            return tuple(dict.fromkeys(v.strip() for v in params.get(PARAMS[name], ()) if v))

        statuses = tuple(s for s in values("statuses") if s in STATUSES)
        raw_date = next(iter(params.get(ASOF_PARAM, ())), "")
        try:
            as_of = dt.date.fromisoformat(raw_date) if raw_date else None
        except ValueError:
            as_of = None
        lang = i18n.normalise_language(next(iter(params.get(LANG_PARAM, ())), None))
        return cls(values("cities"), values("phases"), statuses, as_of, lang)


def made_for(params: Mapping[str, Sequence[str]]) -> tuple[int | None, str]:
    """The data version and the day (ISO) a query was made for; None and "" when absent."""
    raw = next(iter(params.get(VERSION_PARAM, ())), "")
    return (int(raw) if raw.isdigit() else None), next(iter(params.get(DAY_PARAM, ())), "")


class FrameBridge(MacroElement):
    """Marker clicks and popup links to the page; the person's place on the map kept.

    The frame may not navigate the page itself (Streamlit sandboxes frames without top
    navigation), so a link asks the page to follow it; the page checks it stays on the site.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
    var map = {{ this._parent.get_name() }};
    var kind = {{ this.message }};
    var key = {{ this.storage_key }};
    function post(data) {
        if (window.parent === window) { return; }
        data.estafette = kind;
        window.parent.postMessage(data, window.location.origin);
    }
    window.estafetteMap = map;
    window.estafetteDialogueClicked = function (id) { post({dialogue: id}); };
    document.addEventListener("click", function (event) {
        var link = event.target.closest && event.target.closest("a[target=_top]");
        if (link && window.parent !== window) {
            event.preventDefault();
            post({href: link.getAttribute("href")});
        }
    });
    // The same view at a newer data version (a live refresh) opens where the person left it.
    try {
        var kept = JSON.parse(window.sessionStorage.getItem(key) || "null");
        if (kept) { map.setView([kept[0], kept[1]], kept[2], {animate: false}); }
    } catch (e) { /* storage refused: the map opens on the whole view */ }
    map.on("moveend", function () {
        var centre = map.getCenter();
        var place = [centre.lat, centre.lng, map.getZoom()];
        try {
            window.sessionStorage.setItem(key, JSON.stringify(place));
        } catch (e) { /* storage refused */ }
    });
})();
{% endmacro %}
"""
    )

    def __init__(self, storage_key: str) -> None:
        super().__init__()
        self._name = "FrameBridge"
        self.message = script_json(MESSAGE)
        self.storage_key = script_json(storage_key)

    def render(self, **kwargs: object) -> None:
        """Add the bridge script as is, after every other script of the map."""
        script = self._template.module.__dict__["script"](self, kwargs)
        self.get_root().script.add_child(RenderedScript(script), name=self.get_name())


def storage_key(view: MapView) -> str:
    """Where the map keeps the person's place: per view, whatever the data version."""
    return "estafette.map." + "&".join(f"{k}={v}" for k, v in view._view_query())


@dataclass(frozen=True)
class Relay:
    """What one view's map shows, read once per data version (the page shares nothing)."""

    shown: pd.DataFrame
    phases: list[tuple[int, str]]
    handovers: list[relay.HandoverInfo]
    empty: pd.DataFrame


def read(session: Session, view: MapView, events: pd.DataFrame | None = None) -> Relay:
    """The dialogues in view (as ui.history.in_view), the phases, hand-overs, empty cities.

    ``events`` is the status history, needed (and read when not given) to go back in time.
    """
    current = history.records_frame(session)
    records = current
    if view.as_of is not None:
        past = history.events_frame(session) if events is None else events
        records = history.state_as_of(current, past, view.as_of)
    summary = cities.summarise(records)
    shown = history.select_dialogues(summary, view.cities, view.phases, view.statuses)
    _, phase_names = history.names(current)
    empty = cities.without_dialogue_in_view(
        session, view.as_of, view.cities, bool(view.phases or view.statuses)
    )
    return Relay(
        shown,
        list(enumerate(phase_names, start=1)),
        relay.handovers(session),
        empty,
    )


def document(
    data: Relay,
    view: MapView,
    *,
    today: dt.date,
    tile_url: str,
    asset_base: str,
    outline_url: str | None,
    link_base: str = "/",
) -> str:
    """The whole HTML document of the view's map."""
    as_of = view.as_of or today
    markers = maps.marker_table(data.shown, view.lang, as_of, link_base)
    fmap = maps.relay_map(
        data.shown,
        data.phases,
        lang=view.lang,
        as_of=as_of,
        tile_url=tile_url,
        asset_base=asset_base,
        markers=markers,
        payload=maps.marker_payload(markers, view.lang, link_base),
        handovers=data.handovers,
        empty_cities=data.empty,
        outline_url=outline_url,
    )
    FrameBridge(storage_key(view)).add_to(fmap)
    root = fmap.get_root()
    # The document's own language (WCAG 3.1.1): folium writes no lang attribute.
    return root.render().replace("<html>", f'<html lang="{view.lang}">', 1)
