"""The Leergang Wijkdialoog: modules and topics, trainer curation, and course material exports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import desc, func, select
from sqlalchemy.orm import Session, selectinload

from estafette import lessons, textfields
from estafette.accounts import Action, Actor, require, require_role
from estafette.models import (
    CourseItem,
    CourseVersion,
    LeergangModule,
    LeergangTopic,
    Lesson,
    LessonStatus,
    Phase,
    utcnow,
)


@dataclass(frozen=True)
class ModuleInfo:
    """A Leergang module as plain data."""

    code: str
    name: str
    description: str
    topics: tuple[str, ...]


def list_modules(session: Session) -> list[ModuleInfo]:
    """All Leergang modules in course order, with their topics."""
    stmt = (
        select(LeergangModule)
        .options(selectinload(LeergangModule.topics))
        .order_by(LeergangModule.position)
    )
    return [
        ModuleInfo(m.code, m.name, m.description, tuple(t.name for t in m.topics))
        for m in session.scalars(stmt)
    ]


@dataclass(frozen=True)
class TopicInfo:
    """A topic of a module, with its id for curation."""

    id: int
    position: int
    name: str


def module_topics(session: Session, module_code: str) -> list[TopicInfo]:
    """The topics of one module, in order."""
    stmt = (
        select(LeergangTopic)
        .join(LeergangModule)
        .where(LeergangModule.code == module_code)
        .order_by(LeergangTopic.position)
    )
    return [TopicInfo(t.id, t.position, t.name) for t in session.scalars(stmt)]


def _module(session: Session, module_code: str) -> LeergangModule:
    module = session.scalar(select(LeergangModule).where(LeergangModule.code == module_code))
    if module is None:
        raise lessons.LessonError("unknown_module", module_code)
    return module


# --------------------------------------------------------------------------------------------
# Course versions and curation
# --------------------------------------------------------------------------------------------


# The name of a module's first course version (lessons.working_version creates it).
FIRST_VERSION = "v1"


@dataclass(frozen=True)
class VersionInfo:
    """A course version of a module; only the newest is editable."""

    id: int
    label: str
    created_at: dt.datetime
    created_by: str
    item_count: int
    editable: bool


def versions(session: Session, actor: Actor, module_code: str) -> list[VersionInfo]:
    """The module's course versions, newest first (signed in only: they name their makers)."""
    require(actor, Action.READ_COURSE)
    module = _module(session, module_code)
    rows = list(
        session.scalars(
            select(CourseVersion)
            .where(CourseVersion.module_id == module.id)
            .options(selectinload(CourseVersion.items))
            .order_by(desc(CourseVersion.id))
        )
    )
    return [
        VersionInfo(v.id, v.label, v.created_at, v.created_by, len(v.items), index == 0)
        for index, v in enumerate(rows)
    ]


def new_version(session: Session, actor: Actor, module_code: str, label: str) -> int:
    """Keep the current course version and continue in a new one (a copy); returns its id."""
    require_role(actor, *lessons.REVIEWERS)
    label = textfields.check("label", label).strip()
    if not label or len(label) > 60:
        raise lessons.LessonError("version_label_required")
    module = _module(session, module_code)
    taken = session.scalar(
        select(CourseVersion.id).where(
            CourseVersion.module_id == module.id, CourseVersion.label == label
        )
    )
    if taken is not None:
        raise lessons.LessonError("version_label_taken", label)
    current = working_version(session, module, actor)
    fresh = CourseVersion(module=module, label=label, created_by=actor.label)
    fresh.items = [
        CourseItem(lesson_id=i.lesson_id, topic_id=i.topic_id, position=i.position)
        for i in current.items
    ]
    session.add(fresh)
    session.flush()
    return fresh.id


def _editable_item(session: Session, actor: Actor, item_id: int) -> CourseItem:
    require_role(actor, *lessons.REVIEWERS)
    item = session.get(CourseItem, item_id)
    if item is None:
        raise lessons.LessonError("unknown_item")
    newest = session.scalar(
        select(CourseVersion.id)
        .where(CourseVersion.module_id == item.version.module_id)
        .order_by(desc(CourseVersion.id))
        .limit(1)
    )
    if newest != item.course_version_id:
        raise lessons.LessonError("version_frozen")
    return item


def move_item(session: Session, actor: Actor, item_id: int, offset: int) -> None:
    """Move a lesson up (offset -1) or down (+1) among its topic's lessons of the same phase.

    The handout groups lessons per phase, so only neighbours in the same phase swap places.
    """
    item = _editable_item(session, actor, item_id)
    siblings = list(
        session.scalars(
            select(CourseItem)
            .join(Lesson, Lesson.id == CourseItem.lesson_id)
            .where(
                CourseItem.course_version_id == item.course_version_id,
                CourseItem.topic_id == item.topic_id,
                Lesson.phase_id == item.lesson.phase_id,
            )
            .order_by(CourseItem.position)
        )
    )
    index = siblings.index(item)
    target = index + offset
    if not 0 <= target < len(siblings):
        return
    other = siblings[target]
    item.position, other.position = other.position, item.position
    session.flush()


def working_version(session: Session, module: LeergangModule, actor: Actor) -> CourseVersion:
    """The module's newest course version (the editable one), creating "v1" when there is none."""
    version = session.scalar(
        select(CourseVersion)
        .where(CourseVersion.module_id == module.id)
        .order_by(desc(CourseVersion.id))
        .limit(1)
    )
    if version is None:
        version = CourseVersion(module=module, label="v1", created_by=actor.label)
        session.add(version)
        session.flush()
    return version


def include(session: Session, actor: Actor, lesson_id: int, module_code: str, topic_id: int) -> int:
    """Include an accepted lesson in a topic of the current course version; returns the item id."""
    require_role(actor, *lessons.REVIEWERS)
    lesson = lessons.get_lesson(session, lesson_id)
    module = session.scalar(select(LeergangModule).where(LeergangModule.code == module_code))
    if module is None:
        raise lessons.LessonError("unknown_module", module_code)
    topic = session.get(LeergangTopic, topic_id)
    if topic is None or topic.module_id != module.id:
        raise lessons.LessonError("topic_not_in_module")
    if LessonStatus.OPGENOMEN not in lessons.TRANSITIONS[LessonStatus(lesson.status)]:
        raise lessons.LessonError("forbidden_transition", f"{lesson.status} → opgenomen")
    version = working_version(session, module, actor)
    already = session.scalar(
        select(CourseItem.id).where(
            CourseItem.course_version_id == version.id, CourseItem.lesson_id == lesson.id
        )
    )
    if already is not None:
        raise lessons.LessonError("already_included")
    last = session.scalar(
        select(func.max(CourseItem.position)).where(
            CourseItem.course_version_id == version.id, CourseItem.topic_id == topic.id
        )
    )
    item = CourseItem(version=version, lesson=lesson, topic=topic, position=(last or 0) + 1)
    session.add(item)
    lessons.transition(
        lesson, actor, LessonStatus.OPGENOMEN, f"{module.name} › {topic.name} ({version.label})"
    )
    session.flush()
    return item.id


# --------------------------------------------------------------------------------------------
# Course material
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseEntry:
    """One lesson in the course material, under its topic."""

    item_id: int
    topic_name: str
    topic_position: int
    position: int
    lesson: lessons.LessonView


@dataclass(frozen=True)
class PhaseSection:
    """The lessons of one phase, in topic and curated order."""

    code: str
    position: int
    name: str
    description: str
    entries: tuple[CourseEntry, ...]


@dataclass(frozen=True)
class CourseMaterial:
    """Everything a module's handout contains, as plain data."""

    module_code: str
    module_name: str
    module_description: str
    version_label: str
    generated_on: dt.date
    sections: tuple[PhaseSection, ...]

    @property
    def entries(self) -> list[CourseEntry]:
        """All entries in document order."""
        return [entry for section in self.sections for entry in section.entries]


def course(
    session: Session, actor: Actor, module_code: str, version_label: str | None = None
) -> CourseMaterial:
    """The material of a module's course version (default: the newest), grouped per phase.

    Signed-in people only: the material names authors and quotes residents.
    """
    require(actor, Action.READ_COURSE)
    module = _module(session, module_code)
    stmt = select(CourseVersion).where(CourseVersion.module_id == module.id)
    stmt = stmt.where(CourseVersion.label == version_label) if version_label else stmt
    version = session.scalar(stmt.order_by(desc(CourseVersion.id)).limit(1))
    if version_label and version is None:
        raise lessons.LessonError("unknown_version", version_label)
    items: list[tuple[int, int, str, int, int]] = []
    if version is not None:
        rows = session.execute(
            select(CourseItem.id, CourseItem.lesson_id, LeergangTopic.name, LeergangTopic.position)
            .add_columns(CourseItem.position)
            .join(LeergangTopic, LeergangTopic.id == CourseItem.topic_id)
            .where(CourseItem.course_version_id == version.id)
        )
        items = [tuple(r) for r in rows]  # type: ignore[misc]
    views = {v.id: v for v in lessons.load_views(session, [r[1] for r in items])}
    entries = sorted(
        (CourseEntry(r[0], r[2], r[3], r[4], views[r[1]]) for r in items if r[1] in views),
        key=lambda e: (e.lesson.phase_position, e.topic_position, e.position),
    )
    sections = []
    for phase in session.scalars(select(Phase).order_by(Phase.position)):
        mine = tuple(e for e in entries if e.lesson.phase_code == phase.code)
        if mine:
            sections.append(
                PhaseSection(phase.code, phase.position, phase.name, phase.description, mine)
            )
    return CourseMaterial(
        module.code,
        module.name,
        module.description,
        # Before anything is included there is no version row yet: it becomes the first one.
        version.label if version else FIRST_VERSION,
        utcnow().date(),
        tuple(sections),
    )
