"""Fase bijwerken: a city lead sets status, dates and a note of one phase of their dialogue."""

import datetime as dt

import streamlit as st

from estafette.accounts import Action, can
from estafette.cities import status_key
from estafette.phases import STATUSES
from ui import links, write
from ui import updates as form
from ui.core import current_actor, moment, t
from ui.format import place_label, safe_t
from ui.lessons import render_briefing

EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)

actor = current_actor()
st.title(t("status_page.title"))
st.caption(t("status_page.intro"))
if not can(actor, Action.EDIT_STATUS):
    st.info(t("auth.permission.sign_in_needed"))
    st.stop()

options = {c.id: c for c in form.choices(actor)}
if not options:
    st.info(t("status_page.no_dialogues"))
    st.stop()


# Translated once: the list holds every dialogue of the relay (a thousand at national scale).
READ_ONLY = t("status_page.read_only")


def dialogue_label(dialogue_id: int) -> str:
    """City · neighbourhood ("nog te bepalen" while unknown), marked when read-only."""
    choice = options[dialogue_id]
    label = place_label(choice.city, choice.neighbourhood, undecided=True)
    return label if choice.editable else f"{label} ({READ_ONLY})"


links.preselect(form.PREFIX + "dialogue", options)
dialogue_id = st.selectbox(
    t("status_page.dialogue"),
    list(options),
    format_func=dialogue_label,
    key=form.PREFIX + "dialogue",
)
choice = options[dialogue_id]
records = {r.position: r for r in form.records(dialogue_id)}
position = st.selectbox(
    t("status_page.phase"),
    list(records),
    format_func=lambda p: records[p].phase_name,
    key=form.PREFIX + "phase",
)
record = records[position]
if form.loaded(record.id) is None or form.field_key("status") not in st.session_state:
    form.load_into_form(record)
view = form.loaded(record.id)

write.show_flash()

if view.updated_by:
    st.caption(safe_t("status_page.last_change", at=moment(view.updated_at), who=view.updated_by))
else:
    st.caption(t("status_page.never_changed"))

conflict = st.session_state.get(form.CONFLICT_KEY)
if conflict is not None:
    st.error(
        "\n".join(
            [t("status_page.conflict"), *(f"- {line}" for line in form.conflict_lines(conflict))]
        )
    )
    st.button(
        t("status_page.reload"),
        key=form.PREFIX + "reload",
        on_click=form.reload,
        args=(record.id,),
    )

if not choice.editable:
    st.warning(safe_t("auth.permission.not_your_city", city=choice.city), icon=":material/block:")
else:
    with st.form(form.PREFIX + "form"):
        st.selectbox(
            t("status_page.status"),
            STATUSES,
            format_func=lambda s: t(status_key(s)),
            key=form.field_key("status"),
        )
        # One row per pair: the keyboard (Tab) order then follows the reading order.
        planned_left, planned_right = st.columns(2)
        actual_left, actual_right = st.columns(2)
        for column, name in (
            (planned_left, "planned_start"),
            (planned_right, "planned_end"),
            (actual_left, "actual_start"),
            (actual_right, "actual_end"),
        ):
            column.date_input(
                t(f"status_page.{name}"),
                min_value=EARLIEST,
                max_value=LATEST,
                format="DD-MM-YYYY",
                key=form.field_key(name),
            )
        st.text_area(t("status_page.note"), key=form.field_key("note"), max_chars=4000)
        st.form_submit_button(
            t("status_page.save"),
            type="primary",
            on_click=lambda: form.save(actor, form.form_update()),
        )

pending = st.session_state.get(form.PENDING_KEY)
if pending is not None:
    update, previous = pending

    @st.dialog(t("status_page.previous_title"))
    def ask_previous() -> None:
        st.markdown(
            safe_t(
                "status_page.previous_question",
                phase=previous.phase_name,
                status=t(status_key(previous.status)),
                next=record.phase_name,
            )
        )
        close, keep, cancel = st.columns(3)
        answered = close.button(
            t("status_page.previous_close"),
            key=form.PREFIX + "close_previous",
            type="primary",
            on_click=lambda: form.save(actor, update, close_previous=True),
        )
        answered |= keep.button(
            t("status_page.previous_keep"),
            key=form.PREFIX + "keep_previous",
            on_click=lambda: form.save(actor, update, close_previous=False),
        )
        answered |= cancel.button(
            t("status_page.cancel"),
            key=form.PREFIX + "cancel_previous",
            on_click=lambda: st.session_state.pop(form.PENDING_KEY, None),
        )
        if answered:
            st.rerun()

    ask_previous()

# The relay passes its knowledge on at the moment of need: lessons of earlier legs, this phase.
render_briefing(dialogue_id, record.phase_code)

st.subheader(t("status_page.history"))
history = form.history_table(dialogue_id)
if history.empty:
    st.caption(t("status_page.history_empty"))
else:
    st.dataframe(history, hide_index=True, width="stretch")
