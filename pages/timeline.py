"""Tijdlijn: per dialogue its five phases, planned and actual, ordered by leg."""

import streamlit as st

from estafette import charts
from ui import alternatives, calendar_feed, cities, filters, history, live, relay
from ui import timeline as timeline_ui
from ui.core import database_url, language, t, tn

PAGE_KEY = "estafette.timeline.page"
WINDOW_KEY = "estafette.timeline.window"
INTERACTIVE_KEY = "estafette.timeline.interactive"

url = database_url()
live.follow()
today = filters.today()
city_names, phase_names, span = history.choices(url, today)
view = filters.sidebar(city_names, phase_names, span)

st.title(t("timeline.title"))
st.caption(t("timeline.intro"))
filters.as_of_banner(view)


@st.fragment
def timeline_panel() -> None:
    """The chart; interacting with it reruns only this part."""
    page = st.session_state.get(PAGE_KEY, 1)
    window = st.radio(
        t("timeline.window"),
        charts.WINDOWS,
        format_func=lambda name: t(f"timeline.window_{name}"),
        horizontal=True,
        key=WINDOW_KEY,
        help=t("timeline.window_help"),
    )
    chart = timeline_ui.timeline(url, view, phase_names, language(), page, window)
    if chart.pages > 1:
        # Fewer pages after a filter change: stay on the last one that exists.
        st.session_state[PAGE_KEY] = min(page, chart.pages)
        st.number_input(
            t(
                "timeline.page",
                pages=chart.pages,
                dialogues=chart.dialogues,
                per_page=timeline_ui.TIMELINE_PAGE,
            ),
            min_value=1,
            max_value=chart.pages,
            step=1,
            key=PAGE_KEY,
        )
    if chart.undated:
        st.caption(tn("timeline.undated_count", chart.undated))
    timeline_ui.show(
        chart.svg,
        lambda: timeline_ui.timeline_figure(url, view, phase_names, language(), page, window),
        chart_key="estafette.timeline.chart",
        toggle_key=INTERACTIVE_KEY,
    )
    alternatives.text_alternative(
        t("table.timeline_title"),
        "estafette.timeline.table",
        lambda: alternatives.timeline_alternative(
            url, view, language(), st.session_state.get(PAGE_KEY, 1)
        ),
    )


in_view = history.records_in_view(url, view)
if in_view.empty and relay.empty_cities(url, view).empty:
    st.info(t("timeline.empty"))
else:
    timeline_panel()

st.caption(t("city.link"))
cities.city_links(city_names, "estafette.timeline.city_link")
calendar_feed.calendar_download(city_names, "estafette.timeline.calendar")
