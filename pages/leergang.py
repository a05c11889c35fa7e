"""Leergang: modules and topics, curation of accepted lessons, course versions and downloads."""

import streamlit as st

from estafette import formatting, leergang, lessons
from estafette.accounts import Action
from ui import leergang as course_ui
from ui import lessons as lessons_ui
from ui import write
from ui.core import database_url, language, moment, t
from ui.format import origin, safe, safe_tn

url = database_url()
st.title(t("leergang.title"))
st.caption(t("leergang.intro"))
# The course material names authors and quotes residents: signed-in people only.
actor = lessons_ui.require_sign_in(Action.READ_COURSE)
trainer = actor.role in lessons.REVIEWERS
write.show_flash()

modules = course_ui.modules(url)
names = {m.code: m.name for m in modules}
code = st.selectbox(
    t("course.module"), list(names), format_func=names.get, key="estafette.leergang.module"
)
module = next(m for m in modules if m.code == code)
st.markdown(safe(module.description))

versions = course_ui.versions(url, actor, code)
st.caption(t("course.version_explained"))
labels = [v.label for v in versions]
label = (
    st.selectbox(t("course.version"), labels, key=f"estafette.leergang.version.{code}")
    if labels
    else None
)
current = next((v for v in versions if v.label == label), None)
editable = trainer and (current is None or current.editable)
material = course_ui.course(url, actor, code, label)

# Downloads of the course material (for signed-in people, like the page itself).
left, right, _ = st.columns([1, 1, 2])
stem = formatting.slug(code, label or leergang.FIRST_VERSION)
left.download_button(
    t("course.download_docx"),
    data=course_ui.export(url, actor, code, "docx", label, language()),
    file_name=f"{stem}.docx",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    icon=":material/description:",
    key="estafette.leergang.download_docx",
)
right.download_button(
    t("course.download_md"),
    data=course_ui.export(url, actor, code, "md", label, language()),
    file_name=f"{stem}.md",
    mime="text/markdown",
    icon=":material/article:",
    key="estafette.leergang.download_md",
)
if current is not None and not current.editable:
    st.info(t("course.frozen"), icon=":material/lock:")

# The module's topics, each with its curated lessons in order.
topic_list = course_ui.topics(url, code)
by_topic: dict[str, list[leergang.CourseEntry]] = {}
for entry in material.entries:
    by_topic.setdefault(entry.topic_name, []).append(entry)
st.subheader(t("leergang.topics"))
for topic in topic_list:
    entries = by_topic.get(topic.name, [])
    label = safe_tn("course.topic_heading", len(entries), position=topic.position, name=topic.name)
    with st.expander(label, expanded=bool(entries)):
        if not entries:
            st.caption(t("course.topic_empty"))
        for entry in entries:
            row = st.columns([6, 1, 1]) if editable else [st.container()]
            row[0].markdown(
                f"**{safe(entry.lesson.title)}** — {safe(entry.lesson.phase_name)} · "
                f"{safe(origin(entry.lesson))}"
            )
            if editable:
                if row[1].button(
                    "↑", key=f"estafette.leergang.up.{entry.item_id}", help=t("course.up")
                ) and lessons_ui.run_write(leergang.move_item, actor, entry.item_id, -1):
                    st.rerun()
                if row[2].button(
                    "↓", key=f"estafette.leergang.down.{entry.item_id}", help=t("course.down")
                ) and lessons_ui.run_write(leergang.move_item, actor, entry.item_id, 1):
                    st.rerun()

# Curation: trainers and coordinators pick accepted lessons into a topic.
if editable:
    st.subheader(t("course.curate"))
    accepted = lessons_ui.browse(url, actor, lessons.LessonFilter(status="geaccepteerd"))
    if not accepted:
        st.caption(t("course.no_accepted"))
    else:
        topic_names = {tp.id: f"{tp.position}. {tp.name}" for tp in topic_list}
        with st.form("estafette.leergang.include_form"):
            picked = st.selectbox(
                t("course.pick_lesson"),
                [v.id for v in accepted],
                format_func=lambda i: next(
                    f"{v.title} — {v.phase_name} · {origin(v)}" for v in accepted if v.id == i
                ),
                key="estafette.leergang.pick_lesson",
            )
            topic_id = st.selectbox(
                t("course.pick_topic"),
                list(topic_names),
                format_func=topic_names.get,
                key="estafette.leergang.pick_topic",
            )
            if st.form_submit_button(
                t("course.include"), type="primary", key="estafette.leergang.include"
            ) and lessons_ui.run_write(
                leergang.include, actor, picked, code, topic_id, success=t("course.included")
            ):
                st.rerun()

    st.subheader(t("course.versions"))
    st.caption(t("course.versions_help"))
    with st.form("estafette.leergang.version_form"):
        new_label = st.text_input(t("course.new_version"), key="estafette.leergang.new_label")
        if st.form_submit_button(
            t("course.keep_version"), key="estafette.leergang.keep_version"
        ) and lessons_ui.run_write(
            leergang.new_version, actor, code, new_label, success=t("course.version_kept")
        ):
            # Show the new (editable) version after the rerun.
            st.session_state.pop(f"estafette.leergang.version.{code}", None)
            st.rerun()
elif not trainer:
    st.caption(t("course.trainers_only"))

if versions:
    st.dataframe(
        [
            {
                t("course.version"): v.label,
                t("course.col_created"): moment(v.created_at),
                t("course.col_by"): v.created_by,
                t("course.col_items"): v.item_count,
            }
            for v in versions
        ],
        hide_index=True,
        width="stretch",
    )
