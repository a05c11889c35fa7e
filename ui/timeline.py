"""Tijdlijn: the relay's timeline in pages of dialogues, and one city's (or dialogue's).

Both are shown as static SVG (estafette/timeline_svg.py), built once per data version and
view, so the browser loads no plotly.js; a toggle under the chart switches to plotly's
interactive chart of the same figure (zoom and pan) for whoever asks for it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy.orm import Session

from estafette import charts, dossier, relay, timeline_svg
from estafette.models import DATE_FIELDS
from ui.core import cached, database_url, engine, language, t
from ui.filters import View
from ui.history import records_in_view
from ui.relay import empty_cities, handovers

TIMELINE_PAGE = 25


@dataclass(frozen=True)
class Timeline:
    """One page of the timeline as SVG, how many phases it lists without dates, the paging."""

    svg: str
    undated: int
    pages: int
    dialogues: int


def _relay_figure(
    url: str, view: View, phase_names: list[str], lang: str, page: int, window: str
) -> tuple[go.Figure, pd.DataFrame, int]:
    """The figure of one page of the records in view, those records (all pages), the pages."""
    in_view = records_in_view(url, view)
    chosen, pages = charts.page_of(in_view, page, TIMELINE_PAGE)
    on_page = set(chosen["phase"])
    phases = [(i, name) for i, name in enumerate(phase_names, start=1) if name in on_page]
    figure = charts.timeline(
        chosen,
        phases,
        lang=lang,
        today=view.date,
        past=view.as_of is not None,
        handovers=handovers(url),
        # Cities without a dialogue are listed once, on the first page.
        empty_cities=empty_cities(url, view) if page == 1 else None,
        window=window,
    )
    return figure, in_view, pages


@cached
def timeline(
    url: str, view: View, phase_names: list[str], lang: str, page: int = 1, window: str = "recent"
) -> Timeline:
    """One page of the timeline of the phase records in view, opened on ``window``."""
    # The SVG string is what is cached, not the figure: a figure costs tens of milliseconds
    # to unpickle on every rerun, a string nothing.
    figure, in_view, pages = _relay_figure(url, view, phase_names, lang, page, window)
    undated = int(in_view[list(DATE_FIELDS)].isna().all(axis=1).sum())
    dialogues = int(in_view["dialogue_id"].nunique())
    return Timeline(timeline_svg.render(figure, lang), undated, pages, dialogues)


@cached
def timeline_figure(
    url: str, view: View, phase_names: list[str], lang: str, page: int = 1, window: str = "recent"
) -> go.Figure:
    """The same page as plotly's figure, for the interactive chart (only when asked for)."""
    return _relay_figure(url, view, phase_names, lang, page, window)[0]


def _city_figure(
    url: str, city_id: int, dialogue_id: int | None, lang: str, today: dt.date
) -> go.Figure | None:
    with Session(engine(url)) as session:
        found = dossier.city_records(session, city_id, dialogue_id)
        every = relay.handovers(session)
    if found.empty:
        return None
    phases = found.drop_duplicates("phase_position").sort_values("phase_position")
    return charts.timeline(
        found,
        list(zip(phases["phase_position"].astype(int), phases["phase"], strict=True)),
        lang=lang,
        today=today,
        handovers=every,
    )


@cached
def city_figure(
    url: str, city_id: int, dialogue_id: int | None, lang: str, today: dt.date
) -> go.Figure | None:
    """The coordinator's timeline, limited to one city (or one of its dialogues)."""
    return _city_figure(url, city_id, dialogue_id, lang, today)


@cached
def city_svg(
    url: str, city_id: int, dialogue_id: int | None, lang: str, today: dt.date
) -> str | None:
    """That timeline as SVG (None: the city has no phase records)."""
    figure = _city_figure(url, city_id, dialogue_id, lang, today)
    return None if figure is None else timeline_svg.render(figure, lang)


# The static timeline's box and the one line of script that fills it (see svg_element).
SVG_BOX = '<div class="est-timeline-box"></div>'
SVG_SCRIPT_START = "<script>document.currentScript.previousElementSibling.innerHTML = "
SVG_SCRIPT_END = ";</script>"


def svg_element(svg: str) -> str:
    """The body st.html draws the SVG with: an empty box, filled by the browser's own parser.

    st.html's sanitizer drops SVG, and st.markdown passes a raw SVG block through its
    Markdown parser into React elements: a 40 kB page of the timeline cost 40 ms more to draw
    that way (Chromium, national data, returning visits of /tijdlijn, median of thirteen:
    364 against 321 ms, 2026-12-06). The SVG is a JSON string literal with every "<"
    escaped, so nothing in it can end the script; every text in it is XML-escaped
    (estafette.timeline_svg), so no typed text becomes markup when the browser parses it.
    """
    literal = json.dumps(svg).replace("<", "\\u003c")
    return f"{SVG_BOX}{SVG_SCRIPT_START}{literal}{SVG_SCRIPT_END}"


def show(svg: str, figure: Callable[[], go.Figure], *, chart_key: str, toggle_key: str) -> None:
    """The static timeline, or plotly's interactive chart of it when the toggle below is on."""
    if st.session_state.get(toggle_key, False):
        st.plotly_chart(figure(), key=chart_key, width="stretch")
    else:
        # Not st.iframe either (a document of its own, measured level with Markdown on
        # 2026-12-04): a frame is measured for its height, keeps the chart out of the page's
        # DOM (selectors, find in page) and needs a title of its own.
        st.html(svg_element(svg), unsafe_allow_javascript=True)
    st.toggle(t("timeline.interactive"), key=toggle_key, help=t("timeline.interactive_help"))


def render_city_timeline(city_id: int, dialogue_id: int | None = None) -> None:
    """The timeline of the city (or dialogue) on the Stad page."""
    arguments = (database_url(), city_id, dialogue_id, language(), dt.date.today())
    svg = city_svg(*arguments)
    if svg is None:
        st.caption(t("timeline.empty"))
        return

    def figure() -> go.Figure:
        found = city_figure(*arguments)
        assert found is not None  # the SVG was drawn from it
        return found

    scope = "estafette.city" if dialogue_id is None else "estafette.dialogue"
    show(
        svg,
        figure,
        chart_key=f"{scope}.timeline",
        toggle_key=f"{scope}.timeline.interactive",
    )
