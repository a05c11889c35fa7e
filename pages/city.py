"""Stad: everything about one leg (?stad=<name>), or one dialogue of it (?dialoog=<id>)."""

import streamlit as st

from estafette import lessons
from estafette.accounts import Action, can
from ui import calendar_feed, cities, edits, history, timeline, write
from ui import lessons as lessons_ui
from ui.core import current_actor, database_url, t, tn
from ui.filters import View
from ui.format import safe, safe_t

CHOICE_KEY = "estafette.city.choice"
SEEN_KEY = "estafette.city.seen_param"

url = database_url()
actor = current_actor()
coordinator = can(actor, Action.EDIT_RELAY)
write.show_flash()


def lesson_list(city_id: int, dialogue_id: int | None = None) -> None:
    """The lessons the city (or dialogue) contributed, as far as the viewer may see them."""
    if not can(actor, Action.READ_LESSONS):
        # Lessons name authors and quote residents: for signed-in participants only.
        st.info(t("lessons.sign_in_to_read"), icon=":material/login:")
        return
    filters = lessons.LessonFilter(city_id=city_id, statuses=lessons.visible_statuses(actor))
    views = lessons_ui.browse(url, actor, filters)
    if dialogue_id is not None:
        views = [v for v in views if v.dialogue_id == dialogue_id]
    st.caption(tn("lessons.count", len(views)))
    for view in views:
        with st.expander(f"{safe(view.title)} · {lessons_ui.status_label(view.status)}"):
            lessons_ui.render_lesson(view, show_private=not actor.is_anonymous)


raw_dialogue = st.query_params.get("dialoog")
summary = None
if raw_dialogue:
    summary = cities.dialogue(url, int(raw_dialogue)) if raw_dialogue.isdigit() else None
    if summary is None:
        # The address is anyone's to write: what it asked for shows as text.
        st.warning(safe_t("city.unknown_dialogue", id=raw_dialogue), icon=":material/help:")

if summary is not None:
    # ---------------------------------------------------------------- one dialogue
    st.title(f"{safe(summary.city)} · {safe(cities.dialogue_name(summary))}")
    st.caption(
        t("overview.leg", leg=summary.leg) + (f" · {safe(summary.theme)}" if summary.theme else "")
    )
    if summary.archived:
        st.info(t("city.dialogue_archived"), icon=":material/archive:")
    if summary.central_question:
        st.markdown(f"> {safe(summary.central_question)}")
    links = st.container(horizontal=True)
    links.page_link(
        "pages/city.py",
        label=safe_t("city.back_to_city", city=summary.city),
        icon=":material/location_city:",
        query_params={"stad": summary.city},
    )
    if can(actor, Action.EDIT_STATUS, city_id=summary.city_id) and not summary.archived:
        links.page_link(
            "pages/status.py",
            label=t("city.update_phase"),
            icon=":material/edit_note:",
            query_params={"dialoog": str(summary.id)},
        )
    st.markdown(f"### {safe(summary.current_phase)}")
    st.progress(
        summary.completed / summary.total if summary.total else 0.0,
        text=t("overview.progress_value", done=summary.completed, total=summary.total),
    )
    cities.render_phase_table(summary.id)
    st.subheader(t("nav.timeline"))
    timeline.render_city_timeline(summary.city_id, summary.id)
    st.subheader(t("city.history"))
    history.phase_history(url, summary.id, View(), key="estafette.dialogue.history")
    cities.render_edit_log(summary.city_id, summary.id)
    st.subheader(t("city.lessons"))
    lesson_list(summary.city_id, summary.id)
    if summary.current_phase_code:
        lessons_ui.render_briefing(summary.id, summary.current_phase_code)
    if coordinator:
        edits.dialogue_editor(actor, summary)
    st.stop()

# -------------------------------------------------------------------- one city
names = cities.city_names(url)
wanted = st.query_params.get("stad")
if wanted and wanted != st.session_state.get(SEEN_KEY):
    st.session_state[SEEN_KEY] = wanted
    match = next((n for n in names if n.lower() == wanted.strip().lower()), None)
    if match is None:
        st.warning(safe_t("city.unknown_city", name=wanted), icon=":material/help:")
    else:
        st.session_state[CHOICE_KEY] = match

st.title(t("city.title"))
choice = st.selectbox(
    t("city.choose"), names, index=None, key=CHOICE_KEY, placeholder=t("city.placeholder")
)
if choice is None:
    st.stop()
st.query_params["stad"] = choice
st.session_state[SEEN_KEY] = choice
found = cities.dossier(url, choice, not actor.is_anonymous)
if found is None:
    st.stop()

st.header(safe(found.name))
st.caption(
    safe_t(
        "city.facts",
        leg=found.leg,
        province=found.province or "—",
        joined=cities.format_day(found.joined_on),
    )
)
if found.archived:
    st.info(t("city.city_archived"), icon=":material/archive:")
if not actor.is_anonymous:
    st.markdown(
        safe_t("city.leads", names=", ".join(found.leads)) if found.leads else t("city.no_leads")
    )

tabs = st.tabs(
    [
        t("city.tab_dialogues"),
        t("nav.timeline"),
        t("city.history"),
        t("city.tab_handovers"),
        t("city.lessons"),
        t("city.tab_briefing"),
    ]
)
with tabs[0]:
    cities.render_dialogue_cards(found)
with tabs[1]:
    timeline.render_city_timeline(found.id)
with tabs[2]:
    for summary in found.dialogues:
        st.markdown(f"**{safe(cities.dialogue_name(summary))}**")
        history.phase_history(url, summary.id, View(), key=f"estafette.city.history.{summary.id}")
    st.markdown(f"**{t('city.edits')}**")
    cities.render_edit_log(found.id)
with tabs[3]:
    cities.render_handovers(found)
with tabs[4]:
    lesson_list(found.id)
with tabs[5]:
    for summary in found.dialogues:
        if summary.current_phase_code and not summary.archived:
            st.markdown(
                f"**{safe(cities.dialogue_name(summary))}** · {safe(summary.current_phase)}"
            )
            lessons_ui.render_briefing(summary.id, summary.current_phase_code)

if coordinator:
    edits.city_editor(actor, found)
calendar_feed.calendar_download(names, "estafette.city.calendar", city=found.name)
