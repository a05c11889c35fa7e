"""Tijdlijn: the relay's timeline in pages of dialogues, and one city's (or dialogue's)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import plotly.graph_objects as go
import streamlit as st
from sqlalchemy.orm import Session

from estafette import charts, dossier, relay
from estafette.models import DATE_FIELDS
from ui.core import cached, database_url, engine, language, t
from ui.filters import View
from ui.history import records_in_view
from ui.relay import empty_cities, handovers

TIMELINE_PAGE = 25


@dataclass(frozen=True)
class Timeline:
    """The timeline figure and how many phases it lists without dates."""

    figure: go.Figure
    undated: int
    pages: int
    dialogues: int


@cached
def timeline(
    url: str, view: View, phase_names: list[str], lang: str, page: int = 1, window: str = "recent"
) -> Timeline:
    """One page of the timeline of the phase records in view, opened on ``window``."""
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
    undated = int(in_view[list(DATE_FIELDS)].isna().all(axis=1).sum())
    return Timeline(figure, undated, pages, int(in_view["dialogue_id"].nunique()))


@cached
def city_figure(
    url: str, city_id: int, dialogue_id: int | None, lang: str, today: dt.date
) -> go.Figure | None:
    """The coordinator's timeline, limited to one city (or one of its dialogues)."""
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


def render_city_timeline(city_id: int, dialogue_id: int | None = None) -> None:
    """The timeline of the city (or dialogue) on the Stad page."""
    figure = city_figure(database_url(), city_id, dialogue_id, language(), dt.date.today())
    if figure is None:
        st.caption(t("timeline.empty"))
        return
    key = "estafette.city.timeline" if dialogue_id is None else "estafette.dialogue.timeline"
    st.plotly_chart(figure, key=key, width="stretch")
