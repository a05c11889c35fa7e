"""Seeding: the three legs, phases, Leergang and workshop outcomes; idempotent; demo labelled."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from estafette import cities, db, seed
from estafette.models import (
    TRACKED_FIELDS,
    City,
    Dialogue,
    LeergangModule,
    Lesson,
    Phase,
    PhaseRecord,
    Status,
    StatusEvent,
    Wish,
    WorkshopOutcome,
    WorkshopTheme,
    event_text,
)
from tests.factories import relay_summary


def _counts(engine: Engine) -> dict[str, int]:
    models = [
        City,
        Dialogue,
        Phase,
        PhaseRecord,
        StatusEvent,
        LeergangModule,
        Wish,
        WorkshopTheme,
        WorkshopOutcome,
        Lesson,
    ]
    with Session(engine) as session:
        return {
            m.__name__: session.scalar(select(func.count()).select_from(m)) or 0 for m in models
        }


def test_seed_content(session: Session) -> None:
    legs = [(c.name, c.leg) for c in cities.list_cities(session)]
    assert legs == [("Deventer", 1), ("Utrecht", 2), ("Amsterdam", 3)]
    assert [p.name for p in session.scalars(select(Phase).order_by(Phase.position))] == [
        "Verkennen",
        "Verbeelden",
        "Vormgeven",
        "Evalueren",
        "Vervolgen",
    ]
    assert [w.name for w in session.scalars(select(Wish).order_by(Wish.position))] == [
        "Behoeften onderzoeken",
        "Mensen betrekken",
        "Verdiepen contacten",
        "Alles verbinden",
        "Samen doen",
    ]
    assert [
        t.title for t in session.scalars(select(WorkshopTheme).order_by(WorkshopTheme.position))
    ] == [
        "GRIJP JE KANS!",
        "EEN GEWELDIGE ZOEKTOCHT!",
        "VAN ZOOI NAAR MOOI!",
    ]
    stmt = select(WorkshopOutcome.kind, func.count()).group_by(WorkshopOutcome.kind)
    kinds = {kind: count for kind, count in session.execute(stmt)}
    assert kinds == {"ideal_image": 11, "first_step": 8, "evaluation_quote": 11}
    modules = [
        m.name for m in session.scalars(select(LeergangModule).order_by(LeergangModule.position))
    ]
    assert modules == [
        "Kennismakingsworkshop",
        "Training Wijkdialoog 1",
        "Training Wijkdialoog 2",
        "Dialoog leren begeleiden",
    ]


def test_each_leg_is_in_verkennen_since_the_workshop(session: Session) -> None:
    frame = relay_summary(session)
    assert list(frame["city"]) == ["Deventer", "Utrecht", "Amsterdam"]
    assert set(frame["current_phase"]) == {"Verkennen"}
    assert set(frame["current_status"]) == {"bezig"}
    starts = session.scalars(
        select(PhaseRecord.actual_start).join(PhaseRecord.phase).where(Phase.code == "verkennen")
    ).all()
    assert starts == [dt.date(2018, 7, 3)] * 3
    deventer = session.scalar(select(City).where(City.name == "Deventer"))
    assert deventer is not None
    assert (deventer.latitude, deventer.longitude) == (52.2550, 6.1639)
    assert deventer.dialogues[0].location == (52.2550, 6.1639)


def test_seed_is_idempotent(engine: Engine) -> None:
    before = _counts(engine)
    assert before["City"] == 3 and before["PhaseRecord"] == 15 and before["StatusEvent"] == 6
    # The workshop's 8 first steps and its evaluation are the first (Utrecht) lessons.
    assert before["Lesson"] == 9
    assert seed.seed(engine) is False
    db.upgrade(engine)
    assert seed.seed(engine) is False
    assert _counts(engine) == before


def test_deleted_seeded_city_is_not_resurrected(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        session.delete(session.scalar(select(City).where(City.name == "Amsterdam")))
    seed.seed(engine)
    with Session(engine) as session:
        assert [c.name for c in cities.list_cities(session)] == ["Deventer", "Utrecht"]


def test_demo_is_labelled_and_idempotent(engine: Engine) -> None:
    assert seed.add_demo(engine, today=dt.date(2026, 11, 1)) == 3
    assert seed.add_demo(engine, today=dt.date(2026, 11, 1)) == 0
    with Session(engine) as session:
        frame = relay_summary(session)
    demo = frame[frame["is_demo"]]
    assert len(demo) == 3
    assert all("(demo)" in hood for hood in demo["neighbourhood"])
    assert sorted(demo["completed"]) == [1, 2, 3]
    # The real seeded dialogues are untouched by the demo.
    assert set(frame[~frame["is_demo"]]["current_phase"]) == {"Verkennen"}


def test_demo_changes_are_all_in_the_history(engine: Engine) -> None:
    seed.add_demo(engine, today=dt.date(2026, 11, 1))
    with Session(engine) as session:
        records = session.scalars(
            select(PhaseRecord).join(PhaseRecord.dialogue).where(Dialogue.is_demo)
        ).all()
        assert len(records) == 15
        for record in records:
            events = session.scalars(
                select(StatusEvent)
                .where(StatusEvent.phase_record_id == record.id)
                .order_by(StatusEvent.at, StatusEvent.id)
            ).all()
            latest = {event.field: event.new_value for event in events}
            # Replaying the events gives the record as it is now, field by field.
            for field in TRACKED_FIELDS:
                now = event_text(getattr(record, field))
                if field in latest:
                    assert latest[field] == now, (record.id, field)
                else:
                    # Never changed: still the value every new record starts with.
                    assert now in (None, "", Status.NIET_GESTART.value), (record.id, field)
