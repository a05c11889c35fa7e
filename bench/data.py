"""National-scale synthetic relay data for the page benchmark (exact sizes, replayable)."""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass

from sqlalchemy import Engine, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from estafette import db, seed
from estafette.models import (
    TRACKED_FIELDS,
    City,
    Dialogue,
    Phase,
    PhaseRecord,
    Status,
    StatusEvent,
    event_text,
)

MUNICIPALITIES = 342
DIALOGUES = 1000
PHASES = 5
EVENTS = 50_000
# The Netherlands, roughly: synthetic municipalities are scattered inside this box.
LAT_RANGE = (50.80, 53.45)
LON_RANGE = (3.40, 7.15)


@dataclass
class Story:
    """How far one synthetic dialogue got, and when it started."""

    done: int
    start: dt.date
    span: int


def _records_events(
    rng: random.Random, record_id: int, position: int, story: Story, budget: int, today: dt.date
) -> tuple[dict[str, object], list[dict[str, object]]]:
    """Final values of one phase record plus the events that led to them, oldest first."""
    begin = story.start + dt.timedelta(days=story.span * (position - 1))
    state: dict[str, object] = {
        "status": Status.NIET_GESTART.value,
        "planned_start": None,
        "planned_end": None,
        "actual_start": None,
        "actual_end": None,
        "note": "",
    }
    changes: list[tuple[dt.datetime, str, object]] = []
    moment = dt.datetime.combine(story.start - dt.timedelta(days=7), dt.time(9, 0))
    changes.append((moment, "planned_start", begin))
    changes.append((moment, "planned_end", begin + dt.timedelta(days=story.span)))
    index = position - 1
    if index < story.done or (index == story.done and begin <= today):
        started = dt.datetime.combine(begin + dt.timedelta(days=rng.randint(0, 10)), dt.time(10))
        started = min(started, dt.datetime.combine(today, dt.time(8)))
        changes.append((started, "status", Status.BEZIG.value))
        changes.append((started, "actual_start", started.date()))
        if index < story.done:
            finished = started + dt.timedelta(days=story.span + rng.randint(-10, 20))
            finished = min(finished, dt.datetime.combine(today, dt.time(9)))
            changes.append((finished, "status", Status.AFGEROND.value))
            # One in twenty finished phases lacks its end date, so alerts have work to do.
            if rng.random() > 0.05:
                changes.append((finished, "actual_end", finished.date()))
    last = max(at for at, _, _ in changes)
    while len(changes) < budget:
        last = last + dt.timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 8))
        changes.append((min(last, dt.datetime.combine(today, dt.time(7))), "note", None))
    changes.sort(key=lambda change: change[0])
    events = []
    for n, (at, field, value) in enumerate(changes[:budget]):
        if field == "note":
            value = f"Notitie {n} bij fase {position}"
        old = state[field]
        state[field] = value
        events.append(
            {
                "phase_record_id": record_id,
                "at": at,
                "actor": f"trekker{record_id % 50}@voorbeeld.nl",
                "field": field,
                "old_value": event_text(old),
                "new_value": event_text(value),
            }
        )
    final_at = events[-1]["at"] if events else moment
    values = {
        **state,
        "updated_at": final_at,
        "updated_by": events[-1]["actor"] if events else "",
    }
    return values, events


def generate(
    engine: Engine,
    *,
    municipalities: int = MUNICIPALITIES,
    dialogues: int = DIALOGUES,
    events: int = EVENTS,
    today: dt.date | None = None,
    seed_value: int = 42,
) -> dict[str, int]:
    """Fill a seeded database up to national scale with bulk inserts; returns the row counts."""
    today = today or dt.date.today()
    rng = random.Random(seed_value)
    with Session(engine) as session, session.begin():
        phases = session.scalars(select(Phase).order_by(Phase.position)).all()
        existing_cities = session.scalar(select(func.count()).select_from(City)) or 0
        last_leg = session.scalar(select(func.max(City.leg))) or 0
        new_cities = [
            {
                "name": f"Gemeente {n:03d}",
                "province": "Synthetisch",
                "latitude": round(rng.uniform(*LAT_RANGE), 5),
                "longitude": round(rng.uniform(*LON_RANGE), 5),
                "leg": last_leg + i + 1,
                "joined_on": dt.date(2018, 7, 3) + dt.timedelta(days=7 * (i + 1)),
            }
            for i, n in enumerate(range(existing_cities + 1, municipalities + 1))
        ]
        if new_cities:
            session.execute(insert(City), new_cities)
        city_rows = session.execute(select(City.id, City.joined_on).order_by(City.leg)).all()
        existing_dialogues = session.scalar(select(func.count()).select_from(Dialogue)) or 0
        existing_events = session.scalar(select(func.count()).select_from(StatusEvent)) or 0
        wanted = dialogues - existing_dialogues
        new_dialogues = []
        for i in range(wanted):
            # Every municipality gets a dialogue first; the rest land at random.
            city_id, joined = city_rows[i] if i < len(city_rows) else rng.choice(city_rows)
            new_dialogues.append(
                {
                    "city_id": city_id,
                    "neighbourhood": f"Wijk {i + 1}",
                    "theme": rng.choice(["GRIJP JE KANS!", "VAN ZOOI NAAR MOOI!", "Samen"]),
                    "central_question": "Synthetische dialoog voor de benchmark.",
                    "is_demo": True,
                    "created_at": dt.datetime.combine(joined, dt.time(12)),
                }
            )
        if new_dialogues:
            session.execute(insert(Dialogue), new_dialogues)
        dialogue_rows = session.execute(
            select(Dialogue.id, Dialogue.created_at)
            .where(Dialogue.central_question == "Synthetische dialoog voor de benchmark.")
            .order_by(Dialogue.id)
        ).all()
        session.execute(
            insert(PhaseRecord),
            [
                {"dialogue_id": d_id, "phase_id": phase.id, "status": Status.NIET_GESTART.value}
                for d_id, _ in dialogue_rows
                for phase in phases
            ],
        )
        record_rows = session.execute(
            select(PhaseRecord.id, PhaseRecord.dialogue_id, Phase.position)
            .join(Phase, PhaseRecord.phase_id == Phase.id)
            .where(PhaseRecord.dialogue_id.in_([d for d, _ in dialogue_rows]))
            .order_by(PhaseRecord.id)
        ).all()
        created = {d_id: at.date() for d_id, at in dialogue_rows}
        stories = {}
        for d_id, start in created.items():
            span = rng.randint(45, 150)
            available = max(0, (today - start).days // span)
            stories[d_id] = Story(min(PHASES, rng.randint(0, available)), start, span)
        budget_total = events - existing_events
        per_record, extra = divmod(budget_total, max(1, len(record_rows)))
        updates: list[dict[str, object]] = []
        all_events: list[dict[str, object]] = []
        for n, (record_id, d_id, position) in enumerate(record_rows):
            budget = per_record + (1 if n < extra else 0)
            values, record_events = _records_events(
                rng, record_id, position, stories[d_id], budget, today
            )
            updates.append({"id": record_id, **values})
            all_events.extend(record_events)
        _bulk_update(session, updates)
        for start in range(0, len(all_events), 10_000):
            session.execute(insert(StatusEvent), all_events[start : start + 10_000])
    return counts(engine)


def _bulk_update(session: Session, updates: list[dict[str, object]]) -> None:
    """ORM bulk UPDATE by primary key (one executemany, version counter left alone)."""
    table = PhaseRecord.__table__
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            {name: bindparam(f"b_{name}") for name in (*TRACKED_FIELDS, "updated_at", "updated_by")}
        )
    )
    session.connection().execute(stmt, [{f"b_{k}": v for k, v in row.items()} for row in updates])


def counts(engine: Engine) -> dict[str, int]:
    """How many municipalities, dialogues, phase records and status events there are."""
    with Session(engine) as session:
        return {
            "municipalities": session.scalar(select(func.count()).select_from(City)) or 0,
            "dialogues": session.scalar(select(func.count()).select_from(Dialogue)) or 0,
            "phase_records": session.scalar(select(func.count()).select_from(PhaseRecord)) or 0,
            "status_events": session.scalar(select(func.count()).select_from(StatusEvent)) or 0,
        }


def prepare(url: str, national: bool) -> tuple[dict[str, int], float]:
    """Migrate and seed ``url`` (and fill it to national scale); returns counts and seconds."""
    started = time.perf_counter()
    engine = db.make_engine(url)
    try:
        db.upgrade(engine)
        seed.seed(engine)
        if national:
            generate(engine)
        return counts(engine), time.perf_counter() - started
    finally:
        engine.dispose()
