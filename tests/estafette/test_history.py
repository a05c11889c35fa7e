"""Time travel: phase records rebuilt as of a date from the status history."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy.orm import Session

from estafette import cities, history
from tests.factories import change, make_city, make_dialogue, phase, relay_summary

JAN = dt.datetime(2024, 1, 10, 9, 0)
MAR = dt.datetime(2024, 3, 1, 9, 0)
MAR2 = dt.datetime(2024, 3, 2, 9, 0)


def _story(session: Session) -> int:
    """One dialogue: Verkennen started in January, finished 1 March; Verbeelden started 2 March."""
    city = make_city(session, "Zwolle")
    dialogue = make_dialogue(session, city, neighbourhood="Assendorp", created_at=JAN)
    first, second = phase(dialogue, 1), phase(dialogue, 2)
    change(
        session,
        first,
        JAN,
        "Lead",
        status="bezig",
        actual_start=dt.date(2024, 1, 10),
        planned_end=dt.date(2024, 2, 28),
    )
    change(session, first, MAR, "Lead", status="afgerond", actual_end=dt.date(2024, 3, 1))
    change(session, second, MAR2, "Coord", status="bezig", actual_start=dt.date(2024, 3, 2))
    session.commit()
    return dialogue.id


def _rows(session: Session, as_of: dt.date | None, dialogue_id: int):
    records = history.records_frame(session)
    if as_of is not None:
        records = history.state_as_of(records, history.events_frame(session), as_of)
    return records[records["dialogue_id"] == dialogue_id].set_index("phase_position")


def test_records_frame_holds_the_seeded_relay(session: Session) -> None:
    records = history.records_frame(session)
    assert len(records) == 15
    assert records.drop_duplicates("dialogue_id")["city"].tolist() == [
        "Deventer",
        "Utrecht",
        "Amsterdam",
    ]
    first = records[records["phase_position"] == 1]
    assert set(first["status"]) == {"bezig"}
    assert set(first["actual_start"].dt.date) == {dt.date(2018, 7, 3)}


def test_time_travel_replays_status_and_dates(session: Session) -> None:
    dialogue_id = _story(session)
    now = _rows(session, None, dialogue_id)
    assert now.loc[1, "status"] == "afgerond" and now.loc[2, "status"] == "bezig"

    feb = _rows(session, dt.date(2024, 2, 1), dialogue_id)
    assert feb.loc[1, "status"] == "bezig"
    assert feb.loc[1, "actual_start"].date() == dt.date(2024, 1, 10)
    assert feb.loc[1, "planned_end"].date() == dt.date(2024, 2, 28)
    assert pd.isna(feb.loc[1, "actual_end"])
    assert feb.loc[2, "status"] == "niet gestart"
    assert feb.loc[1, "updated_by"] == "Lead"

    # "As of a date" includes that whole day.
    first_of_march = _rows(session, dt.date(2024, 3, 1), dialogue_id)
    assert first_of_march.loc[1, "status"] == "afgerond"
    assert first_of_march.loc[2, "status"] == "niet gestart"


def test_time_travel_before_a_dialogue_existed_leaves_it_out(session: Session) -> None:
    dialogue_id = _story(session)
    assert _rows(session, dt.date(2023, 12, 31), dialogue_id).empty
    # The seeded relay started on 3 July 2018 at the workshop.
    records = history.records_frame(session)
    events = history.events_frame(session)
    assert history.state_as_of(records, events, dt.date(2018, 7, 2)).empty
    day_one = history.state_as_of(records, events, dt.date(2018, 7, 3))
    assert set(day_one.loc[day_one["phase_position"] == 1, "status"]) == {"bezig"}


def test_summary_follows_time_travel(session: Session) -> None:
    dialogue_id = _story(session)
    records = history.records_frame(session)
    events = history.events_frame(session)
    feb = cities.summarise(history.state_as_of(records, events, dt.date(2024, 2, 1)))
    row = feb.set_index("dialogue_id").loc[dialogue_id]
    assert (row["current_phase"], row["current_status"], row["completed"]) == (
        "Verkennen",
        "bezig",
        0,
    )
    now = relay_summary(session).set_index("dialogue_id").loc[dialogue_id]
    assert (now["current_phase"], now["completed"], now["last_update_by"]) == (
        "Verbeelden",
        1,
        "Coord",
    )


def test_phase_history_lists_changes_newest_first(session: Session) -> None:
    dialogue_id = _story(session)
    changes = history.phase_history(
        history.events_frame(session, dialogue_id), history.records_frame(session)
    )
    assert len(changes) == 7
    assert changes.iloc[0]["phase"] == "Verbeelden"
    assert changes.iloc[-1]["phase"] == "Verkennen"


def test_filters_select_records_and_dialogues(session: Session) -> None:
    records = history.records_frame(session)
    assert set(history.select_records(records, cities=("Utrecht",))["city"]) == {"Utrecht"}
    assert len(history.select_records(records, statuses=("bezig",))) == 3
    summary = cities.summarise(records)
    assert len(history.select_dialogues(summary, phases=("Verbeelden",))) == 0
    assert len(history.select_dialogues(summary, phases=("Verkennen",))) == 3
