"""Editing and archiving cities and dialogues: coordinators only, logged, dashboards without."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from estafette import choices, edits, history, lessons
from estafette.accounts import SYSTEM, PermissionDenied
from estafette.models import City, Dialogue, StatusEvent
from tests.factories import (
    anonymous,
    change,
    city_id,
    city_lead,
    coordinator,
    make_dialogue,
    phase,
    relay_summary,
    trainer,
)

COORD = coordinator(email="coord@example.nl", name="Cor")
LEAD = city_lead(email="lead@example.nl", name="Lies", city_ids=frozenset({1}))
TRAINER = trainer(email="trainer@example.nl", name="Tim")


def _dashboard_cities(session: Session) -> set[str]:
    return set(relay_summary(session)["city"])


def _dashboard_dialogues(session: Session) -> set[int]:
    return set(history.records_frame(session)["dialogue_id"])


def _lesson(session: Session, dialogue: Dialogue) -> int:
    data = lessons.LessonInput(
        title="Samen koken", phase_code="verkennen", dialogue_id=dialogue.id, situation="Koken."
    )
    return lessons.propose(session, COORD, data)


def test_archive_and_restore_a_city_and_a_dialogue(session: Session) -> None:
    utrecht = session.get(City, city_id(session, "Utrecht"))
    lombok = make_dialogue(session, utrecht, neighbourhood="Lombok")
    change(session, phase(lombok, 1), dt.datetime(2025, 2, 1, 9), "Lies", status="bezig")
    lesson = _lesson(session, lombok)
    deventer = session.get(City, city_id(session, "Deventer"))
    (deventer_dialogue,) = deventer.dialogues
    session.commit()
    events_before = session.scalar(select(StatusEvent.id).order_by(StatusEvent.id.desc()))

    edits.archive_dialogue(session, COORD, lombok.id)
    edits.archive_city(session, COORD, deventer.id)
    session.commit()
    # Off the dashboards, the Fase bijwerken picker and the lesson form ...
    assert "Deventer" not in _dashboard_cities(session)
    shown = _dashboard_dialogues(session)
    assert lombok.id not in shown and deventer_dialogue.id not in shown
    assert "Utrecht" in _dashboard_cities(session)
    picker = {c.id for c in choices.dialogue_choices(session, COORD)}
    assert lombok.id not in picker and deventer_dialogue.id not in picker
    assert lombok.id not in {c.id for c in choices.dialogue_choices(session)}
    # ... but history and lessons are kept.
    assert lombok.id in set(history.records_frame(session, include_archived=True)["dialogue_id"])
    assert len(history.events_frame(session, lombok.id)) == 1
    assert session.scalar(select(StatusEvent.id).order_by(StatusEvent.id.desc())) == events_before
    city_lessons = lessons.list_lessons(session, SYSTEM, lessons.LessonFilter(city_id=utrecht.id))
    assert lesson in [v.id for v in city_lessons]
    logged = edits.edit_history(session, utrecht.id, lombok.id)
    assert [(e.field, e.old_value, e.new_value, e.actor) for e in logged] == [
        ("archived", "nee", "ja", "Cor")
    ]
    with pytest.raises(edits.EditError, match="already_archived"):
        edits.archive_city(session, COORD, deventer.id)

    edits.restore_dialogue(session, COORD, lombok.id)
    edits.restore_city(session, COORD, deventer.id)
    session.commit()
    assert {"Deventer", "Utrecht"} <= _dashboard_cities(session)
    assert {lombok.id, deventer_dialogue.id} <= _dashboard_dialogues(session)
    assert [e.new_value for e in edits.edit_history(session, deventer.id)] == ["nee", "ja"]
    with pytest.raises(edits.EditError, match="not_archived"):
        edits.restore_dialogue(session, COORD, lombok.id)


def test_edit_city_and_dialogue_are_logged(session: Session) -> None:
    utrecht = session.get(City, city_id(session, "Utrecht"))
    (dialogue,) = utrecht.dialogues
    changed = edits.edit_city(
        session,
        COORD,
        utrecht.id,
        name="Utrecht (stad)",
        province="Utrecht",
        latitude=52.1,
        longitude=5.1,
        leg=utrecht.leg,
    )
    assert changed == ["name", "latitude", "longitude"]
    changed = edits.edit_dialogue(
        session,
        COORD,
        dialogue.id,
        neighbourhood=" Overvecht ",
        theme="Samen sterk",
        central_question="Hoe helpen we elkaar?",
        latitude=52.11,
        longitude=5.12,
    )
    assert set(changed) == {"neighbourhood", "theme", "central_question", "latitude", "longitude"}
    session.commit()
    log = edits.edit_history(session, utrecht.id)
    by_field = {e.field: (e.old_value, e.new_value) for e in log}
    assert by_field["name"] == ("Utrecht", "Utrecht (stad)")
    assert by_field["neighbourhood"] == (None, "Overvecht")
    assert "Utrecht (stad)" in _dashboard_cities(session)
    assert session.get(Dialogue, dialogue.id).location == (52.11, 5.12)
    # Nothing changed: nothing logged.
    assert (
        edits.edit_city(
            session,
            COORD,
            utrecht.id,
            name="Utrecht (stad)",
            province="Utrecht",
            latitude=52.1,
            longitude=5.1,
            leg=utrecht.leg,
        )
        == []
    )


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"name": " "}, "name_required"),
        ({"name": "deventer"}, "city_exists"),
        ({"leg": 1}, "leg_taken"),
        ({"leg": 0}, "leg_invalid"),
        ({"latitude": 91.0}, "coordinates_invalid"),
    ],
)
def test_edit_city_refuses_bad_input(session: Session, fields: dict, code: str) -> None:
    utrecht = session.get(City, city_id(session, "Utrecht"))
    values = {
        "name": "Utrecht",
        "province": "Utrecht",
        "latitude": 52.09,
        "longitude": 5.12,
        "leg": utrecht.leg,
        **fields,
    }
    with pytest.raises(edits.EditError) as caught:
        edits.edit_city(session, COORD, utrecht.id, **values)
    assert caught.value.code == code
    session.rollback()
    assert edits.edit_history(session, utrecht.id) == []


def test_only_coordinators_edit_and_archive(session: Session) -> None:
    deventer = city_id(session, "Deventer")
    dialogue = session.scalar(select(Dialogue.id).where(Dialogue.city_id == deventer))
    for actor in (LEAD, TRAINER, anonymous()):
        with pytest.raises(PermissionDenied):
            edits.archive_city(session, actor, deventer)
        with pytest.raises(PermissionDenied):
            edits.archive_dialogue(session, actor, dialogue)
        with pytest.raises(PermissionDenied):
            edits.edit_dialogue(
                session, actor, dialogue, neighbourhood="X", theme="", central_question=""
            )
    session.rollback()
    assert session.get(City, deventer).archived_at is None
    assert edits.edit_history(session, deventer) == []
