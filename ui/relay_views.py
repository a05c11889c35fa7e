"""Streamlit pieces shared by the coordinator's pages (map, timeline, overview)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from estafette.cities import status_key
from estafette.phases import STATUSES
from ui import coordinator
from ui.core import current_actor, day, moment, t
from ui.filters import View

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
    changes = coordinator.dialogue_history(url, dialogue_id, view.as_of)
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


# Up to this many rows a plain HTML table (read well by screen readers); beyond it, a grid.
ALTERNATIVE_TABLE_LIMIT = 60


def text_alternative(title: str, table: pd.DataFrame, key: str) -> None:
    """A chart's facts as a table in an expander right below it (keyboard: Tab, Enter)."""
    with st.expander(title, expanded=False):
        if len(table) <= ALTERNATIVE_TABLE_LIMIT:
            st.table(table.set_index(table.columns[0]))
        else:
            st.dataframe(table, hide_index=True, width="stretch", key=key)
