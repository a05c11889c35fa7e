"""Shared filters (city, phase, status, as-of date) that live in the URL so a view can be sent.

Streamlit drops query parameters on a page switch, so each value also lives in a namespaced
session_state key and is written back to ``st.query_params`` on every run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from estafette.cities import status_key
from estafette.phases import STATUSES
from ui.core import t

PREFIX = "estafette.filters."
PARAMS = {"cities": "city", "phases": "phase", "statuses": "status"}
ASOF_PARAM = "asof"
TRAVEL_KEY = PREFIX + "travel"
ASOF_KEY = PREFIX + "asof"


@dataclass(frozen=True)
class View:
    """What the coordinator chose to look at."""

    cities: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    as_of: dt.date | None = None

    @property
    def date(self) -> dt.date:
        """The date the view shows: the as-of date, or today."""
        return self.as_of or dt.date.today()


def _parse_date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _restore(name: str, options: list[str]) -> None:
    store = PREFIX + name
    if store not in st.session_state:
        st.session_state[store] = st.query_params.get_all(PARAMS[name])
    # A link may name a city that no longer exists; keep only valid choices.
    valid = [v for v in st.session_state[store] if v in options]
    st.session_state[store] = valid
    widget = store + "_input"
    if widget not in st.session_state:
        st.session_state[widget] = valid


def _multiselect(name: str, options: list[str], label: str, **kwargs: object) -> tuple[str, ...]:
    _restore(name, options)
    widget = PREFIX + name + "_input"
    chosen = st.sidebar.multiselect(
        label, options, key=widget, placeholder=t("filters.all"), **kwargs
    )
    st.session_state[PREFIX + name] = list(chosen)
    st.query_params[PARAMS[name]] = list(chosen)
    return tuple(chosen)


def month_steps(start: dt.date, today: dt.date) -> list[dt.date]:
    """The last day of every month from ``start`` up to today, then today itself."""
    steps: list[dt.date] = []
    year, month = start.year, start.month
    while True:
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        end = nxt - dt.timedelta(days=1)
        if end >= today:
            break
        steps.append(end)
        year, month = nxt.year, nxt.month
    steps.append(today)
    return steps


def _step(delta: int, steps: list[dt.date]) -> None:
    current = st.session_state.get(ASOF_KEY + "_input", steps[-1])
    index = steps.index(current) if current in steps else len(steps) - 1
    st.session_state[ASOF_KEY + "_input"] = steps[max(0, min(len(steps) - 1, index + delta))]


def _time_travel(span: tuple[dt.date, dt.date]) -> dt.date | None:
    start, today = span
    if TRAVEL_KEY not in st.session_state:
        requested = _parse_date(st.query_params.get(ASOF_PARAM))
        st.session_state[TRAVEL_KEY] = requested is not None and requested < today
        st.session_state[ASOF_KEY] = requested
    if TRAVEL_KEY + "_input" not in st.session_state:
        st.session_state[TRAVEL_KEY + "_input"] = st.session_state[TRAVEL_KEY]
    st.sidebar.divider()
    travel = st.sidebar.toggle(t("asof.toggle"), key=TRAVEL_KEY + "_input", help=t("asof.help"))
    st.session_state[TRAVEL_KEY] = travel
    if not travel:
        st.query_params.pop(ASOF_PARAM, None)
        return None
    steps = month_steps(start, today)
    chosen = st.session_state.get(ASOF_KEY) or steps[-1]
    if chosen not in steps:
        steps = sorted({*steps, min(max(chosen, start), today)})
    widget = ASOF_KEY + "_input"
    if widget not in st.session_state or st.session_state[widget] not in steps:
        st.session_state[widget] = chosen if chosen in steps else steps[-1]
    back, forward = st.sidebar.columns(2)
    back.button(
        t("asof.back"),
        key=PREFIX + "asof_back",
        on_click=_step,
        args=(-1, steps),
        width="stretch",
    )
    forward.button(
        t("asof.forward"),
        key=PREFIX + "asof_forward",
        on_click=_step,
        args=(1, steps),
        width="stretch",
    )
    as_of = st.sidebar.select_slider(
        t("asof.label"), options=steps, key=widget, format_func=lambda d: d.strftime("%d-%m-%Y")
    )
    st.session_state[ASOF_KEY] = as_of
    st.query_params[ASOF_PARAM] = as_of.isoformat()
    return as_of


def sidebar(cities: list[str], phases: list[str], span: tuple[dt.date, dt.date]) -> View:
    """Render the shared filters in the sidebar and return the chosen view."""
    st.sidebar.subheader(t("filters.title"))
    chosen_cities = _multiselect("cities", cities, t("filters.city"))
    chosen_phases = _multiselect("phases", phases, t("filters.phase"))
    chosen_statuses = _multiselect(
        "statuses", list(STATUSES), t("filters.status"), format_func=lambda s: t(status_key(s))
    )
    as_of = _time_travel(span)
    return View(chosen_cities, chosen_phases, chosen_statuses, as_of)


def as_of_banner(view: View) -> None:
    """Say clearly when the page shows the past instead of today."""
    if view.as_of is not None:
        st.info(t("asof.banner", date=view.as_of.strftime("%d-%m-%Y")), icon=":material/history:")


def today() -> dt.date:
    """Today's date, the default of every view."""
    return dt.date.today()
