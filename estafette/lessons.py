"""Lessons learned: proposing, the review workflow, browsing and briefings.

Views and filters: lesson_views.py; search: search.py; inclusion in the Leergang: leergang.py;
the seed lessons: lesson_seed.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    desc,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from estafette import (
    search,
    textfields,
)
from estafette.accounts import Action, Actor, PermissionDenied, can, require, require_role
from estafette.choices import DialogueChoice, dialogue_choices  # noqa: F401  (re-exported)
from estafette.errors import DomainError
from estafette.lesson_views import (  # noqa: F401  (re-exported for callers)
    PUBLIC_STATUSES,
    REVIEWERS,
    STATUSES,
    TEXT_FIELDS,
    EventView,
    LessonFilter,
    LessonView,
    Usage,
    filtered,
    load_views,
    sees_private_quotes,
    visible_statuses,
)
from estafette.models import (
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
    utcnow,
)

# Which status may follow which; "opgenomen" may be repeated (another module or topic).
TRANSITIONS: dict[str, frozenset[str]] = {
    LessonStatus.VOORGESTELD: frozenset({LessonStatus.GEACCEPTEERD, LessonStatus.AFGEWEZEN}),
    LessonStatus.GEACCEPTEERD: frozenset({LessonStatus.OPGENOMEN, LessonStatus.AFGEWEZEN}),
    LessonStatus.OPGENOMEN: frozenset({LessonStatus.OPGENOMEN}),
    LessonStatus.AFGEWEZEN: frozenset(),
}
MAX_TITLE = 200
# On what basis a resident agreed to be quoted (AVG art. 6: consent, or already published).
CONSENT_BASES: tuple[str, ...] = ("schriftelijk", "mondeling", "gepubliceerd")
MAX_TAG = 60


class LessonError(DomainError, ValueError):
    """Input or a transition the workflow does not allow; ``code`` picks the translated text."""

    prefix = "lessons.error"


# --------------------------------------------------------------------------------------------
# Proposing a lesson
# --------------------------------------------------------------------------------------------


@dataclass
class LessonInput:
    """What the "Les toevoegen" form collects."""

    title: str
    phase_code: str
    situation: str = ""
    what_worked: str = ""
    would_repeat: str = ""
    would_change: str = ""
    recommendation: str = ""
    city_id: int | None = None
    dialogue_id: int | None = None
    leergang: bool = False
    wish_codes: Sequence[str] = ()
    tags: Sequence[str] = ()
    quotes: Sequence[tuple[str, bool]] = ()
    consent_basis: str = ""  # one of CONSENT_BASES; required when a quote has consent
    lesson_date: dt.date | None = None


def parse_tags(raw: str) -> list[str]:
    """Free tags from a comma-separated string: trimmed, lower-case, unique."""
    return list(dict.fromkeys(t.strip().lower() for t in raw.split(",") if t.strip()))


def _check_texts(data: LessonInput) -> None:
    """The control-character rule for every text of the form (raises TextRejected)."""
    textfields.check("title", data.title)
    for name in TEXT_FIELDS:
        textfields.check(name, getattr(data, name))
    for tag in data.tags:
        textfields.check("tags", tag)
    for text, _consent in data.quotes:
        textfields.check("quotes", text)


def _validate(session: Session, data: LessonInput) -> tuple[Phase, City | None, Dialogue | None]:
    _check_texts(data)
    if not data.title.strip():
        raise LessonError("title_required")
    if len(data.title.strip()) > MAX_TITLE:
        raise LessonError("title_too_long")
    if not any(getattr(data, name).strip() for name in TEXT_FIELDS):
        raise LessonError("content_required")
    phase = session.scalar(select(Phase).where(Phase.code == data.phase_code))
    if phase is None:
        raise LessonError("unknown_phase", data.phase_code)
    city = dialogue = None
    if data.dialogue_id is not None:
        dialogue = session.get(Dialogue, data.dialogue_id)
        if dialogue is None:
            raise LessonError("unknown_dialogue")
        if data.city_id is not None and dialogue.city_id != data.city_id:
            raise LessonError("dialogue_not_in_city")
        city = dialogue.city
    elif data.city_id is not None:
        city = session.get(City, data.city_id)
        if city is None:
            raise LessonError("unknown_city")
    if data.leergang and city is not None:
        raise LessonError("scope_conflict")
    if not data.leergang and city is None:
        raise LessonError("scope_required")
    if any(len(t) > MAX_TAG for t in data.tags):
        raise LessonError("tag_too_long")
    consented = any(consent and text.strip() for text, consent in data.quotes)
    if consented and data.consent_basis not in CONSENT_BASES:
        raise LessonError("consent_basis_required")
    return phase, city, dialogue


def propose(session: Session, actor: Actor, data: LessonInput) -> int:
    """Record a proposed lesson (anyone signed in); returns its id."""
    if not can(actor, Action.PROPOSE_LESSON):
        raise PermissionDenied("sign in to propose a lesson")
    phase, city, dialogue = _validate(session, data)
    wishes = list(session.scalars(select(Wish).where(Wish.code.in_(list(data.wish_codes)))))
    if len(wishes) != len(set(data.wish_codes)):
        raise LessonError("unknown_wish")
    lesson = Lesson(
        title=data.title.strip(),
        phase=phase,
        scope=(LessonScope.LEERGANG if data.leergang else LessonScope.STAD).value,
        city=city,
        dialogue=dialogue,
        author=actor.label,
        author_email=actor.email,
        author_user_id=actor.user_id,
        lesson_date=data.lesson_date or dt.date.today(),
        status=LessonStatus.VOORGESTELD.value,
        **{name: getattr(data, name).strip() for name in TEXT_FIELDS},
    )
    lesson.wishes = wishes
    lesson.tags = [LessonTag(tag=t) for t in parse_tags(",".join(data.tags))]
    now = utcnow()
    lesson.quotes = [
        LessonQuote(
            text=text.strip(),
            consent=bool(consent),
            consent_basis=data.consent_basis if consent else "",
            consent_recorded_by=actor.label if consent else "",
            consent_recorded_at=now if consent else None,
            created_at=now,
        )
        for text, consent in data.quotes
        if text.strip()
    ]
    lesson.events = [
        LessonEvent(actor=actor.label, from_status=None, to_status=LessonStatus.VOORGESTELD.value)
    ]
    session.add(lesson)
    session.flush()
    search.index_lesson(session, lesson)
    return lesson.id


# --------------------------------------------------------------------------------------------
# The review workflow
# --------------------------------------------------------------------------------------------


def get_lesson(session: Session, lesson_id: int) -> Lesson:
    """The lesson ``lesson_id``, or LessonError("unknown_lesson")."""
    lesson = session.get(Lesson, lesson_id)
    if lesson is None:
        raise LessonError("unknown_lesson", str(lesson_id))
    return lesson


def transition(lesson: Lesson, actor: Actor, to: LessonStatus, reason: str = "") -> None:
    """Move the lesson to ``to`` with an event, if the workflow allows that step."""
    if to not in TRANSITIONS[LessonStatus(lesson.status)]:
        raise LessonError("forbidden_transition", f"{lesson.status} → {to}")
    lesson.events.append(
        LessonEvent(actor=actor.label, from_status=lesson.status, to_status=to.value, reason=reason)
    )
    lesson.status = to.value


def accept(session: Session, actor: Actor, lesson_id: int, note: str = "") -> None:
    """voorgesteld → geaccepteerd (trainers and coordinators only)."""
    require_role(actor, *REVIEWERS)
    note = textfields.check("note", note)
    transition(get_lesson(session, lesson_id), actor, LessonStatus.GEACCEPTEERD, note.strip())
    session.flush()


def reject(session: Session, actor: Actor, lesson_id: int, reason: str) -> None:
    """→ afgewezen with a reason (trainers and coordinators only)."""
    require_role(actor, *REVIEWERS)
    reason = textfields.check("reason", reason)
    if not reason.strip():
        raise LessonError("reason_required")
    lesson = get_lesson(session, lesson_id)
    transition(lesson, actor, LessonStatus.AFGEWEZEN, reason.strip())
    lesson.rejection_reason = reason.strip()
    session.flush()


# --------------------------------------------------------------------------------------------
# Reading: history, where used, filters, search, briefing
# --------------------------------------------------------------------------------------------


def history(session: Session, actor: Actor, lesson_id: int) -> list[EventView]:
    """Every transition of a lesson, oldest first (signed-in people only: it names people)."""
    require(actor, Action.READ_LESSONS)
    rows = session.scalars(
        select(LessonEvent).where(LessonEvent.lesson_id == lesson_id).order_by(LessonEvent.id)
    )
    return [EventView(e.at, e.actor, e.from_status, e.to_status, e.reason) for e in rows]


def my_lessons(session: Session, actor: Actor) -> list[LessonView]:
    """The actor's own lessons with their status and where they are used, newest first."""
    if actor.is_anonymous:
        return []
    who: list[ColumnElement[bool]] = []
    if actor.user_id is not None:
        who.append(Lesson.author_user_id == actor.user_id)
    if actor.email:
        who.append(func.lower(Lesson.author_email) == actor.email.lower())
    if not who:
        return []
    ids = list(session.scalars(select(Lesson.id).where(or_(*who)).order_by(desc(Lesson.id))))
    return load_views(session, ids)


def list_lessons(
    session: Session, actor: Actor, filters: LessonFilter | None = None, limit: int = 200
) -> list[LessonView]:
    """Lessons matching ``filters``, newest first (signed-in people only)."""
    require(actor, Action.READ_LESSONS)
    stmt = filtered(select(Lesson.id), filters or LessonFilter())
    ids = list(
        session.scalars(stmt.order_by(desc(Lesson.lesson_date), desc(Lesson.id)).limit(limit))
    )
    return load_views(session, ids)


def briefing(
    session: Session, actor: Actor, dialogue_id: int, phase_code: str, limit: int = 5
) -> list[LessonView]:
    """What earlier legs learned in this phase: accepted lessons, most relevant first.

    Relevance: lessons from a dialogue with the same theme first, then lessons already in the
    Leergang, then the nearest earlier leg, then the newest. Signed-in people only.
    """
    require(actor, Action.READ_LESSONS)
    dialogue = session.get(Dialogue, dialogue_id)
    if dialogue is None:
        raise LessonError("unknown_dialogue")
    leg = dialogue.city.leg
    phase_id = select(Phase.id).where(Phase.code == phase_code).scalar_subquery()
    ids = list(
        session.scalars(
            select(Lesson.id)
            .join(City, City.id == Lesson.city_id)
            .where(
                Lesson.phase_id == phase_id,
                Lesson.status.in_(PUBLIC_STATUSES),
                City.leg < leg,
            )
        )
    )
    views = load_views(session, ids)
    theme = (dialogue.theme or "").strip().lower()
    themes = {
        d.id: (d.theme or "").strip().lower()
        for d in session.scalars(
            select(Dialogue).where(Dialogue.id.in_({v.dialogue_id for v in views if v.dialogue_id}))
        )
    }

    def relevance(view: LessonView) -> tuple:
        same_theme = bool(theme) and themes.get(view.dialogue_id or -1) == theme
        included = view.status == LessonStatus.OPGENOMEN
        return (same_theme, included, view.city_leg or 0, view.lesson_date, view.id)

    return sorted(views, key=relevance, reverse=True)[:limit]
