"""Kaart: every dialogue at its place, coloured by its current phase; click for its history."""

import streamlit as st
from streamlit_folium import st_folium

from estafette import maps
from ui import alternatives, filters, history, links, live, paging, relay
from ui import maps as maps_ui
from ui.core import database_url, language, settings, t, tn

SELECTED_KEY = "estafette.map.dialogue"
CLICK_KEY = "estafette.map.last_click"
TABLE_PAGE_KEY = "estafette.map.table_page"

url = database_url()
live.follow()
asset_base = maps_ui.ensure()
today = filters.today()
city_names, phase_names, span = history.choices(url, today)
view = filters.sidebar(city_names, phase_names, span)

st.title(t("map.title"))
st.caption(t("map.intro"))
filters.as_of_banner(view)
shown = history.in_view(url, view)
markers = maps_ui.markers(url, view, language())


@st.fragment
def map_panel() -> None:
    """Map and the chosen dialogue's history; panning and clicking rerun only this part."""
    # The map takes the page width; the chosen dialogue's history follows below it.
    fmap = maps.relay_map(
        shown,
        list(enumerate(phase_names, start=1)),
        lang=language(),
        as_of=view.date,
        tile_url=settings().tile_url,
        asset_base=asset_base,
        markers=markers,
        payload=maps_ui.marker_payload(url, view, language()),
        handovers=relay.handovers(url),
        empty_cities=relay.empty_cities(url, view),
        outline_url=maps_ui.outline_url(),
    )
    clicked = st_folium(
        fmap,
        key="estafette.map.folium",
        height=620,
        use_container_width=True,
        # The count makes every click a change, also a second click on the same dot.
        returned_objects=["last_object_clicked", "last_object_clicked_count"],
    )
    st.caption(tn("map.count", len(shown)))
    table, at = alternatives.map_alternative(
        url, view, language(), paging.requested(TABLE_PAGE_KEY)
    )
    alternatives.text_alternative(
        t("table.map_title"), table, "estafette.map.table", at, TABLE_PAGE_KEY
    )
    clicked = clicked or {}
    point, count = clicked.get("last_object_clicked"), clicked.get("last_object_clicked_count")
    if point and count != st.session_state.get(CLICK_KEY):
        st.session_state[CLICK_KEY] = count
        st.session_state[SELECTED_KEY] = maps.nearest_dialogue(markers, point["lat"], point["lng"])
    st.subheader(t("map.history"))
    labels = maps_ui.dialogue_labels(url, view, language())
    links.preselect(SELECTED_KEY, labels)
    if st.session_state.get(SELECTED_KEY) not in labels:
        st.session_state.pop(SELECTED_KEY, None)
    chosen = st.selectbox(
        t("map.dialogue"),
        list(labels),
        format_func=labels.get,
        index=None,
        key=SELECTED_KEY,
        placeholder=t("map.pick"),
    )
    if chosen is not None:
        history.phase_history(url, int(chosen), view)


if shown.empty and relay.empty_cities(url, view).empty:
    st.info(t("map.empty"))
map_panel()
