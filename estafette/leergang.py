"""The Leergang Wijkdialoog: modules and topics, trainer curation, and course material exports."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from dataclasses import dataclass

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from sqlalchemy import desc, select
from sqlalchemy.orm import Session, selectinload

from estafette import i18n, lessons, textfields
from estafette.accounts import Action, Actor, require, require_role
from estafette.lesson_models import CourseItem, CourseVersion, Lesson
from estafette.models import LeergangModule, LeergangTopic, Phase, utcnow


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
    current = lessons.working_version(session, module, actor)
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


# Characters XML 1.0 cannot hold; python-docx would refuse them.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MONTHS_NL = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
LESSON_PARTS = (
    ("situation", "course.export.situation"),
    ("what_worked", "course.export.what_worked"),
    ("would_repeat", "course.export.would_repeat"),
    ("would_change", "course.export.would_change"),
    ("recommendation", "course.export.recommendation"),
)


def _clean(text: str) -> str:
    return textfields.clean(_XML_ILLEGAL.sub("", text or ""))


def format_date(day: dt.date, lang: str = "nl") -> str:
    """A date the way people write it: 3 juli 2018 / 3 July 2018."""
    months = MONTHS_EN if lang == "en" else MONTHS_NL
    return f"{day.day} {months[day.month - 1]} {day.year}"


def attribution(lesson: lessons.LessonView, lang: str = "nl") -> str:
    """Who learned this, where and when: city with leg, neighbourhood, author, date."""
    if lesson.city_name is None:
        where = "Leergang Wijkdialoog"
    else:
        where = i18n.translate(
            "course.export.city_leg", lang, city=lesson.city_name, leg=lesson.city_leg
        )
        if lesson.dialogue_label:
            where += f", {lesson.dialogue_label}"
    return f"{where} · {lesson.author} · {format_date(lesson.lesson_date, lang)}"


def _t(key: str, lang: str, **values: object) -> str:
    return i18n.translate(f"course.export.{key}", lang, **values)


def to_docx(material: CourseMaterial, lang: str = "nl") -> bytes:
    """The handout as a Word document: title page, a section per phase, sources."""
    doc = Document()
    styles = doc.styles
    styles["Normal"].font.name = "Calibri"
    styles["Normal"].font.size = Pt(11)
    accent = RGBColor(0x1F, 0x5C, 0x4A)
    # python-docx resolves a style name by scanning every style on each call (slow for 500
    # lessons); resolve the ids once and set them on the paragraph directly.
    style_ids = {
        name: styles[name].style_id
        for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "Intense Quote")
    }

    def styled(text: str, style: str) -> Paragraph:
        paragraph = doc.add_paragraph(text)
        paragraph._p.style = style_ids[style]
        return paragraph

    # Title page.
    for _ in range(6):
        doc.add_paragraph()
    kicker = doc.add_paragraph(_t("kicker", lang))
    kicker.runs[0].font.color.rgb = accent
    kicker.runs[0].bold = True
    styled(_clean(material.module_name), "Title")
    styled(_clean(material.module_description), "Subtitle")
    meta = doc.add_paragraph()
    meta.add_run(
        _t(
            "version_line",
            lang,
            version=material.version_label or "—",
            date=format_date(material.generated_on, lang),
        )
    ).italic = True
    count = len(material.entries)
    doc.add_paragraph(i18n.translate_count("course.export.intro", lang, count))
    doc.add_paragraph(_t("organisers", lang)).runs[0].font.size = Pt(9)
    doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)

    sources: list[lessons.LessonView] = []
    for section in material.sections:
        styled(_t("phase_heading", lang, position=section.position, name=section.name), "Heading 1")
        intro = doc.add_paragraph(_clean(section.description))
        intro.runs[0].italic = True
        for entry in section.entries:
            lesson = entry.lesson
            sources.append(lesson)
            styled(_clean(lesson.title), "Heading 2")
            line = doc.add_paragraph()
            run = line.add_run(f"{attribution(lesson, lang)} [{len(sources)}]")
            run.font.size = Pt(9)
            run.font.color.rgb = accent
            topic = doc.add_paragraph()
            topic.add_run(_t("topic", lang) + ": ").bold = True
            topic.add_run(_clean(entry.topic_name))
            if lesson.wish_names:
                topic.add_run("   " + _t("themes", lang) + ": ").bold = True
                topic.add_run(", ".join(lesson.wish_names))
            for name, key in LESSON_PARTS:
                text = _clean(getattr(lesson, name))
                if not text:
                    continue
                para = doc.add_paragraph()
                para.add_run(i18n.translate(key, lang) + " ").bold = True
                para.add_run(text)
            for quote in lesson.consented_quotes:
                styled(f"“{_clean(quote)}”", "Intense Quote")

    styled(_t("sources", lang), "Heading 1")
    if not sources:
        doc.add_paragraph(_t("empty", lang))
    for number, lesson in enumerate(sources, 1):
        source = doc.add_paragraph(
            f"[{number}] {_clean(lesson.title)} — {attribution(lesson, lang)}. "
            + _t("source_ref", lang, id=lesson.id)
        )
        source.paragraph_format.left_indent = Cm(0.8)
        source.paragraph_format.first_line_indent = Cm(-0.8)
        source.paragraph_format.space_after = Pt(4)
        source.runs[0].font.size = Pt(9.5)
    footer = doc.sections[0].footer.paragraphs[0]
    footer.text = f"{_clean(material.module_name)} · Leergang Wijkdialoog"
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|!{}])")


def md_escape(text: str) -> str:
    """Text that Markdown shows literally: HTML escaped, Markdown syntax backslashed."""
    escaped = html.escape(_clean(text), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", escaped).replace("\n", "  \n")


def to_markdown(material: CourseMaterial, lang: str = "nl") -> str:
    """The same handout as Markdown (all lesson text escaped)."""
    lines = [
        f"*{_t('kicker', lang)}*",
        "",
        f"# {md_escape(material.module_name)}",
        "",
        md_escape(material.module_description),
        "",
        "_"
        + _t(
            "version_line",
            lang,
            version=md_escape(material.version_label or "—"),
            date=format_date(material.generated_on, lang),
        )
        + "_",
        "",
        i18n.translate_count("course.export.intro", lang, len(material.entries)),
        "",
        _t("organisers", lang),
        "",
    ]
    sources: list[lessons.LessonView] = []
    for section in material.sections:
        lines += [
            f"## {_t('phase_heading', lang, position=section.position, name=section.name)}",
            "",
            f"*{md_escape(section.description)}*",
            "",
        ]
        for entry in section.entries:
            lesson = entry.lesson
            sources.append(lesson)
            lines += [
                f"### {md_escape(lesson.title)}",
                "",
                f"{md_escape(attribution(lesson, lang))} \\[{len(sources)}\\]",
                "",
                f"**{_t('topic', lang)}:** {md_escape(entry.topic_name)}",
            ]
            if lesson.wish_names:
                lines.append(f"**{_t('themes', lang)}:** {md_escape(', '.join(lesson.wish_names))}")
            lines.append("")
            for name, key in LESSON_PARTS:
                text = getattr(lesson, name)
                if text:
                    lines += [f"**{i18n.translate(key, lang)}** {md_escape(text)}", ""]
            for quote in lesson.consented_quotes:
                lines += [f"> “{md_escape(quote)}”", ""]
    lines += [f"## {_t('sources', lang)}", ""]
    if not sources:
        lines += [_t("empty", lang), ""]
    for number, lesson in enumerate(sources, 1):
        lines.append(
            f"{number}. {md_escape(lesson.title)} — {md_escape(attribution(lesson, lang))}. "
            + _t("source_ref", lang, id=lesson.id)
        )
    return "\n".join(lines).rstrip() + "\n"


def export(
    session: Session,
    actor: Actor,
    module_code: str,
    fmt: str,
    version_label: str | None = None,
    lang: str = "nl",
) -> bytes:
    """Export a module's course material as ``docx`` or ``md`` bytes (signed-in people only)."""
    material = course(session, actor, module_code, version_label)
    if fmt == "docx":
        return to_docx(material, lang)
    if fmt == "md":
        return to_markdown(material, lang).encode("utf-8")
    raise lessons.LessonError("unknown_format", fmt)
