"""Reading the relay's records fast (estafette.frames, history.status_frame and join_records).

Each is checked against a straightforward reference, read through the ORM and converted by
pandas one value at a time, on SQLite and PostgreSQL (fixtures ``session`` and ``db_url``).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from estafette import db, edits, frames, history
from estafette.accounts import SYSTEM
from estafette.history import RECORD_COLUMNS, STATUS_COLUMNS
from estafette.models import DATE_FIELDS, PhaseRecord
from tests.factories import change, make_city, make_dialogue, phase


def _reference_status(session: Session) -> pd.DataFrame:
    """The status columns through the ORM: Python dates and datetimes, converted by pandas."""
    rows = [
        (r.id, r.status, *(getattr(r, f) for f in DATE_FIELDS), r.note, r.updated_at, r.updated_by)
        for r in session.scalars(select(PhaseRecord))
    ]
    frame = pd.DataFrame.from_records(rows, columns=["record_id", *STATUS_COLUMNS])
    for column in (*DATE_FIELDS, "updated_at"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    for column in ("note", "updated_by"):
        frame[column] = frame[column].fillna("").astype(str)
    return frame


def _by_record(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("record_id").reset_index(drop=True)


def _reference_join(structure: pd.DataFrame, status: pd.DataFrame) -> pd.DataFrame:
    """The shape with each record's status; a record without a status row drops out."""
    joined = structure.merge(status, on="record_id", how="inner", sort=False)
    return joined.loc[:, list(RECORD_COLUMNS)].reset_index(drop=True)


def _odd_records(session: Session) -> None:
    """Dates on and before 1970 and far ahead, none at all, notes with commas and newlines."""
    city = make_city(session, "Randstad")
    odd = make_dialogue(session, city, neighbourhood="Randgevallen")
    change(
        session,
        phase(odd, 1),
        dt.datetime(2024, 2, 29, 23, 59, 59, 999_999),
        "Lead, met komma",
        status="afgerond",
        planned_start=dt.date(1969, 12, 31),
        planned_end=dt.date(1970, 1, 1),
        actual_start=dt.date(1900, 3, 1),
        actual_end=dt.date(2200, 12, 31),
        note='Een "notitie",\nover twee regels — met ü',
    )
    change(session, phase(odd, 2), dt.datetime(2024, 3, 1, 0, 0, 0), "Coord", status="bezig")
    change(
        session,
        phase(odd, 3),
        dt.datetime(2024, 3, 1, 0, 0, 0, 1),
        "Coord",
        planned_end=dt.date(2024, 3, 9),
    )
    session.commit()


def test_status_frame_equals_the_orm_read(session: Session) -> None:
    _odd_records(session)
    found = history.status_frame(session)
    assert list(found.columns) == ["record_id", *STATUS_COLUMNS]
    pd.testing.assert_frame_equal(
        _by_record(found), _by_record(_reference_status(session)), check_exact=True
    )
    first = found.loc[found["note"].str.startswith("Een"), "updated_at"].item()
    assert first == pd.Timestamp("2024-02-29 23:59:59.999999")


def test_status_frame_of_an_empty_database(db_url: str) -> None:
    engine = db.make_engine(db_url)
    db.upgrade(engine)
    with Session(engine) as session:
        found = history.status_frame(session)
        reference = _reference_status(session)
    engine.dispose()
    assert found.empty
    pd.testing.assert_frame_equal(found, reference)


def test_join_records_equals_a_merge(session: Session) -> None:
    _odd_records(session)
    structure = history.structure_frame(session)
    status = history.status_frame(session)
    pd.testing.assert_frame_equal(
        history.join_records(structure, status),
        _reference_join(structure, status),
        check_exact=True,
    )
    # A record another process removed after the shape was read: it drops out.
    gone = status[status["record_id"] != structure["record_id"].iloc[4]]
    joined = history.join_records(structure, gone)
    assert len(joined) == len(structure) - 1
    pd.testing.assert_frame_equal(joined, _reference_join(structure, gone), check_exact=True)


def test_records_frame_leaves_archived_rows_out(session: Session) -> None:
    _odd_records(session)
    before = history.records_frame(session)
    archived = int(before["dialogue_id"].iloc[0])
    edits.archive_dialogue(session, SYSTEM, archived)
    session.commit()
    after = history.records_frame(session)
    assert archived not in set(after["dialogue_id"])
    kept = before[before["dialogue_id"] != archived].reset_index(drop=True)
    # Archiving writes no status: what is left is the same, row for row.
    pd.testing.assert_frame_equal(after, kept, check_exact=True)
    everything = history.records_frame(session, include_archived=True)
    assert archived in set(everything["dialogue_id"])


def test_days_and_moments_convert_exactly() -> None:
    days = frames.days([0.0, -1.0, None, 20788.0])
    assert days.dtype == "datetime64[ns]"
    assert [str(v) for v in days] == [
        "1970-01-01T00:00:00.000000000",
        "1969-12-31T00:00:00.000000000",
        "NaT",
        "2026-12-01T00:00:00.000000000",
    ]
    # SQLite's stored text and psycopg's datetime objects give the same nanosecond values.
    text = frames.moments(["2024-02-29 23:59:59.999999", None, "2018-07-03 19:00:00"])
    objects = frames.moments([dt.datetime(2024, 2, 29, 23, 59, 59, 999_999), None])
    assert text.dtype == objects.dtype == "datetime64[ns]"
    assert [str(v) for v in text] == [
        "2024-02-29T23:59:59.999999000",
        "NaT",
        "2018-07-03T19:00:00.000000000",
    ]
    np.testing.assert_array_equal(objects, text[:2])
