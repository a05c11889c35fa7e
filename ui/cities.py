"""Stad: one city's dossier and one dialogue's view (loaders and rendering), and city links.

The coordinators' editors on the same page live in ui/edits.py; the city timeline in
ui/timeline.py; the calendar download in ui/calendar_feed.py.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from estafette import cities, edits, updates
from estafette import dossier as dossier_mod
from ui.core import cached, cached_content, database_url, day, engine, moment, t
from ui.format import place_label, safe

# ---------------------------------------------------------------------------- loaders


@cached_content
def city_names(url: str) -> list[str]:
    """Every city in relay order, archived ones included (their dossier stays readable)."""
    with Session(engine(url)) as session:
        return [c.name for c in cities.list_cities(session)]


@cached
def dossier(url: str, name: str, with_leads: bool) -> dossier_mod.CityDossier | None:
    """Everything about one city."""
    with Session(engine(url)) as session:
        return dossier_mod.city_dossier(session, name, with_leads)


@cached
def dialogue(url: str, dialogue_id: int) -> dossier_mod.DialogueSummary | None:
    """One dialogue with its current phase and progress."""
    with Session(engine(url)) as session:
        return dossier_mod.dialogue_summary(session, dialogue_id)


@cached
def phase_table(url: str, dialogue_id: int) -> list[updates.RecordView]:
    """The five phase records of a dialogue."""
    with Session(engine(url)) as session:
        return updates.dialogue_records(session, dialogue_id)


@cached_content
def edit_log(url: str, city_id: int, dialogue_id: int | None = None) -> list[edits.EditEvent]:
    """Edits, archive and restore of a city and its dialogues (or one dialogue)."""
    with Session(engine(url)) as session:
        return edits.edit_history(session, city_id, dialogue_id)


# ---------------------------------------------------------------------------- rendering


def format_day(value: dt.date | None) -> str:
    """A date in the chosen language, or a dash."""
    return day(value) or "—"


def dialogue_name(summary: dossier_mod.DialogueSummary) -> str:
    """The neighbourhood, or "nog te bepalen"."""
    return summary.neighbourhood or t("overview.undecided")


def render_dialogue_cards(found: dossier_mod.CityDossier) -> None:
    """Each dialogue of the city: current phase, status, progress and a link to its view."""
    if not found.dialogues:
        st.info(t("city.no_dialogues"))
        return
    columns = st.columns(min(3, len(found.dialogues)))
    for index, summary in enumerate(found.dialogues):
        with columns[index % len(columns)], st.container(border=True):
            st.markdown(f"**{safe(dialogue_name(summary))}**")
            if summary.theme:
                st.caption(safe(summary.theme))
            if summary.archived:
                st.caption(t("city.archived_badge"))
            dialogue_state(
                summary.current_phase,
                summary.current_status,
                summary.completed,
                summary.total,
                summary.id,
            )


def dialogue_state(phase: str, status: str, completed: int, total: int, dialogue_id: int) -> None:
    """A dialogue's current phase, status and progress, with a link to its own view."""
    st.markdown(f"### {safe(phase)}")
    st.markdown(t(cities.status_key(status)))
    st.progress(
        completed / total if total else 0.0,
        text=t("overview.progress_value", done=completed, total=total),
    )
    st.page_link(
        "pages/city.py",
        label=t("city.open_dialogue"),
        icon=":material/arrow_forward:",
        query_params={"dialoog": str(dialogue_id)},
    )


def render_handovers(found: dossier_mod.CityDossier) -> None:
    """Hand-overs received from earlier legs and given to later ones."""
    rows = [
        {
            t("city.col_date"): format_day(h.handed_over_on),
            t("city.col_direction"): t("city.received"),
            t("city.col_from"): place_label(h.from_city, h.from_neighbourhood),
            t("city.col_to"): h.to_city,
            t("city.col_note"): h.note,
        }
        for h in found.handovers_received
    ] + [
        {
            t("city.col_date"): format_day(h.handed_over_on),
            t("city.col_direction"): t("city.given"),
            t("city.col_from"): place_label(h.from_city, h.from_neighbourhood),
            t("city.col_to"): h.to_city,
            t("city.col_note"): h.note,
        }
        for h in found.handovers_given
    ]
    if not rows:
        st.caption(t("city.no_handovers"))
        return
    st.dataframe(
        pd.DataFrame(rows), hide_index=True, width="stretch", key="estafette.city.handovers"
    )


def render_phase_table(dialogue_id: int) -> None:
    """The dialogue's five phases with status and dates."""
    rows = [
        {
            t("city.col_phase"): r.phase_name,
            t("city.col_status"): t(cities.status_key(r.status)),
            t("city.col_planned"): f"{format_day(r.planned_start)} – {format_day(r.planned_end)}",
            t("city.col_actual"): f"{format_day(r.actual_start)} – {format_day(r.actual_end)}",
            t("city.col_note"): r.note,
        }
        for r in phase_table(database_url(), dialogue_id)
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="estafette.city.phases")


def render_edit_log(city_id: int, dialogue_id: int | None = None) -> None:
    """The edits of the city or dialogue, newest first."""
    log = edit_log(database_url(), city_id, dialogue_id)
    if not log:
        st.caption(t("city.no_edits"))
        return
    rows = [
        {
            t("map.col_at"): moment(e.at),
            t("city.col_what"): t(f"city.field.{e.field}"),
            t("map.col_old"): e.old_value or "—",
            t("map.col_new"): e.new_value or "—",
            t("map.col_actor"): e.actor,
        }
        for e in log
    ]
    key = "estafette.city.edits" if dialogue_id is None else "estafette.dialogue.edits"
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key=key)


LINK_LIMIT = 12


def city_links(names: list[str], key: str) -> None:
    """Links to the Stad page of each city in view; beyond a dozen, a choice and one link."""
    if not names:
        return
    if len(names) > LINK_LIMIT:
        names = [
            st.selectbox(
                t("city.choose"), names, index=None, key=key, placeholder=t("city.placeholder")
            )
        ]
        if names[0] is None:
            return
    row = st.container(horizontal=True)
    for name in names:
        row.page_link(
            "pages/city.py",
            # A page link's label is Markdown; the address takes the name as it is.
            label=safe(name),
            icon=":material/location_city:",
            query_params={"stad": name},
        )
