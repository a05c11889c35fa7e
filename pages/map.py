"""Kaart: every dialogue at its place, coloured by its current phase; click for its history."""

import streamlit as st

from ui import alternatives, filters, history, links, live, paging, relay
from ui import maps as maps_ui
from ui.core import database_url, language, t, tn

SELECTED_KEY = "estafette.map.dialogue"
TABLE_PAGE_KEY = "estafette.map.table_page"

url = database_url()
live.follow()
today = filters.today()
city_names, phase_names, span = history.choices(url, today)
view = filters.sidebar(city_names, phase_names, span)

st.title(t("map.title"))
st.caption(t("map.intro"))
filters.as_of_banner(view)
shown = history.in_view(url, view)


@st.fragment
def map_panel() -> None:
    """Map and the chosen dialogue's history; a click on the map reruns only this part."""
    # The map is a document of its own (its address names the view and the data version, so
    # the browser keeps it); the page only places its frame and hears its clicks.
    st.iframe(
        maps_ui.frame_src(view, language()),
        height=620,
        alt=tn("map.frame_title", len(shown)),
    )
    clicked = maps_ui.clicked_dialogue("estafette.map.clicks")
    st.caption(tn("map.count", len(shown)))
    alternatives.text_alternative(
        t("table.map_title"),
        "estafette.map.table",
        lambda: alternatives.map_alternative(
            url, view, language(), paging.requested(TABLE_PAGE_KEY)
        ),
        TABLE_PAGE_KEY,
    )
    st.subheader(t("map.history"))
    labels = maps_ui.dialogue_labels(url, view, language())
    if clicked in labels:
        st.session_state[SELECTED_KEY] = clicked
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
