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
from ui import links
from ui.core import t

PREFIX = "estafette.filters."
PARAMS = {"cities": "stad", "phases": "phase", "statuses": "status"}
# Older links named the city filter "city"; they keep working.
LEGACY_PARAMS = {"cities": "city"}
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


def _sync(store: str, widget: str) -> None:
    st.session_state[store] = st.session_state[widget]


def _multiselect(name: str, options: list[str], label: str, **kwargs: object) -> tuple[str, ...]:
    store = PREFIX + name
    widget = store + "_input"
    param = PARAMS[name]
    wanted = links.requested(param)
    if wanted is None and name in LEGACY_PARAMS:
        wanted = links.requested(LEGACY_PARAMS[name])
        st.query_params.pop(LEGACY_PARAMS[name], None)
    if wanted is None and name == "cities":
        dialogue = links.requested_dialogue(PREFIX)
        city = links.dialogue_city(dialogue) if dialogue is not None else None
        wanted = [city] if city else None
    if wanted is not None:
        # A followed link (or a first visit) decides; later the widget does.
        st.session_state[store] = wanted
    elif store not in st.session_state:
        st.session_state[store] = []
    # A link may name a city that no longer exists; keep only valid choices.
    valid = [v for v in st.session_state[store] if v in options]
    st.session_state[store] = valid
    # Streamlit forgets widget state on a page switch; the store is the truth.
    st.session_state[widget] = valid
    chosen = st.sidebar.multiselect(
        label,
        options,
        key=widget,
        on_change=_sync,
        args=(store, widget),
        placeholder=t("filters.all"),
        **kwargs,
    )
    st.query_params[param] = list(chosen)
    links.written(param, list(chosen))
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
    current = st.session_state.get(ASOF_KEY) or steps[-1]
    index = steps.index(current) if current in steps else len(steps) - 1
    st.session_state[ASOF_KEY] = steps[max(0, min(len(steps) - 1, index + delta))]


def _time_travel(span: tuple[dt.date, dt.date]) -> dt.date | None:
    start, today = span
    if TRAVEL_KEY not in st.session_state:
        requested = _parse_date(st.query_params.get(ASOF_PARAM))
        st.session_state[TRAVEL_KEY] = requested is not None and requested < today
        st.session_state[ASOF_KEY] = requested
    st.sidebar.divider()
    st.session_state[TRAVEL_KEY + "_input"] = st.session_state[TRAVEL_KEY]
    travel = st.sidebar.toggle(
        t("asof.toggle"),
        key=TRAVEL_KEY + "_input",
        on_change=_sync,
        args=(TRAVEL_KEY, TRAVEL_KEY + "_input"),
        help=t("asof.help"),
    )
    if not travel:
        st.query_params.pop(ASOF_PARAM, None)
        return None
    steps = month_steps(start, today)
    chosen = st.session_state.get(ASOF_KEY) or steps[-1]
    chosen = min(max(chosen, start), today)
    if chosen not in steps:
        steps = sorted({*steps, chosen})
    st.session_state[ASOF_KEY] = chosen
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
    widget = ASOF_KEY + "_input"
    st.session_state[widget] = chosen
    as_of = st.sidebar.select_slider(
        t("asof.label"),
        options=steps,
        key=widget,
        on_change=_sync,
        args=(ASOF_KEY, widget),
        format_func=lambda d: d.strftime("%d-%m-%Y"),
    )
    st.query_params[ASOF_PARAM] = as_of.isoformat()
    _player(steps)
    return as_of


PLAY_KEY = PREFIX + "play"
TICK_KEY = PREFIX + "play_tick"
PLAY_SECONDS = 2.0


def _start_playing(steps: list[dt.date]) -> None:
    _sync(PLAY_KEY, PLAY_KEY + "_input")
    # Playing from today would end at once: start from the beginning of the relay instead.
    if st.session_state[PLAY_KEY] and st.session_state.get(ASOF_KEY) == steps[-1]:
        st.session_state[ASOF_KEY] = steps[0]


def _player(steps: list[dt.date]) -> None:
    """A play toggle that replays the relay month by month until today."""
    st.session_state[PLAY_KEY + "_input"] = st.session_state.get(PLAY_KEY, False)
    playing = st.sidebar.toggle(
        t("asof.play"), key=PLAY_KEY + "_input", on_change=_start_playing, args=(steps,)
    )
    if not playing:
        return
    # The fragment also runs inside this full run; only its timed reruns may step forward.
    st.session_state[TICK_KEY] = False

    @st.fragment(run_every=PLAY_SECONDS)
    def tick() -> None:
        if not st.session_state.get(TICK_KEY):
            st.session_state[TICK_KEY] = True
            return
        if st.session_state.get(ASOF_KEY) == steps[-1]:
            st.session_state[PLAY_KEY] = False
        else:
            _step(1, steps)
        st.rerun(scope="app")

    with st.sidebar:
        tick()


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
