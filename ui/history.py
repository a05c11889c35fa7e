"""The relay's phase records and their history, now or as of a date, filtered to the view.

The loaders every coordinator page starts from (overview, map, timeline), keyed by database
URL, filters and as-of date, and the table of one dialogue's changes (map and Stad page).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from estafette import cities, history
from estafette.cities import status_key
from estafette.phases import STATUSES
from ui.core import cached, cached_structure, current_actor, day, engine, moment, t
from ui.filters import View


@cached
def events(url: str) -> pd.DataFrame:
    """The whole status history (only needed for time travel)."""
    with Session(engine(url)) as session:
        return history.events_frame(session)


@cached_structure
def structure(url: str) -> pd.DataFrame:
    """Every phase record's dialogue, city and phase (read again only when those change)."""
    with Session(engine(url)) as session:
        return history.structure_frame(session)


@cached
def records(url: str, as_of: dt.date | None = None) -> pd.DataFrame:
    """Every phase record, now or as it stood at the end of ``as_of``."""
    if as_of is not None:
        return history.state_as_of(records(url), events(url), as_of)
    # The shape is cached on its own counter; only the statuses are read again after a save.
    with Session(engine(url)) as session:
        status = history.status_frame(session)
    return history.join_records(structure(url), status)


@cached
def summary(url: str, as_of: dt.date | None = None) -> pd.DataFrame:
    """One row per dialogue, now or as of a date."""
    return cities.summarise(records(url, as_of))


@cached
def choices(url: str, today: dt.date) -> tuple[list[str], list[str], tuple[dt.date, dt.date]]:
    """Filter options: city names in leg order, phase names in order, and the time-travel span."""
    current = records(url)
    city_names, phase_names = history.names(current)
    return city_names, phase_names, history.date_range(current, today)


@cached
def dialogues(
    url: str,
    as_of: dt.date | None,
    city_names: tuple[str, ...],
    phase_names: tuple[str, ...],
    statuses: tuple[str, ...],
) -> pd.DataFrame:
    """Dialogues matching the filters (by current phase and status)."""
    return history.select_dialogues(summary(url, as_of), city_names, phase_names, statuses)


@cached
def phase_records(
    url: str,
    as_of: dt.date | None,
    city_names: tuple[str, ...],
    phase_names: tuple[str, ...],
    statuses: tuple[str, ...],
) -> pd.DataFrame:
    """Phase records matching the filters (each record by its own phase and status)."""
    return history.select_records(records(url, as_of), city_names, phase_names, statuses)


def in_view(url: str, view: View) -> pd.DataFrame:
    """The dialogues the view shows (one row each)."""
    return dialogues(url, view.as_of, view.cities, view.phases, view.statuses)


def records_in_view(url: str, view: View) -> pd.DataFrame:
    """The phase records the view shows."""
    return phase_records(url, view.as_of, view.cities, view.phases, view.statuses)


@cached
def dialogue_history(url: str, dialogue_id: int, as_of: dt.date | None) -> pd.DataFrame:
    """One dialogue's phase history, newest first (up to ``as_of`` when time travelling)."""
    with Session(engine(url)) as session:
        changes = history.events_frame(session, dialogue_id)
    current = records(url)
    out = history.phase_history(changes, current[current["dialogue_id"] == dialogue_id])
    if as_of is not None:
        out = out[out["at"] < pd.Timestamp(as_of) + pd.Timedelta(days=1)]
    return out


FIELDS = ("status", "planned_start", "planned_end", "actual_start", "actual_end", "note")
DATE_FIELDS = ("planned_start", "planned_end", "actual_start", "actual_end")


def _value(field: str, value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    text = str(value)
    if field == "status" and text in STATUSES:
        return t(status_key(text))
    if field in DATE_FIELDS:
        # Stored as ISO dates; shown like every other date in the app.
        try:
            return day(dt.date.fromisoformat(text))
        except ValueError:
            return text
    return text


def phase_history(
    url: str, dialogue_id: int, view: View, key: str = "estafette.map.history"
) -> None:
    """The chosen dialogue's changes, newest first, as a plain table (text is never HTML)."""
    changes = dialogue_history(url, dialogue_id, view.as_of)
    if changes.empty:
        st.caption(t("map.no_history"))
        return
    table = pd.DataFrame(
        {
            t("map.col_at"): changes["at"].map(moment),
            t("map.col_phase"): changes["phase"],
            t("map.col_field"): [
                t(f"map.field_{f}") if f in FIELDS else f for f in changes["field"]
            ],
            t("map.col_old"): [
                _value(f, v) for f, v in zip(changes["field"], changes["old_value"], strict=True)
            ],
            t("map.col_new"): [
                _value(f, v) for f, v in zip(changes["field"], changes["new_value"], strict=True)
            ],
            t("map.col_actor"): changes["actor"],
        }
    )
    if current_actor().is_anonymous:
        # Who changed what names people: for signed-in participants only (see PRIVACY.md).
        table = table.drop(columns=[t("map.col_actor")])
    st.dataframe(table, hide_index=True, width="stretch", key=key)
