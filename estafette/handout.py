"""The Leergang handout: a course version rendered as DOCX or Markdown."""

from __future__ import annotations

import datetime as dt
import io
import re

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from sqlalchemy.orm import Session

from estafette import i18n, lesson_views, lessons, textfields
from estafette.accounts import Actor
from estafette.leergang import CourseMaterial, course
from estafette.textfields import markdown_literal

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
    where = lesson_views.origin(lesson, lang)
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


def to_markdown(material: CourseMaterial, lang: str = "nl") -> str:
    """The same handout as Markdown (all lesson text escaped)."""
    lines = [
        f"*{_t('kicker', lang)}*",
        "",
        f"# {markdown_literal(material.module_name)}",
        "",
        markdown_literal(material.module_description),
        "",
        "_"
        + _t(
            "version_line",
            lang,
            version=markdown_literal(material.version_label or "—"),
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
            f"*{markdown_literal(section.description)}*",
            "",
        ]
        for entry in section.entries:
            lesson = entry.lesson
            sources.append(lesson)
            lines += [
                f"### {markdown_literal(lesson.title)}",
                "",
                f"{markdown_literal(attribution(lesson, lang))} \\[{len(sources)}\\]",
                "",
                f"**{_t('topic', lang)}:** {markdown_literal(entry.topic_name)}",
            ]
            if lesson.wish_names:
                lines.append(
                    f"**{_t('themes', lang)}:** {markdown_literal(', '.join(lesson.wish_names))}"
                )
            lines.append("")
            for name, key in LESSON_PARTS:
                text = getattr(lesson, name)
                if text:
                    lines += [f"**{i18n.translate(key, lang)}** {markdown_literal(text)}", ""]
            for quote in lesson.consented_quotes:
                lines += [f"> “{markdown_literal(quote)}”", ""]
    lines += [f"## {_t('sources', lang)}", ""]
    if not sources:
        lines += [_t("empty", lang), ""]
    for number, lesson in enumerate(sources, 1):
        source = f"{lesson.title} — {attribution(lesson, lang)}"
        lines.append(
            f"{number}. {markdown_literal(source)}. {_t('source_ref', lang, id=lesson.id)}"
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
