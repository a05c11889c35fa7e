"""Seed content from data/seed/*.json (idempotent) and the clearly labelled demo data."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from estafette import db, lesson_seed
from estafette.alerts import SeedMark
from estafette.cities import create_dialogue
from estafette.history import apply_change
from estafette.models import (
    AppMeta,
    City,
    Dialogue,
    LeergangModule,
    LeergangTopic,
    Phase,
    Status,
    StatusEvent,
    Wish,
    WorkshopOutcome,
    WorkshopTheme,
    utcnow,
)
from estafette.settings import SEED_DIR

SEED_VERSION = "1"
# When the seeded relay was written: its events carry the 2018 workshop's date, not this one.
SEEDED_AT_KEY = "seeded_at"
DEMO_ACTOR = "Demo (fictief)"
OUTCOME_KINDS = {
    "ideal_images": "ideal_image",
    "first_steps": "first_step",
    "evaluation_quotes": "evaluation_quote",
}


def _load(name: str) -> Any:
    return json.loads((SEED_DIR / name).read_text(encoding="utf-8"))


def _seed_reference(session: Session) -> None:
    """Phases, Leergang modules and workshop outcomes: upserted by natural key."""
    phases = {p.code: p for p in session.scalars(select(Phase))}
    for item in _load("phases.json"):
        if item["code"] not in phases:
            session.add(Phase(**item))

    modules = {m.code: m for m in session.scalars(select(LeergangModule))}
    for item in _load("leergang.json"):
        if item["code"] in modules:
            continue
        module = LeergangModule(
            code=item["code"],
            position=item["position"],
            name=item["name"],
            description=item["description"],
        )
        module.topics = [
            LeergangTopic(position=i, name=name) for i, name in enumerate(item["topics"], 1)
        ]
        session.add(module)

    workshop = _load("workshop.json")
    wishes = set(session.scalars(select(Wish.code)))
    for position, item in enumerate(workshop["wishes"], 1):
        if item["code"] not in wishes:
            session.add(Wish(position=position, **item))
    themes = set(session.scalars(select(WorkshopTheme.position)))
    for position, item in enumerate(workshop["themes"], 1):
        if position not in themes:
            session.add(WorkshopTheme(position=position, **item))
    outcomes = set(session.execute(select(WorkshopOutcome.kind, WorkshopOutcome.position)))
    for key, kind in OUTCOME_KINDS.items():
        for position, text in enumerate(workshop[key], 1):
            if (kind, position) not in outcomes:
                session.add(WorkshopOutcome(kind=kind, position=position, text=text))
    session.flush()


def _seed_relay(session: Session) -> None:
    """The first three legs, each with one dialogue in Verkennen since the workshop."""
    relay = _load("relay.json")
    workshop_day = dt.date.fromisoformat(relay["workshop"]["date"])
    actor = relay["workshop"]["actor"]
    start_of_day = dt.datetime.combine(workshop_day, dt.time(19, 0))
    for item in relay["cities"]:
        city = City(joined_on=workshop_day, **item)
        session.add(city)
        session.flush()
        dialogue = create_dialogue(
            session, city, central_question=relay["central_question"], created_at=start_of_day
        )
        first = dialogue.records[0]
        first.status = Status.BEZIG.value
        first.actual_start = workshop_day
        first.updated_at = start_of_day
        first.updated_by = actor
        session.flush()
        for field, new in (("status", Status.BEZIG.value), ("actual_start", str(workshop_day))):
            old = Status.NIET_GESTART.value if field == "status" else None
            session.add(
                StatusEvent(
                    record=first,
                    at=start_of_day,
                    actor=actor,
                    field=field,
                    old_value=old,
                    new_value=new,
                )
            )


def seed(engine: Engine, *, workshop_lessons: bool = True) -> bool:
    """Seed an empty database; returns True when the relay itself was seeded now.

    Under the start-up lock: processes starting together seed once, the others find it done.
    """
    with db.startup_lock(engine), Session(engine) as session, session.begin():
        _seed_reference(session)
        seeded_now = session.get(AppMeta, "seed_version") is None
        if seeded_now:
            if session.scalar(select(func.count()).select_from(City)) == 0:
                _seed_relay(session)
                session.add(AppMeta(key=SEEDED_AT_KEY, value=utcnow().isoformat()))
            session.add(AppMeta(key="seed_version", value=SEED_VERSION))
            session.flush()
        # The workshop's own lessons have their own seed marker, so older databases get them too.
        if workshop_lessons:
            lesson_seed.seed_lessons(session)
        return seeded_now


def seed_actor() -> str:
    """The name the seeded history is recorded under (the 2018 workshop)."""
    return str(_load("relay.json")["workshop"]["actor"])


def stored_seed_mark(session: Session) -> SeedMark | None:
    """The seed's actor and the install time kept when it was seeded (None before that was kept).

    Reads no status: a status save never changes it.
    """
    stored = session.get(AppMeta, SEEDED_AT_KEY)
    if stored is None:
        return None
    return SeedMark(seed_actor(), dt.datetime.fromisoformat(stored.value))


def seed_mark(session: Session) -> SeedMark:
    """The seed's actor and install time, so idle alerts count from real use (alerts.attention).

    Databases seeded before the install time was kept fall back to their first real change.
    """
    stored = stored_seed_mark(session)
    if stored is not None:
        return stored
    actor = seed_actor()
    first_real = session.scalar(select(func.min(StatusEvent.at)).where(StatusEvent.actor != actor))
    return SeedMark(actor, first_real)


def relay_untouched(session: Session) -> bool:
    """Whether the relay is still exactly as seeded: seeded, and nobody changed a phase since."""
    if session.get(AppMeta, "seed_version") is None:
        return False
    real = select(StatusEvent.id).where(StatusEvent.actor != seed_actor()).limit(1)
    return session.scalar(real) is None


DEMO_DIALOGUES = [
    # city, neighbourhood, theme, how many phases done, days per phase
    ("Deventer", "Rivierenwijk (demo)", "GRIJP JE KANS!", 3, 70),
    ("Utrecht", "Lombok (demo)", "EEN GEWELDIGE ZOEKTOCHT!", 2, 90),
    ("Amsterdam", "Noord (demo)", "VAN ZOOI NAAR MOOI!", 1, 120),
]


def add_demo(engine: Engine, today: dt.date | None = None) -> int:
    """Add fictional, clearly labelled demo dialogues with progress; returns how many were added.

    Like every real change, each demo change is logged as StatusEvents, so time travel
    replays the demo too.
    """
    today = today or dt.date.today()
    added = 0
    with Session(engine) as session, session.begin():
        cities = {c.name: c for c in session.scalars(select(City))}
        existing = set(session.scalars(select(Dialogue.neighbourhood).where(Dialogue.is_demo)))
        for city_name, hood, theme, done, span in DEMO_DIALOGUES:
            city = cities.get(city_name)
            if city is None or hood in existing:
                continue
            start = today - dt.timedelta(days=span * done + span // 2)
            planned_at = dt.datetime.combine(start - dt.timedelta(days=14), dt.time(9, 0))
            dialogue = create_dialogue(
                session,
                city,
                neighbourhood=hood,
                theme=theme,
                is_demo=True,
                central_question="Fictieve demodialoog om de schermen te laten zien.",
                created_at=planned_at,
            )
            for index, record in enumerate(dialogue.records):
                begin = start + dt.timedelta(days=span * index)
                apply_change(
                    session,
                    record,
                    planned_at,
                    DEMO_ACTOR,
                    planned_start=begin,
                    planned_end=begin + dt.timedelta(days=span),
                    note="Demo: fictieve voortgang.",
                )
                if index <= done:
                    apply_change(
                        session,
                        record,
                        dt.datetime.combine(begin, dt.time(10, 0)),
                        DEMO_ACTOR,
                        status=Status.BEZIG.value,
                        actual_start=begin,
                    )
                if index < done:
                    end = begin + dt.timedelta(days=span)
                    apply_change(
                        session,
                        record,
                        dt.datetime.combine(end, dt.time(10, 0)),
                        DEMO_ACTOR,
                        status=Status.AFGEROND.value,
                        actual_end=end,
                    )
            added += 1
    return added
