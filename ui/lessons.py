"""Lessons: loaders, the one write wrapper, rendering, the briefing and the collapsed list.

The Leergang's course material (modules, topics, versions, downloads) is in ui/leergang.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st
from sqlalchemy.orm import Session
from streamlit.delta_generator import DeltaGenerator

from estafette import handout, leergang, lessons
from estafette import search as search_module
from estafette.accounts import Action, Actor, can
from estafette.models import Wish
from ui import write
from ui.core import (
    cached,
    cached_content,
    current_actor,
    database_url,
    engine,
    language,
    moment,
    t,
    tn,
)
from ui.format import origin, safe

# ---------------------------------------------------------------------------- loaders


@dataclass(frozen=True)
class Options:
    """Everything the filter and form widgets choose from."""

    cities: tuple[tuple[int, str], ...]
    dialogues: tuple[lessons.DialogueChoice, ...]
    phases: tuple[tuple[str, str], ...]
    wishes: tuple[tuple[str, str], ...]
    modules: tuple[tuple[str, str], ...]


@cached
def options(url: str) -> Options:
    """Cities, dialogues, phases, wishes and modules as (value, label) pairs."""
    from sqlalchemy import select

    from estafette.cities import list_cities
    from estafette.phases import list_phases

    with Session(engine(url)) as session:
        wish_rows = session.execute(select(Wish.code, Wish.name).order_by(Wish.position))
        return Options(
            cities=tuple((c.id, c.name) for c in list_cities(session)),
            dialogues=tuple(lessons.dialogue_choices(session)),
            phases=tuple((p.code, p.name) for p in list_phases(session)),
            wishes=tuple((code, name) for code, name in wish_rows),
            modules=tuple((m.code, m.name) for m in leergang.list_modules(session)),
        )


@cached
def browse(url: str, actor: Actor, filters: lessons.LessonFilter) -> list[lessons.LessonView]:
    """Lessons matching the filters, newest first."""
    with Session(engine(url)) as session:
        return lessons.list_lessons(session, actor, filters)


@cached
def search(
    url: str, actor: Actor, query: str, filters: lessons.LessonFilter
) -> list[search_module.SearchHit]:
    """Ranked search hits with escaped highlights."""
    with Session(engine(url)) as session:
        return search_module.search(session, actor, query, filters)


@cached
def history(url: str, actor: Actor, lesson_id: int) -> list[lessons.EventView]:
    """A lesson's transitions."""
    with Session(engine(url)) as session:
        return lessons.history(session, actor, lesson_id)


@cached
def mine(url: str, actor: Actor) -> list[lessons.LessonView]:
    """The actor's own lessons with where they are used."""
    with Session(engine(url)) as session:
        return lessons.my_lessons(session, actor)


@cached_content
def briefing_lessons(
    url: str, actor: Actor, dialogue_id: int, phase_code: str
) -> list[lessons.LessonView]:
    """What earlier legs learned in this phase."""
    with Session(engine(url)) as session:
        return lessons.briefing(session, actor, dialogue_id, phase_code)


# ---------------------------------------------------------------------------- writes


def run_write(action: Callable[..., object], *args: object, success: str | None = None) -> bool:
    """Run a domain write through the one write helper; True when it was committed."""
    return write.attempt(
        lambda session: action(session, *args),
        success=success,
        denied="lessons.error.permission",
    )


# ---------------------------------------------------------------------------- rendering


def require_sign_in(action: Action) -> Actor:
    """The actor, or a sign-in prompt and a stopped page for visitors who may not read this."""
    actor = current_actor()
    if not can(actor, action):
        st.info(t("lessons.sign_in_to_read"), icon=":material/login:")
        st.page_link("pages/login.py", label=t("auth.nav_login"), icon=":material/login:")
        st.stop()
    return actor


def filter_select(
    column: DeltaGenerator, label_key: str, choices: Sequence[tuple[Any, str]], key: str
) -> Any:
    """A filter selectbox whose first option, None, means "Alle"."""
    labels = dict(choices)
    return column.selectbox(
        t(label_key),
        [None, *labels],
        format_func=lambda v: t("lessons.filter.all") if v is None else labels[v],
        key=key,
    )


def status_label(status: str) -> str:
    """The translated name of a workflow status."""
    return t(f"workflow.status.{status}")


def dialogue_label(choice: lessons.DialogueChoice) -> str:
    """City — neighbourhood, or "nog te bepalen" while the dialogue has no neighbourhood yet."""
    name = choice.neighbourhood or choice.theme or t("overview.undecided")
    return t("lesson_add.place_dialogue", city=choice.city, dialogue=name)


def render_lesson(
    view: lessons.LessonView, stems: set[str] | None = None, *, show_private: bool = False
) -> None:
    """One lesson: title, attribution, the appreciative fields, themes, tags and quotes.

    All lesson text is HTML- and Markdown-escaped; only our own <mark> tags are real HTML.
    """
    stems = stems or set()

    def marked(text: str) -> str:
        return search_module.highlight(text, stems)

    st.markdown(f"#### {marked(view.title)}", unsafe_allow_html=True)
    st.markdown(
        f"{safe(origin(view))} · {safe(view.phase_name)} · {safe(view.author)} · "
        f"{handout.format_date(view.lesson_date, language())} · **{status_label(view.status)}**"
    )
    for name in lessons.TEXT_FIELDS:
        text = getattr(view, name)
        if text:
            label = t(f"lessons.field.{name}")
            st.markdown(f"**{label}** {marked(text)}", unsafe_allow_html=True)
    if view.wish_names:
        st.markdown(f"**{t('lessons.themes')}:** " + ", ".join(map(safe, view.wish_names)))
    if view.tags:
        st.caption(" ".join(f"\\#{safe(tag)}" for tag in view.tags))
    for text, consent in view.quotes:
        if consent:
            st.markdown(f"> “{safe(text)}”")
        elif show_private:
            st.markdown(f"> “{safe(text)}”  \n> *{t('lessons.quote_no_consent')}*")
    if view.rejection_reason:
        st.warning(t("lessons.rejected_because", reason=safe(view.rejection_reason)))
    if view.usages:
        st.markdown(
            f"**{t('lessons.used_in')}** "
            + "; ".join(
                f"{safe(u.module_name)} › {safe(u.topic_name)} ({safe(u.version_label)})"
                for u in view.usages
            )
        )


def render_history(view: lessons.LessonView) -> None:
    """The lesson's transitions as a small table."""
    rows = [
        {
            t("workflow.col_when"): moment(e.at),
            t("workflow.col_who"): e.actor,
            t("workflow.col_from"): status_label(e.from_status) if e.from_status else "—",
            t("workflow.col_to"): status_label(e.to_status),
            t("workflow.col_reason"): e.reason,
        }
        for e in history(database_url(), current_actor(), view.id)
    ]
    st.dataframe(rows, hide_index=True, width="stretch")


def render_briefing(dialogue_id: int, phase_code: str) -> None:
    """Just-in-time briefing: what earlier legs learned in this phase, most relevant first."""
    actor = current_actor()
    if not can(actor, Action.READ_LESSONS):
        return
    found = briefing_lessons(database_url(), actor, dialogue_id, phase_code)
    with st.container(border=True):
        st.markdown(f"**{t('briefing.title')}**")
        if not found:
            st.caption(t("briefing.empty"))
            return
        st.caption(tn("briefing.intro", len(found)))
        for view in found:
            with st.expander(f"{safe(view.title)} — {safe(origin(view))}"):
                for name in ("recommendation", "what_worked", "would_repeat", "would_change"):
                    text = getattr(view, name)
                    if text:
                        st.markdown(f"**{t(f'lessons.field.{name}')}** {safe(text)}")
                for quote in view.consented_quotes:
                    st.markdown(f"> “{safe(quote)}”")


# ---------------------------------------------------------------------------- collapsed list

LESSONS_PER_PAGE = 20


def summary_label(view: lessons.LessonView) -> str:
    """The collapsed line of a lesson: title, city, phase and status (Markdown-escaped)."""
    parts = (view.title, origin(view), view.phase_name, status_label(view.status))
    # An expander's label renders Markdown (entities too, so safe's &lt; shows as "<").
    return " · ".join(map(safe, parts))


def paged(views: Sequence[lessons.LessonView], key: str) -> Sequence[lessons.LessonView]:
    """The lessons of the chosen page (with a page choice when there are more than one)."""
    pages = max(1, -(-len(views) // LESSONS_PER_PAGE))
    page = 1
    if pages > 1:

        def pages_label(number: int) -> str:
            first = (number - 1) * LESSONS_PER_PAGE + 1
            last = min(number * LESSONS_PER_PAGE, len(views))
            return t("lessons.page.range", first=first, last=last, total=len(views))

        page = st.selectbox(
            t("lessons.page.label"), range(1, pages + 1), format_func=pages_label, key=key
        )
    start = (page - 1) * LESSONS_PER_PAGE
    return views[start : start + LESSONS_PER_PAGE]
