"""Lessons: browse, filter and search what the cities learned; review and see the history."""

import streamlit as st

from estafette import lessons, search
from estafette.accounts import Action
from ui import lessons as ui
from ui import write
from ui.core import database_url, t, tn
from ui.format import safe

url = database_url()
st.title(t("lessons.title"))
st.caption(t("lessons.intro"))
# Lessons name their authors and may quote residents: signed-in people only.
actor = ui.require_sign_in(Action.READ_LESSONS)
reviewer = actor.role in lessons.REVIEWERS
opts = ui.options(url)
write.show_flash()
st.page_link("pages/lesson_add.py", label=t("lesson_add.title"), icon=":material/add:")

# Where my lessons are used (the author's view).
my = ui.mine(url, actor)
if my:
    with st.expander(t("lessons.mine", count=len(my))):
        for view in my:
            used = "; ".join(
                f"{u.module_name} › {u.topic_name} ({u.version_label})" for u in view.usages
            )
            st.markdown(
                f"**{safe(view.title)}** — {ui.status_label(view.status)}"
                + (f" · {t('lessons.used_in')} {safe(used)}" if used else "")
            )

# Filters and search.
query = st.text_input(
    t("search.label"), key="estafette.lessons.query", placeholder=t("search.placeholder")
)
cols = st.columns(5)
city = ui.filter_select(cols[0], "lessons.filter.city", opts.cities, "estafette.lessons.city")
phase = ui.filter_select(cols[1], "lessons.filter.phase", opts.phases, "estafette.lessons.phase")
wish = ui.filter_select(cols[2], "lessons.filter.theme", opts.wishes, "estafette.lessons.theme")
status = ui.filter_select(
    cols[3],
    "lessons.filter.status",
    [(v, ui.status_label(v)) for v in lessons.visible_statuses(actor)],
    "estafette.lessons.status",
)
module = ui.filter_select(
    cols[4], "lessons.filter.module", opts.modules, "estafette.lessons.module"
)
filters = lessons.LessonFilter(
    city_id=city,
    phase_code=phase,
    wish_code=wish,
    status=status,
    module_code=module,
    statuses=lessons.visible_statuses(actor),
)

if query.strip():
    views = [hit.lesson for hit in ui.search(url, actor, query, filters)]
    stems = search.query_stems(query)
    st.caption(tn("search.results", len(views)))
else:
    views = ui.browse(url, actor, filters)
    stems = set()
    st.caption(tn("lessons.count", len(views)))
if not views:
    st.info(t("search.none") if query.strip() else t("lessons.none"))

# Collapsed: one line per lesson (title, city, phase, status), the details on demand.
if views:
    st.caption(t("lessons.page.details"))
for view in ui.paged(views, "estafette.lessons.page"):
    with st.expander(ui.summary_label(view)):
        ui.render_lesson(view, stems, show_private=lessons.sees_private_quotes(actor, view))
        # Expanders do not nest: the history opens as a popover.
        with st.popover(t("workflow.history")):
            ui.render_history(view)
        if reviewer and view.status == "voorgesteld":
            # Side by side at the left edge: both are answers to the same proposal.
            actions = st.container(horizontal=True)
            if actions.button(
                t("workflow.accept"), key=f"estafette.lessons.accept.{view.id}", type="primary"
            ) and ui.run_write(lessons.accept, actor, view.id, success=t("workflow.accepted")):
                st.rerun()
            with actions.popover(t("workflow.reject")):
                reason = st.text_input(
                    t("workflow.reason"), key=f"estafette.lessons.reason.{view.id}"
                )
                if st.button(
                    t("workflow.reject_confirm"), key=f"estafette.lessons.reject.{view.id}"
                ) and ui.run_write(
                    lessons.reject, actor, view.id, reason, success=t("workflow.rejected")
                ):
                    st.rerun()
        if reviewer and view.status in ("geaccepteerd", "opgenomen"):
            st.caption(t("workflow.include_hint"))

# Just-in-time briefing per dialogue.
st.divider()
st.subheader(t("briefing.section"))
dialogues = {d.id: d for d in opts.dialogues}
if dialogues:
    left, right = st.columns(2)
    chosen = left.selectbox(
        t("briefing.dialogue"),
        list(dialogues),
        format_func=lambda i: ui.dialogue_label(dialogues[i]),
        key="estafette.lessons.briefing_dialogue",
    )
    codes = [p[0] for p in opts.phases]
    current = dialogues[chosen].current_phase_code
    briefing_phase = right.selectbox(
        t("briefing.phase"),
        codes,
        index=codes.index(current) if current in codes else 0,
        format_func=lambda c: dict(opts.phases)[c],
        key=f"estafette.lessons.briefing_phase.{chosen}",
    )
    ui.render_briefing(chosen, briefing_phase)
