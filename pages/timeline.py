"""Tijdlijn: per dialogue its five phases, planned and actual, ordered by leg."""

import streamlit as st

from ui import coordinator, filters
from ui.core import database_url, language, t

url = database_url()
today = filters.today()
city_names, phase_names, span = coordinator.choices(url, today)
view = filters.sidebar(city_names, phase_names, span)

st.title(t("timeline.title"))
st.caption(t("timeline.intro"))
filters.as_of_banner(view)


@st.fragment
def timeline_panel() -> None:
    """The chart; interacting with it reruns only this part."""
    chart = coordinator.timeline(url, view, phase_names, language())
    if chart.undated:
        st.caption(t("timeline.undated_count", count=chart.undated))
    st.plotly_chart(chart.figure, key="estafette.timeline.chart", width="stretch")


if coordinator.phase_records(url, view.as_of, view.cities, view.phases, view.statuses).empty:
    st.info(t("timeline.empty"))
else:
    timeline_panel()
