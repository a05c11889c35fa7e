"""Lessons learned: proposing, the review workflow, browsing and briefings (search: search.py)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Select,
    desc,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session, selectinload

from estafette import (
    search,  # circular on purpose: search.py reads lessons.* at call time
    textfields,
)
from estafette.accounts import Action, Actor, PermissionDenied, can, require, require_role
from estafette.models import (
    AppMeta,
    City,
    CourseItem,
    CourseVersion,
    Dialogue,
    LeergangModule,
    LeergangTopic,
    Lesson,
    LessonEvent,
    LessonQuote,
    LessonScope,
    LessonStatus,
    LessonTag,
    Phase,
    Role,
    Wish,
    WorkshopOutcome,
    lesson_wish,
    utcnow,
)
from estafette.phases import current_position

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


class LessonError(ValueError):
    """Input or a transition the workflow does not allow; ``code`` picks the translated text."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


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
    def origin(self) -> str:
        """Where the lesson comes from: "Utrecht (etappe 2)" or "Leergang"."""
        if self.scope == LessonScope.LEERGANG or self.city_name is None:
            return "Leergang"
        return f"{self.city_name} (etappe {self.city_leg})"

    @property
    def consented_quotes(self) -> tuple[str, ...]:
        """Quotes with consent: the only ones that may leave the app."""
        return tuple(text for text, consent in self.quotes if consent)


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


def _get(session: Session, lesson_id: int) -> Lesson:
    lesson = session.get(Lesson, lesson_id)
    if lesson is None:
        raise LessonError("unknown_lesson", str(lesson_id))
    return lesson


def _transition(lesson: Lesson, actor: Actor, to: LessonStatus, reason: str = "") -> None:
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
    _transition(_get(session, lesson_id), actor, LessonStatus.GEACCEPTEERD, note.strip())
    session.flush()


def reject(session: Session, actor: Actor, lesson_id: int, reason: str) -> None:
    """→ afgewezen with a reason (trainers and coordinators only)."""
    require_role(actor, *REVIEWERS)
    reason = textfields.check("reason", reason)
    if not reason.strip():
        raise LessonError("reason_required")
    lesson = _get(session, lesson_id)
    _transition(lesson, actor, LessonStatus.AFGEWEZEN, reason.strip())
    lesson.rejection_reason = reason.strip()
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
    require_role(actor, *REVIEWERS)
    lesson = _get(session, lesson_id)
    module = session.scalar(select(LeergangModule).where(LeergangModule.code == module_code))
    if module is None:
        raise LessonError("unknown_module", module_code)
    topic = session.get(LeergangTopic, topic_id)
    if topic is None or topic.module_id != module.id:
        raise LessonError("topic_not_in_module")
    if LessonStatus.OPGENOMEN not in TRANSITIONS[LessonStatus(lesson.status)]:
        raise LessonError("forbidden_transition", f"{lesson.status} → opgenomen")
    version = working_version(session, module, actor)
    already = session.scalar(
        select(CourseItem.id).where(
            CourseItem.course_version_id == version.id, CourseItem.lesson_id == lesson.id
        )
    )
    if already is not None:
        raise LessonError("already_included")
    last = session.scalar(
        select(func.max(CourseItem.position)).where(
            CourseItem.course_version_id == version.id, CourseItem.topic_id == topic.id
        )
    )
    item = CourseItem(version=version, lesson=lesson, topic=topic, position=(last or 0) + 1)
    session.add(item)
    _transition(
        lesson, actor, LessonStatus.OPGENOMEN, f"{module.name} › {topic.name} ({version.label})"
    )
    session.flush()
    return item.id


# --------------------------------------------------------------------------------------------
# Reading: history, where used, filters, search, briefing
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventView:
    """One step in a lesson's history."""

    at: dt.datetime
    actor: str
    from_status: str | None
    to_status: str
    reason: str


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


@dataclass(frozen=True)
class DialogueChoice:
    """A dialogue to attach a lesson to or to brief, with its current phase."""

    id: int
    city_id: int
    city_name: str
    leg: int
    label: str
    current_phase_code: str
    is_demo: bool


def dialogue_choices(session: Session) -> list[DialogueChoice]:
    """Every dialogue in relay order, with the phase it is in now."""
    phases = list(session.scalars(select(Phase).order_by(Phase.position)))
    ordered = [p.code for p in phases]
    codes = {p.id: p.code for p in phases}
    stmt = (
        select(Dialogue)
        .join(City)
        .where(Dialogue.archived_at.is_(None), City.archived_at.is_(None))
        .options(selectinload(Dialogue.city), selectinload(Dialogue.records))
        .order_by(City.leg, Dialogue.id)
    )
    out = []
    for d in session.scalars(stmt):
        by_code = {codes[r.phase_id]: r.status for r in d.records}
        statuses = [by_code.get(code, "niet gestart") for code in ordered]
        current = ordered[current_position(statuses)] if ordered else ""
        label = d.neighbourhood or d.theme or d.city.name
        out.append(
            DialogueChoice(d.id, d.city_id, d.city.name, d.city.leg, label, current, d.is_demo)
        )
    return out


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


# --------------------------------------------------------------------------------------------
# Seed: the workshop's first steps and evaluation as the first lessons, in Utrecht
# --------------------------------------------------------------------------------------------

SEED_KEY = "lessons_seed_version"
WORKSHOP_AUTHOR = "Kennismakingsworkshop 3 juli 2018"
WORKSHOP_DATE = dt.date(2018, 7, 3)
WORKSHOP_SITUATION = (
    "Kennismakingsworkshop van de Leergang Wijkdialoog op 3 juli 2018, Maliebaan 45 in Utrecht. "
    "Deelnemers werkten in groepen een eerste proefontwerp van hun wijkdialoog uit: welke stappen "
    "zijn nodig, welke kun je zelf zetten, wie kan helpen?"
)
# The wishes each first step serves, in the order of the seed's first steps.
FIRST_STEP_WISHES: tuple[tuple[str, ...], ...] = (
    ("mensen-betrekken",),
    ("behoeften-onderzoeken",),
    ("verdiepen-contacten",),
    ("behoeften-onderzoeken", "mensen-betrekken"),
    ("behoeften-onderzoeken", "mensen-betrekken"),
    ("verdiepen-contacten",),
    ("alles-verbinden",),
    ("alles-verbinden", "samen-doen"),
)


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
    at = dt.datetime.combine(WORKSHOP_DATE, dt.time(21, 30))
    made: list[Lesson] = []
    for position, step in enumerate(outcomes["first_step"]):
        codes = FIRST_STEP_WISHES[position] if position < len(FIRST_STEP_WISHES) else ()
        lesson = _seed_lesson(city, dialogue, phases["vormgeven"], at)
        lesson.title = f"Eerste stap: {_short_title(step)}"
        lesson.situation = WORKSHOP_SITUATION
        lesson.recommendation = step
        lesson.wishes = [wishes[c] for c in codes if c in wishes]
        lesson.tags = [LessonTag(tag="kennismakingsworkshop"), LessonTag(tag="eerste stap")]
        made.append(lesson)
    if outcomes["evaluation_quote"]:
        lesson = _seed_lesson(city, dialogue, phases["evalueren"], at)
        lesson.title = "Wat deelnemers meenamen uit de kennismakingsworkshop"
        lesson.situation = (
            "Evaluatie aan het eind van de kennismakingsworkshop van 3 juli 2018 in Utrecht."
        )
        lesson.what_worked = (
            "Samen brainstormen over mogelijkheden en aanpak, kennisuitwisseling en "
            "kruisbestuiving, en een casus uitwerken gaven energie."
        )
        lesson.would_repeat = "Een casus uitwerken: zo wordt de wijkdialoog tastbaar."
        lesson.would_change = (
            "Meer inzicht geven in dialoog als methodiek naast andere participatiemethodieken, "
            "en in hoe je een dialoog in goede banen leidt en neutraal blijft."
        )
        lesson.recommendation = (
            "Er is geen standaardaanpak: reflecteer samen op wat je beoogt en op de aanpak, "
            "en leer van elkaar."
        )
        lesson.wishes = [wishes[c] for c in ("verdiepen-contacten", "samen-doen") if c in wishes]
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
    lesson = Lesson(
        title="",
        phase=phase,
        scope=LessonScope.STAD.value,
        city=city,
        dialogue=dialogue,
        author=WORKSHOP_AUTHOR,
        lesson_date=WORKSHOP_DATE,
        created_at=at,
        status=LessonStatus.GEACCEPTEERD.value,
        **dict.fromkeys(TEXT_FIELDS, ""),
    )
    lesson.events = [
        LessonEvent(at=at, actor=WORKSHOP_AUTHOR, to_status=LessonStatus.VOORGESTELD.value),
        LessonEvent(
            at=at,
            actor="Leergang Wijkdialoog",
            from_status=LessonStatus.VOORGESTELD.value,
            to_status=LessonStatus.GEACCEPTEERD.value,
            reason="Uitkomst van de kennismakingsworkshop",
        ),
    ]
    return lesson
