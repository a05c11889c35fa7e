"""Phase records as flat tables, and time travel: their state as of a date, replayed from events.

Time travel works backwards from the current state: for every (record, field) the first
StatusEvent *after* the as-of moment holds in ``old_value`` what the field was at that moment.
Fields that never changed after the moment keep their current value. Replaying backwards means
values that were set without an event (such as planned dates entered at creation) stay visible.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, String, cast, func, select
from sqlalchemy.orm import Session

from estafette import frames
from estafette.models import (
    DATE_FIELDS,
    TRACKED_FIELDS,
    City,
    Dialogue,
    Phase,
    PhaseRecord,
    Status,
    StatusEvent,
    event_text,
)

# A phase record's place in the relay: who, where, which phase (data_version.STRUCTURE).
STRUCTURE_COLUMNS: tuple[str, ...] = (
    "record_id",
    "dialogue_id",
    "city_id",
    "city",
    "province",
    "leg",
    "latitude",
    "longitude",
    "neighbourhood",
    "theme",
    "is_demo",
    "created_at",
    "phase_position",
    "phase_code",
    "phase",
)
# What a status save changes in place.
STATUS_COLUMNS: tuple[str, ...] = (
    "status",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "note",
    "updated_at",
    "updated_by",
)
RECORD_COLUMNS: tuple[str, ...] = (*STRUCTURE_COLUMNS, *STATUS_COLUMNS)
EVENT_COLUMNS: tuple[str, ...] = (
    "event_id",
    "record_id",
    "at",
    "actor",
    "field",
    "old_value",
    "new_value",
)


def _text(column: ColumnElement[Any]) -> ColumnElement[str]:
    """Dates as text: pandas parses 50,000 ISO strings far faster than the driver layer."""
    return cast(column, String)


def structure_frame(session: Session, include_archived: bool = False) -> pd.DataFrame:
    """Every phase record's place in the relay: dialogue, city and phase, in relay order.

    What changes only with the relay's shape (``data_version.STRUCTURE``), not with a status
    save. Archived cities and dialogues (estafette.edits) are left out unless
    ``include_archived``.
    """
    stmt = (
        select(
            PhaseRecord.id,
            Dialogue.id,
            City.id,
            City.name,
            City.province,
            City.leg,
            # A dialogue's own location wins over its city's.
            Dialogue.latitude,
            Dialogue.longitude,
            City.latitude,
            City.longitude,
            Dialogue.neighbourhood,
            Dialogue.theme,
            Dialogue.is_demo,
            _text(Dialogue.created_at),
            Phase.position,
            Phase.code,
            Phase.name,
        )
        .join(Dialogue, PhaseRecord.dialogue_id == Dialogue.id)
        .join(City, Dialogue.city_id == City.id)
        .join(Phase, PhaseRecord.phase_id == Phase.id)
        .order_by(City.leg, Dialogue.id, Phase.position)
    )
    if not include_archived:
        stmt = stmt.where(Dialogue.archived_at.is_(None), City.archived_at.is_(None))
    raw = frames.frame(
        frames.fetch(session, stmt),
        [
            "record_id",
            "dialogue_id",
            "city_id",
            "city",
            "province",
            "leg",
            "d_lat",
            "d_lon",
            "latitude",
            "longitude",
            *STRUCTURE_COLUMNS[8:],
        ],
    )
    d_lat = pd.to_numeric(raw["d_lat"], errors="coerce").astype(float)
    d_lon = pd.to_numeric(raw["d_lon"], errors="coerce").astype(float)
    own = d_lat.notna() & d_lon.notna()
    raw["latitude"] = d_lat.where(own, raw["latitude"].astype(float))
    raw["longitude"] = d_lon.where(own, raw["longitude"].astype(float))
    frame = raw.loc[:, list(STRUCTURE_COLUMNS)].copy()
    frame["created_at"] = frames.timestamps(frame["created_at"])
    frame["neighbourhood"] = frame["neighbourhood"].fillna("").astype(str)
    frame["theme"] = frame["theme"].fillna("").astype(str)
    frame["is_demo"] = frame["is_demo"].astype(bool)
    return frame


def status_frame(session: Session) -> pd.DataFrame:
    """Every phase record's status, dates and note, by record id (one query, no joins)."""
    stmt = select(
        PhaseRecord.id,
        PhaseRecord.status,
        # Every process reads this after every save: no text to parse (see estafette.frames).
        *(frames.epoch_days(getattr(PhaseRecord, field)) for field in DATE_FIELDS),
        func.coalesce(PhaseRecord.note, ""),
        PhaseRecord.updated_at,
        func.coalesce(PhaseRecord.updated_by, ""),
    )
    rows = frames.fetch(session, stmt)
    if not rows:
        frame = frames.frame(rows, ["record_id", *STATUS_COLUMNS])
        for column in (*DATE_FIELDS, "updated_at"):
            frame[column] = frames.timestamps(frame[column])
        for column in ("note", "updated_by"):
            frame[column] = frame[column].astype(str)
        return frame
    record_id, status, *dates, note, updated_at, updated_by = zip(*rows, strict=True)
    # Columns built whole, not from row tuples: from_records alone cost as much as the query.
    return pd.DataFrame(
        {
            "record_id": np.array(record_id),
            # Series of Python strings: quicker to Arrow text than DataFrame's own inference.
            "status": pd.Series(status),
            **{
                field: frames.days(values) for field, values in zip(DATE_FIELDS, dates, strict=True)
            },
            "note": pd.Series(note),
            "updated_at": frames.moments(updated_at),
            "updated_by": pd.Series(updated_by),
        }
    )


def join_records(structure: pd.DataFrame, status: pd.DataFrame) -> pd.DataFrame:
    """The full record rows (``RECORD_COLUMNS``): the relay's shape with each record's status."""
    rows = pd.Index(status["record_id"]).get_indexer(structure["record_id"])
    present = rows >= 0
    if not present.all():
        # A record removed by another process between the two reads (the shape is cached):
        # it is gone, and the next data version reads the shape again.
        structure, rows = structure[present], rows[present]
    # Whole arrays taken by position: a str column kept as Arrow is not converted to Python
    # objects and back, as assigning each column to a copy of the shape did.
    columns = {name: structure[name].array for name in STRUCTURE_COLUMNS}
    for name in STATUS_COLUMNS:
        columns[name] = status[name].array.take(rows)
    return pd.DataFrame({name: columns[name] for name in RECORD_COLUMNS}, copy=True)


def records_frame(session: Session, include_archived: bool = False) -> pd.DataFrame:
    """Every phase record with its dialogue, city and phase, in relay order.

    Archived cities and dialogues (estafette.edits) are left out unless ``include_archived``.
    """
    return join_records(structure_frame(session, include_archived), status_frame(session))


def events_frame(session: Session, dialogue_id: int | None = None) -> pd.DataFrame:
    """The status history (all of it, or one dialogue's), oldest first."""
    stmt = select(
        StatusEvent.id,
        StatusEvent.phase_record_id,
        _text(StatusEvent.at),
        StatusEvent.actor,
        StatusEvent.field,
        StatusEvent.old_value,
        StatusEvent.new_value,
    ).order_by(StatusEvent.at, StatusEvent.id)
    if dialogue_id is not None:
        stmt = stmt.join(PhaseRecord, StatusEvent.phase_record_id == PhaseRecord.id).where(
            PhaseRecord.dialogue_id == dialogue_id
        )
    frame = frames.frame(frames.fetch(session, stmt), list(EVENT_COLUMNS))
    frame["at"] = frames.timestamps(frame["at"])
    return frame


def _moment(as_of: dt.date) -> pd.Timestamp:
    """The first instant after ``as_of``: "as of a date" includes that whole day."""
    return pd.Timestamp(as_of) + pd.Timedelta(days=1)


def state_as_of(records: pd.DataFrame, events: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The records as they stood at the end of ``as_of``; dialogues not yet started drop out."""
    end = _moment(as_of)
    out = records.copy()
    later = events[events["at"] >= end]
    if not later.empty:
        # Events are sorted oldest first, so "first" is the earliest change after the moment.
        first_after = later.drop_duplicates(["record_id", "field"], keep="first")
        for field in TRACKED_FIELDS:
            old = first_after.loc[first_after["field"] == field].set_index("record_id")["old_value"]
            if old.empty:
                continue
            mask = out["record_id"].isin(old.index)
            values = out.loc[mask, "record_id"].map(old)
            if field in DATE_FIELDS:
                out.loc[mask, field] = pd.to_datetime(values, errors="coerce").astype(
                    "datetime64[ns]"
                )
            elif field == "status":
                out.loc[mask, field] = values.fillna(Status.NIET_GESTART.value)
            else:
                out.loc[mask, field] = values.fillna("")

    # What actually happened after the moment cannot have been known at it.
    for field in ("actual_start", "actual_end"):
        out.loc[out[field] >= end, field] = pd.NaT

    earlier = events[events["at"] < end]
    last = (
        earlier.drop_duplicates("record_id", keep="last")
        .loc[:, ["record_id", "at", "actor"]]
        .rename(columns={"at": "last_at", "actor": "last_actor"})
    )
    merged = out[["record_id"]].merge(last, on="record_id", how="left")
    touched_later = (out["updated_at"] >= end).to_numpy()
    # A record last touched after the moment shows its last event before it, else its creation.
    created = out["created_at"].where(out["created_at"] < end)
    last_at = merged["last_at"].astype("datetime64[ns]").fillna(created)
    out.loc[touched_later, "updated_at"] = last_at[touched_later].to_numpy()
    out.loc[touched_later, "updated_by"] = merged["last_actor"].fillna("")[touched_later].to_numpy()

    active = set(earlier["record_id"])
    existed = (out["created_at"] < end) | out["record_id"].isin(active)
    alive = out.loc[existed, "dialogue_id"].unique()
    return out[out["dialogue_id"].isin(alive)].reset_index(drop=True)


def phase_history(events: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """Events joined with their phase, newest first: what changed, from what to what, by whom."""
    phases = records[["record_id", "dialogue_id", "phase_position", "phase"]]
    joined = events.merge(phases, on="record_id", how="inner")
    columns = ["at", "phase_position", "phase", "field", "old_value", "new_value", "actor"]
    return joined.sort_values(["at", "event_id"], ascending=False).loc[:, columns]


def names(records: pd.DataFrame) -> tuple[list[str], list[str]]:
    """City names in relay order and phase names in phase order (the filters' options)."""
    positions = records["phase_position"].to_numpy()
    _, first = np.unique(positions, return_index=True)
    return records["city"].unique().tolist(), records["phase"].array.take(first).tolist()


def select_records(
    records: pd.DataFrame,
    cities: tuple[str, ...] = (),
    phases: tuple[str, ...] = (),
    statuses: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Phase records in the chosen cities, phases and statuses; an empty choice means all."""
    return _select(records, {"city": cities, "phase": phases, "status": statuses})


def select_dialogues(
    summary: pd.DataFrame,
    cities: tuple[str, ...] = (),
    phases: tuple[str, ...] = (),
    statuses: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Dialogues (summarise rows) in the chosen cities whose current phase and status match."""
    return _select(summary, {"city": cities, "current_phase": phases, "current_status": statuses})


def _select(frame: pd.DataFrame, choices: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """Rows whose value in each column is one of its choices; an empty choice means all."""
    mask = pd.Series(True, index=frame.index)
    for column, chosen in choices.items():
        if chosen:
            mask &= frame[column].isin(chosen)
    return frame[mask]


def date_range(records: pd.DataFrame, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first day anything happened in the relay, and today: the span of time travel."""
    columns = ["created_at", "planned_start", "actual_start"]
    first = records[columns].min().min() if not records.empty else pd.NaT
    start = first.date() if pd.notna(first) else today
    return min(start, today), today


def apply_change(
    session: Session, record: PhaseRecord, at: dt.datetime, actor: str, **fields: object
) -> PhaseRecord:
    """Set fields on ``record`` at moment ``at`` and log one StatusEvent per changed field.

    For seeding and test data; user saves go through estafette.updates (validation, locking).
    """
    for field, new in fields.items():
        old = getattr(record, field)
        if old == new:
            continue
        setattr(record, field, new)
        session.add(
            StatusEvent(
                record=record,
                at=at,
                actor=actor,
                field=field,
                old_value=event_text(old),
                new_value=event_text(new),
            )
        )
    record.updated_at = at
    record.updated_by = actor
    session.flush()
    return record


@dataclass(frozen=True)
class HistoryEntry:
    """One StatusEvent of a dialogue's history, as plain data."""

    at: dt.datetime
    actor: str
    phase_name: str
    position: int
    field: str
    old_value: str | None
    new_value: str | None


def dialogue_history(session: Session, dialogue_id: int) -> list[HistoryEntry]:
    """Every StatusEvent of a dialogue, newest first."""
    # Plain columns, not StatusEvent objects: the status page reads this after every save.
    stmt = (
        select(
            StatusEvent.at,
            StatusEvent.actor,
            Phase.name,
            Phase.position,
            StatusEvent.field,
            StatusEvent.old_value,
            StatusEvent.new_value,
        )
        .join(StatusEvent.record)
        .join(PhaseRecord.phase)
        .where(PhaseRecord.dialogue_id == dialogue_id)
        .order_by(StatusEvent.at.desc(), StatusEvent.id.desc())
    )
    return [HistoryEntry(*row) for row in session.execute(stmt)]
