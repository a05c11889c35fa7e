"""Streamlit helpers of issue 13: the calendar download, the city page and dialogue view."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy.orm import Session

from estafette import calendar_feed, charts, cities, db, edits, relay, updates
from estafette import dossier as dossier_mod
from estafette.accounts import Actor, PermissionDenied
from ui import loaders
from ui.core import (
    cached,
    data_version_seen,
    database_url,
    day,
    engine,
    language,
    moment,
    settings,
    t,
)
from ui.format import place_label


@st.cache_data(show_spinner=False, max_entries=16)
def _calendar_bytes(url: str, version: int, city: str | None, lang: str, base_url: str) -> bytes:
    # Keyed on the data version passed in: a click is served outside a script run, where the
    # session's version cannot be looked up.
    with Session(engine(url)) as session:
        return calendar_feed.build(session, city, lang, base_url)


def calendar_file(url: str, city: str | None, lang: str, base_url: str) -> bytes:
    """The .ics file of planned phase dates (one city or all)."""
    return _calendar_bytes(url, data_version_seen(), city, lang, base_url)


def calendar_download(url: str, city_names: list[str], key: str, city: str | None = None) -> None:
    """A download button for the planning as .ics; without ``city`` a city choice comes first."""
    if city is None and city_names:
        city = st.selectbox(
            t("calendar.scope"),
            [None, *city_names],
            format_func=lambda name: t("calendar.all_cities") if name is None else name,
            key=f"{key}.city",
        )
    lang, base_url, version = language(), settings().base_url, data_version_seen()

    def build() -> bytes:
        # Deferred: the file is built when someone clicks, not on every run of the page (a
        # national calendar takes about a second to write). The values are bound now, because
        # the click is served outside this script run.
        return _calendar_bytes(url, version, city, lang, base_url)

    st.download_button(
        t("calendar.download"),
        data=build,
        file_name=calendar_feed.file_name(city),
        mime=calendar_feed.MIME_TYPE,
        help=t("calendar.download_help"),
        icon=":material/calendar_month:",
        key=key,
    )


# --------------------------------------------------------------------------------------------
# The Stad page: loaders
# --------------------------------------------------------------------------------------------


@cached
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
def timeline_figure(
    url: str, city_id: int, dialogue_id: int | None, lang: str, today: dt.date
) -> go.Figure | None:
    """The coordinator's timeline, limited to one city (or one of its dialogues)."""
    with Session(engine(url)) as session:
        records = dossier_mod.city_records(session, city_id, dialogue_id)
        every = relay.handovers(session)
    if records.empty:
        return None
    phases = records.drop_duplicates("phase_position").sort_values("phase_position")
    return charts.timeline(
        records,
        list(zip(phases["phase_position"].astype(int), phases["phase"], strict=True)),
        lang=lang,
        today=today,
        handovers=every,
    )


@cached
def phase_table(url: str, dialogue_id: int) -> list[updates.RecordView]:
    """The five phase records of a dialogue."""
    with Session(engine(url)) as session:
        return updates.dialogue_records(session, dialogue_id)


@cached
def edit_log(url: str, city_id: int, dialogue_id: int | None = None) -> list[edits.EditEvent]:
    """Edits, archive and restore of a city and its dialogues (or one dialogue)."""
    with Session(engine(url)) as session:
        return edits.edit_history(session, city_id, dialogue_id)


# --------------------------------------------------------------------------------------------
# The Stad page: rendering
# --------------------------------------------------------------------------------------------


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
            st.markdown(f"**{dialogue_name(summary)}**")
            if summary.theme:
                st.caption(summary.theme)
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
    st.markdown(f"### {phase}")
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


def render_timeline(city_id: int, dialogue_id: int | None = None) -> None:
    """The timeline of the city (or dialogue)."""
    figure = timeline_figure(database_url(), city_id, dialogue_id, language(), dt.date.today())
    if figure is None:
        st.caption(t("timeline.empty"))
        return
    key = "estafette.city.timeline" if dialogue_id is None else "estafette.dialogue.timeline"
    st.plotly_chart(figure, key=key, width="stretch")


# --------------------------------------------------------------------------------------------
# The Stad page: coordinators edit and archive
# --------------------------------------------------------------------------------------------

FLASH_KEY = "estafette.city.flash"


def attempt(action: Callable[[Session], object], success: str) -> bool:
    """Run an edit in one transaction; a clear message instead of a traceback, nothing half-done."""
    try:
        with db.storage_errors(), Session(engine(database_url())) as session:
            action(session)
            session.commit()
    except PermissionDenied:
        st.error(t("auth.permission.denied"), icon=":material/block:")
        return False
    except edits.EditError as exc:
        st.error(t(f"edit.error.{exc.code}", **exc.values), icon=":material/error:")
        return False
    except db.StorageError as exc:
        st.error(t(f"error.db.{exc.code}", url=db.display_url(database_url())))
        return False
    loaders.clear()
    st.session_state[FLASH_KEY] = success
    return True


def show_flash() -> None:
    """Show (once) the confirmation of the last edit."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def city_editor(actor: Actor, found: dossier_mod.CityDossier) -> None:
    """Coordinators: edit the city's details, archive or restore it."""
    with st.expander(t("edit.city_title"), icon=":material/edit:"):
        with st.form(key="estafette.city.edit_form"):
            name = st.text_input(t("edit.name"), found.name, key="estafette.city.edit.name")
            province = st.text_input(
                t("edit.province"), found.province, key="estafette.city.edit.province"
            )
            left, middle, right = st.columns(3)
            lat = left.number_input(
                t("edit.latitude"),
                value=found.latitude,
                format="%.5f",
                key="estafette.city.edit.lat",
            )
            lon = middle.number_input(
                t("edit.longitude"),
                value=found.longitude,
                format="%.5f",
                key="estafette.city.edit.lon",
            )
            leg = right.number_input(
                t("edit.leg"), value=found.leg, min_value=1, step=1, key="estafette.city.edit.leg"
            )
            saved = st.form_submit_button(t("edit.save"), key="estafette.city.edit.save")
        if saved and attempt(
            lambda s: edits.edit_city(
                s,
                actor,
                found.id,
                name=name,
                province=province,
                latitude=float(lat),
                longitude=float(lon),
                leg=int(leg),
            ),
            t("edit.saved"),
        ):
            st.query_params["stad"] = name.strip()
            st.rerun()
        archive_button(actor, "city", found.id, found.archived)


def dialogue_editor(actor: Actor, summary: dossier_mod.DialogueSummary) -> None:
    """Coordinators: edit the dialogue's details, archive or restore it."""
    with st.expander(t("edit.dialogue_title"), icon=":material/edit:"):
        with st.form(key="estafette.dialogue.edit_form"):
            hood = st.text_input(
                t("edit.neighbourhood"), summary.neighbourhood, key="estafette.dialogue.edit.hood"
            )
            theme = st.text_input(
                t("edit.theme"), summary.theme, key="estafette.dialogue.edit.theme"
            )
            question = st.text_area(
                t("edit.question"), summary.central_question, key="estafette.dialogue.edit.question"
            )
            own = st.checkbox(
                t("edit.own_location"),
                value=summary.latitude is not None,
                key="estafette.dialogue.edit.own_location",
            )
            left, right = st.columns(2)
            lat = left.number_input(
                t("edit.latitude"),
                value=summary.latitude,
                format="%.5f",
                key="estafette.dialogue.edit.lat",
            )
            lon = right.number_input(
                t("edit.longitude"),
                value=summary.longitude,
                format="%.5f",
                key="estafette.dialogue.edit.lon",
            )
            saved = st.form_submit_button(t("edit.save"), key="estafette.dialogue.edit.save")
        if saved and attempt(
            lambda s: edits.edit_dialogue(
                s,
                actor,
                summary.id,
                neighbourhood=hood,
                theme=theme,
                central_question=question,
                latitude=float(lat) if own and lat is not None else None,
                longitude=float(lon) if own and lon is not None else None,
            ),
            t("edit.saved"),
        ):
            st.rerun()
        archive_button(actor, "dialogue", summary.id, summary.archived)


def archive_button(actor: Actor, kind: str, target_id: int, archived: bool) -> None:
    """Archive (or restore) a city or a dialogue."""
    action = {
        ("city", False): edits.archive_city,
        ("city", True): edits.restore_city,
        ("dialogue", False): edits.archive_dialogue,
        ("dialogue", True): edits.restore_dialogue,
    }[(kind, archived)]
    label = t("edit.restore") if archived else t("edit.archive")
    st.caption(t(f"edit.{kind}_archive_help"))
    if st.button(
        label,
        key=f"estafette.{kind}.archive",
        icon=":material/unarchive:" if archived else ":material/archive:",
    ) and attempt(
        lambda s: action(s, actor, target_id),
        t("edit.restored") if archived else t("edit.archived"),
    ):
        st.rerun()


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
            label=name,
            icon=":material/location_city:",
            query_params={"stad": name},
        )


# --------------------------------------------------------------------------------------------
# The progress report download (overview)
# --------------------------------------------------------------------------------------------

REPORT_KEY = "estafette.overview.report"


@cached
def report_file(url: str, as_of: dt.date, fmt: str, lang: str, stale_days: int) -> bytes:
    """The steering-group report as of a date (DOCX or PDF)."""
    from estafette import report

    with Session(engine(url)) as session:
        return report.build(session, as_of, fmt, lang, stale_days=stale_days)


def report_download(url: str, as_of: dt.date | None, stale_days: int) -> None:
    """Make the report on request (it takes seconds), then offer it for download."""
    from estafette import report

    with st.expander(t("report.section"), icon=":material/description:"):
        left, right = st.columns(2)
        day = left.date_input(
            t("report.as_of"),
            value=as_of or dt.date.today(),
            format="DD-MM-YYYY",
            key=f"{REPORT_KEY}.as_of",
        )
        fmt = right.radio(
            t("report.format"), report.FORMATS, horizontal=True, key=f"{REPORT_KEY}.format"
        )
        if st.button(t("report.make"), key=f"{REPORT_KEY}.make", icon=":material/description:"):
            with st.spinner(t("report.make")):
                data = report_file(url, day, fmt, language(), stale_days)
            st.session_state[f"{REPORT_KEY}.file"] = (report.file_name(day, fmt), fmt, data)
        made = st.session_state.get(f"{REPORT_KEY}.file")
        if made:
            name, made_fmt, data = made
            st.download_button(
                t("report.download"),
                data=data,
                file_name=name,
                mime=report.MIME_TYPES[made_fmt],
                icon=":material/download:",
                key=f"{REPORT_KEY}.download",
            )


# --------------------------------------------------------------------------------------------
# Reminder preferences (account page)
# --------------------------------------------------------------------------------------------


def reminder_settings(actor: Actor) -> None:
    """The signed-in person's own choice: e-mail reminders on or off, and their language."""
    from estafette import i18n, reminders

    if actor.user_id is None:
        return
    with Session(engine(database_url())) as session:
        enabled, mail_language = reminders.preferences(session, actor.user_id)
    st.subheader(t("notify.settings_title"))
    with st.form(key="estafette.account.reminders_form"):
        wanted = st.checkbox(
            t("notify.settings_on"), value=enabled, key="estafette.account.reminders"
        )
        chosen = st.selectbox(
            t("notify.settings_language"),
            i18n.LANGUAGES,
            index=i18n.LANGUAGES.index(mail_language),
            format_func=lambda code: i18n.translate(f"lang.{code}", code),
            key="estafette.account.mail_language",
        )
        saved = st.form_submit_button(
            t("notify.settings_save"), key="estafette.account.reminders_save"
        )
    if saved:
        with Session(engine(database_url())) as session, session.begin():
            reminders.set_preferences(session, actor.user_id, reminders=wanted, language=chosen)
        st.success(t("notify.settings_saved"), icon=":material/check_circle:")
