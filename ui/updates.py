"""Fase bijwerken (a phase update): the form state, saving, and the dialogue's history table."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from estafette import choices as choices_mod
from estafette import history, updates
from estafette.accounts import Actor
from estafette.cities import status_key
from estafette.models import DATE_FIELDS
from estafette.updates import TRACKED_FIELDS, PhaseUpdate, RecordView
from ui import write
from ui.core import cached, database_url, day, engine, moment, t
from ui.format import place_label, safe_t, safe_tn
from ui.history import summary
from ui.phases import phase_list

PREFIX = "estafette.status."
LOADED_KEY = PREFIX + "loaded"
PENDING_KEY = PREFIX + "pending"
CONFLICT_KEY = PREFIX + "conflict"


def field_key(name: str) -> str:
    """The session-state key of a form field."""
    return f"{PREFIX}f_{name}"


@cached
def _dialogues(url: str) -> list[choices_mod.DialogueChoice]:
    # From the dashboards' summary of this data version: no read of its own.
    codes = {phase.position: phase.code for phase in phase_list(url)}
    return choices_mod.from_summary(summary(url), codes)


def choices(actor: Actor) -> list[choices_mod.DialogueChoice]:
    """All dialogues, the actor's own first."""
    return choices_mod.for_actor(_dialogues(database_url()), actor)


def records(dialogue_id: int) -> list[RecordView]:
    """The dialogue's phase records, read fresh (a form must start from the newest version)."""
    with Session(engine(database_url())) as session:
        return updates.dialogue_records(session, dialogue_id)


def load_into_form(view: RecordView) -> None:
    """Remember the loaded version and put its values in the form fields."""
    st.session_state[LOADED_KEY] = view
    for name in TRACKED_FIELDS:
        st.session_state[field_key(name)] = getattr(view, name)
    st.session_state.pop(CONFLICT_KEY, None)


def reload(record_id: int) -> None:
    """Load the newest version of a record into the form (after a conflict)."""
    with Session(engine(database_url())) as session:
        load_into_form(updates.load_record(session, record_id))


def loaded(record_id: int) -> RecordView | None:
    """The version of ``record_id`` the form was loaded with, if that is the current form."""
    view = st.session_state.get(LOADED_KEY)
    return view if isinstance(view, RecordView) and view.id == record_id else None


def form_update() -> PhaseUpdate:
    """The values currently in the form."""
    return PhaseUpdate(**{name: st.session_state.get(field_key(name)) for name in TRACKED_FIELDS})


def save(actor: Actor, update: PhaseUpdate, close_previous: bool | None = None) -> None:
    """Try to save; success, validation problems, conflicts and questions end up in state.

    A widget callback (it runs before the page is drawn), so every outcome waits in session
    state for the page: a question, a conflict, or a flash.
    """
    expected = st.session_state[LOADED_KEY]
    st.session_state.pop(PENDING_KEY, None)

    def ask(exc: updates.PreviousPhaseOpen) -> None:
        st.session_state[PENDING_KEY] = (update, exc.previous)

    def conflict(exc: updates.Conflict) -> None:
        st.session_state[CONFLICT_KEY] = exc.changes

    def invalid(exc: updates.ValidationFailed) -> None:
        write.flash(*(validation_message(i) for i in exc.issues), kind="error")

    result = write.perform(
        lambda session: updates.save_update(
            session, actor, expected, update, close_previous=close_previous
        ),
        success=lambda result: saved_messages(expected, result),
        handle={
            updates.PreviousPhaseOpen: ask,
            updates.Conflict: conflict,
            updates.ValidationFailed: invalid,
        },
        later=True,
    )
    if result is not None:
        load_into_form(result.record)


def saved_messages(expected: RecordView, result: updates.SaveResult) -> list[str]:
    """What a save did: the previous phase it closed, and the fields it changed (Markdown)."""
    messages = []
    if result.closed_previous is not None:
        messages.append(
            safe_t("status_page.closed_previous", phase=result.closed_previous.phase_name)
        )
    if result.changed:
        dialogue = place_label(expected.city, expected.neighbourhood)
        messages.append(
            safe_tn(
                "status_page.saved",
                len(result.changed),
                phase=expected.phase_name,
                dialogue=dialogue,
            )
        )
    else:
        messages.append(t("status_page.nothing_changed"))
    return messages


def validation_message(issue: updates.Issue) -> str:
    """The Dutch/English text of one validation problem."""
    return t(f"validation.{issue.code}", field=field_label(issue.field))


def field_label(name: str) -> str:
    """The translated label of a phase record field."""
    if name in TRACKED_FIELDS:
        return t(f"status_page.{name}")
    if name == "previous":
        return t("status_page.previous_phase")
    return name


def show_value(name: str, value: object) -> str:
    """A field value as people read it (translated status, Dutch dates, '(leeg)')."""
    if value is None or value == "":
        return t("status_page.empty_value")
    if name == "status":
        return t(status_key(str(value)))
    if name in DATE_FIELDS:
        try:
            return day(dt.date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    return str(value)


def conflict_lines(changes: list[updates.Change]) -> list[str]:
    """One line per change someone else made (Markdown: who and the values escaped)."""
    return [
        safe_t(
            "status_page.conflict_line",
            who=c.actor,
            at=moment(c.at),
            field=field_label(c.field),
            old=show_value(c.field, c.old_value),
            new=show_value(c.field, c.new_value),
        )
        for c in changes
    ]


@cached
def _history(url: str, dialogue_id: int) -> list[history.HistoryEntry]:
    with Session(engine(url)) as session:
        return history.dialogue_history(session, dialogue_id)


def history_table(dialogue_id: int) -> pd.DataFrame:
    """The dialogue's history with translated headers and values (cached until a save)."""
    entries = _history(database_url(), dialogue_id)
    return pd.DataFrame(
        {
            t("status_page.col_at"): [moment(e.at) for e in entries],
            t("status_page.col_who"): [e.actor for e in entries],
            t("status_page.col_phase"): [e.phase_name for e in entries],
            t("status_page.col_field"): [field_label(e.field) for e in entries],
            t("status_page.col_old"): [show_value(e.field, e.old_value) for e in entries],
            t("status_page.col_new"): [show_value(e.field, e.new_value) for e in entries],
        }
    )
