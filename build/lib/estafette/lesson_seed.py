"""The first lessons: the workshop's first steps and evaluation in Utrecht (seed data)."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from estafette import search
from estafette.lesson_views import TEXT_FIELDS
from estafette.models import (
    AppMeta,
    City,
    Dialogue,
    Lesson,
    LessonEvent,
    LessonQuote,
    LessonScope,
    LessonStatus,
    LessonTag,
    Phase,
    Wish,
    WorkshopOutcome,
)
from estafette.settings import SEED_DIR

SEED_KEY = "lessons_seed_version"


@cache
def _text() -> dict[str, Any]:
    return json.loads((SEED_DIR / "lessons.json").read_text(encoding="utf-8"))


def _short_title(text: str, limit: int = 90) -> str:
    first = re.split(r"[,.:;]", text, maxsplit=1)[0].strip()
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip() + " …"


def seed_lessons(session: Session) -> int:
    """Load the workshop's first steps and evaluation as accepted Utrecht lessons (idempotent)."""
    if session.get(AppMeta, SEED_KEY) is not None:
        return 0
    city = session.scalar(select(City).where(City.name == "Utrecht"))
    phases = {p.code: p for p in session.scalars(select(Phase))}
    if city is None or not {"vormgeven", "evalueren"} <= phases.keys():
        return 0
    dialogue = session.scalar(
        select(Dialogue).where(Dialogue.city_id == city.id, ~Dialogue.is_demo).order_by(Dialogue.id)
    )
    wishes = {w.code: w for w in session.scalars(select(Wish))}
    outcomes = {
        kind: list(
            session.scalars(
                select(WorkshopOutcome.text)
                .where(WorkshopOutcome.kind == kind)
                .order_by(WorkshopOutcome.position)
            )
        )
        for kind in ("first_step", "evaluation_quote")
    }
    text = _text()
    date = dt.date.fromisoformat(text["date"])
    at = dt.datetime.combine(date, dt.time(21, 30))
    step_wishes: list[list[str]] = text["first_step_wishes"]
    made: list[Lesson] = []
    for position, step in enumerate(outcomes["first_step"]):
        codes = step_wishes[position] if position < len(step_wishes) else ()
        lesson = _seed_lesson(city, dialogue, phases["vormgeven"], at)
        lesson.title = f"Eerste stap: {_short_title(step)}"
        lesson.situation = text["situation"]
        lesson.recommendation = step
        lesson.wishes = [wishes[c] for c in codes if c in wishes]
        lesson.tags = [LessonTag(tag="kennismakingsworkshop"), LessonTag(tag="eerste stap")]
        made.append(lesson)
    if outcomes["evaluation_quote"]:
        evaluation = text["evaluation"]
        lesson = _seed_lesson(city, dialogue, phases["evalueren"], at)
        lesson.title = evaluation["title"]
        for name in TEXT_FIELDS:
            setattr(lesson, name, evaluation[name])
        lesson.wishes = [wishes[c] for c in evaluation["wishes"] if c in wishes]
        lesson.tags = [LessonTag(tag="kennismakingsworkshop"), LessonTag(tag="evaluatie")]
        # These quotes were published by the organisers in the workshop report, hence consent.
        lesson.quotes = [
            LessonQuote(
                text=q,
                consent=True,
                consent_basis="gepubliceerd",
                consent_recorded_by="Leergang Wijkdialoog",
                consent_recorded_at=at,
                created_at=at,
            )
            for q in outcomes["evaluation_quote"]
        ]
        made.append(lesson)
    session.add_all(made)
    session.add(AppMeta(key=SEED_KEY, value="1"))
    session.flush()
    for lesson in made:
        search.index_lesson(session, lesson)
    return len(made)


def _seed_lesson(city: City, dialogue: Dialogue | None, phase: Phase, at: dt.datetime) -> Lesson:
    author = _text()["author"]
    lesson = Lesson(
        title="",
        phase=phase,
        scope=LessonScope.STAD.value,
        city=city,
        dialogue=dialogue,
        author=author,
        lesson_date=at.date(),
        created_at=at,
        status=LessonStatus.GEACCEPTEERD.value,
        **dict.fromkeys(TEXT_FIELDS, ""),
    )
    lesson.events = [
        LessonEvent(at=at, actor=author, to_status=LessonStatus.VOORGESTELD.value),
        LessonEvent(
            at=at,
            actor="Leergang Wijkdialoog",
            from_status=LessonStatus.VOORGESTELD.value,
            to_status=LessonStatus.GEACCEPTEERD.value,
            reason="Uitkomst van de kennismakingsworkshop",
        ),
    ]
    return lesson
