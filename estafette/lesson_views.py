"""Lessons as plain data for the UI, search and exports, and the filters that select them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import (
    Select,
    exists,
    select,
)
from sqlalchemy.orm import Session, selectinload

from estafette import i18n
from estafette.accounts import Actor
from estafette.models import (
    CourseItem,
    CourseVersion,
    LeergangModule,
    Lesson,
    LessonScope,
    LessonStatus,
    LessonTag,
    Phase,
    Role,
    Wish,
    lesson_wish,
)

REVIEWERS = (Role.TRAINER, Role.COORDINATOR)
PUBLIC_STATUSES = (LessonStatus.GEACCEPTEERD.value, LessonStatus.OPGENOMEN.value)
STATUSES = tuple(s.value for s in LessonStatus)
TEXT_FIELDS = (
    "situation",
    "what_worked",
    "would_repeat",
    "would_change",
    "recommendation",
)

# --------------------------------------------------------------------------------------------
# Plain-data views for the UI and the exports
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    """Where a lesson is used: a topic of a module in one course version."""

    module_code: str
    module_name: str
    topic_name: str
    version_label: str
    position: int


@dataclass(frozen=True)
class LessonView:
    """A lesson as plain data."""

    id: int
    title: str
    situation: str
    what_worked: str
    would_repeat: str
    would_change: str
    recommendation: str
    phase_code: str
    phase_name: str
    phase_position: int
    scope: str
    city_id: int | None
    city_name: str | None
    city_leg: int | None
    dialogue_id: int | None
    dialogue_label: str | None
    author: str
    author_email: str
    author_user_id: int | None
    lesson_date: dt.date
    status: str
    rejection_reason: str | None
    wish_codes: tuple[str, ...]
    wish_names: tuple[str, ...]
    tags: tuple[str, ...]
    quotes: tuple[tuple[str, bool], ...]
    usages: tuple[Usage, ...]

    @property
    def consented_quotes(self) -> tuple[str, ...]:
        """Quotes with consent: the only ones that may leave the app."""
        return tuple(text for text, consent in self.quotes if consent)


def origin(view: LessonView, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """Where a lesson comes from: "Deventer (etappe 1) · Keizerslanden", or the Leergang."""
    if view.city_name is None:
        return i18n.translate("lessons.scope_leergang", lang)
    where = i18n.translate("course.export.city_leg", lang, city=view.city_name, leg=view.city_leg)
    return f"{where} · {view.dialogue_label}" if view.dialogue_label else where


def _load_options() -> list:
    return [
        selectinload(Lesson.phase),
        selectinload(Lesson.city),
        selectinload(Lesson.dialogue),
        selectinload(Lesson.wishes),
        selectinload(Lesson.tags),
        selectinload(Lesson.quotes),
        selectinload(Lesson.course_items).selectinload(CourseItem.version),
        selectinload(Lesson.course_items).selectinload(CourseItem.topic),
    ]


def _view(lesson: Lesson, modules: dict[int, LeergangModule]) -> LessonView:
    dialogue = lesson.dialogue
    usages = tuple(
        Usage(
            modules[item.version.module_id].code,
            modules[item.version.module_id].name,
            item.topic.name,
            item.version.label,
            item.position,
        )
        for item in sorted(lesson.course_items, key=lambda i: (i.course_version_id, i.position))
    )
    return LessonView(
        id=lesson.id,
        title=lesson.title,
        situation=lesson.situation,
        what_worked=lesson.what_worked,
        would_repeat=lesson.would_repeat,
        would_change=lesson.would_change,
        recommendation=lesson.recommendation,
        phase_code=lesson.phase.code,
        phase_name=lesson.phase.name,
        phase_position=lesson.phase.position,
        scope=lesson.scope,
        city_id=lesson.city_id,
        city_name=lesson.city.name if lesson.city else None,
        city_leg=lesson.city.leg if lesson.city else None,
        dialogue_id=lesson.dialogue_id,
        dialogue_label=(dialogue.neighbourhood or dialogue.theme) if dialogue else None,
        author=lesson.author,
        author_email=lesson.author_email,
        author_user_id=lesson.author_user_id,
        lesson_date=lesson.lesson_date,
        status=lesson.status,
        rejection_reason=lesson.rejection_reason,
        wish_codes=tuple(w.code for w in lesson.wishes),
        wish_names=tuple(w.name for w in lesson.wishes),
        tags=tuple(t.tag for t in lesson.tags),
        quotes=tuple((q.text, q.consent) for q in lesson.quotes),
        usages=usages,
    )


def load_views(session: Session, ids: Sequence[int]) -> list[LessonView]:
    """Views of the lessons ``ids``, in that order."""
    if not ids:
        return []
    rows = session.scalars(select(Lesson).where(Lesson.id.in_(ids)).options(*_load_options()))
    modules = {m.id: m for m in session.scalars(select(LeergangModule))}
    by_id = {lesson.id: _view(lesson, modules) for lesson in rows}
    return [by_id[i] for i in ids if i in by_id]


@dataclass(frozen=True)
class EventView:
    """One step in a lesson's history."""

    at: dt.datetime
    actor: str
    from_status: str | None
    to_status: str
    reason: str


@dataclass(frozen=True)
class LessonFilter:
    """Browse filters; None means "all"."""

    city_id: int | None = None
    phase_code: str | None = None
    wish_code: str | None = None
    status: str | None = None
    module_code: str | None = None
    tag: str | None = None
    leergang_only: bool = False
    statuses: tuple[str, ...] | None = None  # what the viewer may see at all


def sees_private_quotes(actor: Actor, view: LessonView) -> bool:
    """Whether quotes without consent may be shown: to the lesson's author and its reviewers.

    They appear nowhere else: not in briefings, course material, searches by others or exports.
    """
    if actor.is_anonymous:
        return False
    if actor.role in REVIEWERS:
        return True
    return (actor.user_id is not None and actor.user_id == view.author_user_id) or (
        bool(actor.email) and actor.email.lower() == view.author_email.lower()
    )


def visible_statuses(actor: Actor) -> tuple[str, ...]:
    """Anonymous visitors see reviewed lessons only; anyone signed in sees every status."""
    return STATUSES if actor.role is not None else PUBLIC_STATUSES


def filtered(stmt: Select, f: LessonFilter) -> Select:
    """``stmt`` narrowed to lessons matching ``f``."""
    if f.city_id is not None:
        stmt = stmt.where(Lesson.city_id == f.city_id)
    if f.leergang_only:
        stmt = stmt.where(Lesson.scope == LessonScope.LEERGANG.value)
    if f.phase_code:
        phase_id = select(Phase.id).where(Phase.code == f.phase_code).scalar_subquery()
        stmt = stmt.where(Lesson.phase_id == phase_id)
    if f.status:
        stmt = stmt.where(Lesson.status == f.status)
    if f.statuses is not None:
        stmt = stmt.where(Lesson.status.in_(f.statuses))
    if f.wish_code:
        stmt = stmt.where(
            exists()
            .where(lesson_wish.c.lesson_id == Lesson.id)
            .where(lesson_wish.c.wish_id == Wish.id)
            .where(Wish.code == f.wish_code)
        )
    if f.tag:
        stmt = stmt.where(
            exists().where(LessonTag.lesson_id == Lesson.id, LessonTag.tag == f.tag.lower())
        )
    if f.module_code:
        stmt = stmt.where(
            exists()
            .where(CourseItem.lesson_id == Lesson.id)
            .where(CourseItem.course_version_id == CourseVersion.id)
            .where(CourseVersion.module_id == LeergangModule.id)
            .where(LeergangModule.code == f.module_code)
        )
    return stmt
