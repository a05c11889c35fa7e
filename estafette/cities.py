"""Cities and their dialogues: the legs of the relay and the city × phase overview."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from estafette import formatting, frames
from estafette.models import DATE_FIELDS, City, Dialogue, Phase, PhaseRecord, Status
from estafette.phases import STATUSES


def create_dialogue(
    session: Session,
    city: City,
    *,
    neighbourhood: str | None = None,
    theme: str | None = None,
    central_question: str | None = None,
    is_demo: bool = False,
    created_at: dt.datetime | None = None,
) -> Dialogue:
    """Create a dialogue in ``city`` with one 'niet gestart' record per phase."""
    phases = session.scalars(select(Phase).order_by(Phase.position)).all()
    dialogue = Dialogue(
        city=city,
        neighbourhood=neighbourhood,
        theme=theme,
        central_question=central_question,
        is_demo=is_demo,
    )
    if created_at is not None:
        dialogue.created_at = created_at
    dialogue.records = [PhaseRecord(phase=phase) for phase in phases]
    session.add(dialogue)
    session.flush()
    return dialogue


@dataclass(frozen=True)
class CityInfo:
    """A city as plain data."""

    id: int
    name: str
    province: str
    latitude: float
    longitude: float
    leg: int
    joined_on: dt.date


def list_cities(session: Session) -> list[CityInfo]:
    """All cities in relay order."""
    return [
        CityInfo(c.id, c.name, c.province, c.latitude, c.longitude, c.leg, c.joined_on)
        for c in session.scalars(select(City).order_by(City.leg))
    ]


SUMMARY_EXTRA = (
    "city_id",
    "province",
    "latitude",
    "longitude",
    "current_position",
    "current_since",
    "last_update",
    "last_update_by",
)


def summarise(records: pd.DataFrame) -> pd.DataFrame:
    """Collapse phase records (see history.records_frame) to one row per dialogue, vectorised.

    Every process recomputes this after every status save, so it works on integer codes:
    pandas' pivot and merge of Arrow string columns cost several times as much.
    """
    # Phase positions in order, each named by its first record.
    positions, first_of_phase, phase_of_row = np.unique(
        records["phase_position"].to_numpy(), return_index=True, return_inverse=True
    )
    phase_names = records["phase"].array.take(first_of_phase).tolist()
    columns = [*OVERVIEW_FIXED, *SUMMARY_EXTRA, *phase_names]
    if records.empty:
        return pd.DataFrame(columns=columns)
    # Dialogues in order of their first record, each described by that record.
    dialogue_of_row, dialogue_ids = pd.factorize(records["dialogue_id"])
    count = len(dialogue_ids)
    first = np.full(count, len(records))
    np.minimum.at(first, dialogue_of_row, np.arange(len(records)))

    def base(column: str) -> Any:
        return frames.as_inferred(records[column].array.take(first))

    # The city × phase grid of row numbers (-1: no such record) and of status codes.
    row_at = np.full((count, len(positions)), -1)
    row_at[dialogue_of_row, phase_of_row] = np.arange(len(records))
    if np.count_nonzero(row_at >= 0) < len(records):
        raise ValueError("Index contains duplicate entries, cannot reshape")
    status_of_row, status_values = pd.factorize(records["status"])
    statuses = np.where(row_at >= 0, status_of_row[row_at], -1)
    present = statuses >= 0

    def code(status: Status) -> int:
        found = np.flatnonzero(np.asarray(status_values == status.value))
        return int(found[0]) if len(found) else -2

    started = present & (statuses != code(Status.NIET_GESTART))
    # The current phase is the furthest phase that has left "niet gestart" (see phases.py).
    furthest = np.where(started, positions, 0).max(axis=1)
    current = np.where(furthest > 0, furthest, positions.min())
    current_row = row_at[np.arange(count), np.searchsorted(positions, current)]

    def at_current(column: str) -> pd.Series:
        return pd.Series(records[column].array.take(current_row, allow_fill=True))

    # Records nobody touched carry their creation time; they are no "update".
    touched = np.flatnonzero((records["updated_by"] != "").to_numpy())
    # The latest touched record per dialogue, ties broken as sort_values breaks them.
    order = pd.Series(records["updated_at"].array.take(touched)).sort_values(na_position="first")
    by_time = touched[order.index.to_numpy()][::-1]
    seen, last = np.unique(dialogue_of_row[by_time], return_index=True)
    latest = np.full(count, -1)
    latest[seen] = by_time[last]

    def at_latest(column: str) -> pd.Series:
        return pd.Series(records[column].array.take(latest, allow_fill=True))

    fixed = {
        "dialogue_id": dialogue_ids.to_numpy(),
        "leg": base("leg"),
        "city": base("city"),
        "neighbourhood": base("neighbourhood"),
        "theme": base("theme"),
        "is_demo": base("is_demo"),
        "current_phase": frames.as_inferred(at_current("phase").fillna("").array),
        "current_status": frames.as_inferred(at_current("status").fillna("").array),
        "completed": (statuses == code(Status.AFGEROND)).sum(axis=1),
        "total": present.sum(axis=1),
        "city_id": base("city_id"),
        "province": base("province"),
        "latitude": base("latitude"),
        "longitude": base("longitude"),
        "current_position": current,
        "current_since": at_current("actual_start").to_numpy(),
        "last_update": at_latest("updated_at").fillna(pd.Series(base("created_at"))).to_numpy(),
        "last_update_by": frames.as_inferred(at_latest("updated_by").fillna("").array),
    }
    # Each phase's statuses, taken from the distinct values once per column; "" for no record.
    labels = pd.Index([*status_values, ""])
    statuses[~present] = len(status_values)
    by_phase = [labels.take(statuses[:, column]).array for column in range(len(phase_names))]
    if len(set(columns)) == len(columns):
        return pd.DataFrame(fixed | dict(zip(phase_names, by_phase, strict=True)))
    # A phase named like another column (or phase) overwrites it, as column assignment does.
    out = pd.DataFrame(fixed)
    for name, values in zip(phase_names, by_phase, strict=True):
        out[name] = values
    return out.loc[:, columns].reset_index(drop=True)


def city_progress(summary: pd.DataFrame) -> pd.DataFrame:
    """Phases completed per city, in relay order."""
    counted = ("dialogue_id", "completed", "total")
    if summary.empty or not all(pd.api.types.is_integer_dtype(summary[c]) for c in counted):
        # Nothing to count (or counts that may be missing): pandas' own result and dtypes.
        grouped = summary.groupby(["leg", "city"], sort=True).agg(
            dialogues=("dialogue_id", "count"),
            completed=("completed", "sum"),
            total=("total", "sum"),
        )
        grouped = grouped.reset_index()
        share = grouped["completed"] / grouped["total"].where(grouped["total"] > 0)
        grouped["share"] = share.fillna(0.0)
        return grouped
    # Recomputed after every save: codes sorted as groupby sorts its keys, sums by code.
    leg_of_row, legs = pd.factorize(summary["leg"], sort=True)
    city_of_row, names = pd.factorize(summary["city"], sort=True)
    keyed = (leg_of_row >= 0) & (city_of_row >= 0)
    groups, group_of_row = np.unique(
        leg_of_row[keyed] * len(names) + city_of_row[keyed], return_inverse=True
    )

    def total(column: str) -> np.ndarray:
        sums = np.zeros(len(groups), dtype=np.int64)
        np.add.at(sums, group_of_row, summary[column].to_numpy()[keyed])
        return sums

    completed, phases = total("completed"), total("total")
    return pd.DataFrame(
        {
            "leg": legs.take(groups // len(names)),
            "city": names.take(groups % len(names)),
            "dialogues": np.bincount(group_of_row, minlength=len(groups)),
            "completed": completed,
            "total": phases,
            "share": np.divide(completed, phases, out=np.zeros(len(groups)), where=phases > 0),
        }
    )


def relay_progress(summary: pd.DataFrame) -> tuple[int, int]:
    """Phases completed and phases in total, over the whole relay."""
    return int(summary["completed"].sum()), int(summary["total"].sum())


STATUS_SYMBOLS = {"niet gestart": "○", "bezig": "◐", "afgerond": "●", "gepauzeerd": "⏸"}


def status_key(status: str) -> str:
    """The translation key of a status value."""
    return "status." + status.replace(" ", "_")


def matrix_table(records: pd.DataFrame, label: Callable[..., str], lang: str) -> pd.DataFrame:
    """The city × phase matrix for display: one row per dialogue, status and dates per cell."""
    if records.empty:
        return pd.DataFrame()
    # A page holds a few dozen dialogues: plain Python over its records costs less than the
    # dozen pandas steps (pivot, reindex, groupbys) it replaces, each a fixed part of a ms.
    statuses = {s: f"{STATUS_SYMBOLS.get(s, '')} {label(status_key(s))}" for s in STATUSES}
    planned, no_dates = label("matrix.planned"), label("matrix.no_dates")
    # The four date columns formatted together: each distinct date once, one call.
    stamps = np.concatenate([records[field].to_numpy() for field in DATE_FIELDS])
    texts = formatting.dates(pd.Series(stamps), lang).to_numpy().reshape(len(DATE_FIELDS), -1)
    shown = dict(zip(DATE_FIELDS, texts, strict=True))
    known = {field: records[field].notna().tolist() for field in DATE_FIELDS}
    cells: dict[int, dict[int, str]] = {}
    names: dict[int, str] = {}
    first: dict[int, int] = {}
    done: dict[int, int] = {}
    columns = ("dialogue_id", "phase_position", "phase", "status")
    for row, (dialogue, position, name, status) in enumerate(
        zip(*(records[column].tolist() for column in columns), strict=True)
    ):
        first.setdefault(dialogue, row)
        names.setdefault(position, name)
        done[dialogue] = done.get(dialogue, 0) + (status == Status.AFGEROND.value)
        mine = cells.setdefault(dialogue, {})
        if position in mine:
            raise ValueError("Index contains duplicate entries, cannot reshape")
        if known["actual_start"][row] or known["actual_end"][row]:
            when = f"{shown['actual_start'][row]} → {shown['actual_end'][row]}".rstrip()
        elif known["planned_start"][row] or known["planned_end"][row]:
            when = f"{planned} {shown['planned_start'][row]} → {shown['planned_end'][row]}"
            when = when.rstrip()
        else:
            when = no_dates
        # A status without a label shows as it is; a missing one leaves the cell empty.
        mine[position] = "" if pd.isna(status) else f"{statuses.get(status, status)} · {when}"
    positions = sorted(names)
    city, hood = records["city"].tolist(), records["neighbourhood"].tolist()
    wide = pd.DataFrame(
        {i: [cells[d].get(p, "") for d in first] for i, p in enumerate(positions)},
        index=pd.Index([city[row] for row in first.values()], name=label("overview.col_city")),
    )
    wide.columns = pd.Index([names[p] for p in positions])
    # One row per dialogue, labelled by its city; the neighbourhood tells a city's rows apart.
    undecided = label("overview.undecided")
    wide.insert(
        0,
        label("overview.col_neighbourhood"),
        [undecided if hood[row] == "" else hood[row] for row in first.values()],
    )
    # A relay of 1,000 dialogues has only a few dozen distinct "3 of 5" values: translate each once.
    progress = functools.cache(lambda d, n: label("overview.progress_value", done=d, total=n))
    total = Counter(records["dialogue_id"].tolist())
    wide[label("overview.col_progress")] = [progress(done[d], total[d]) for d in first]
    return wide


OVERVIEW_FIXED = (
    "dialogue_id",
    "leg",
    "city",
    "neighbourhood",
    "theme",
    "is_demo",
    "current_phase",
    "current_status",
    "completed",
    "total",
)


def dialogue_city(session: Session, dialogue_id: int) -> str | None:
    """The name of the city a dialogue belongs to (None for an unknown id)."""
    return session.scalar(
        select(City.name)
        .join(Dialogue, Dialogue.city_id == City.id)
        .where(Dialogue.id == dialogue_id)
    )


EMPTY_CITY_COLUMNS = ("city_id", "city", "leg", "province", "latitude", "longitude", "joined_on")


def without_dialogue(session: Session, as_of: dt.date | None = None) -> pd.DataFrame:
    """Cities (that had joined by ``as_of``) without any dialogue yet, in leg order."""
    stmt = (
        select(City)
        .where(~select(Dialogue.id).where(Dialogue.city_id == City.id).exists())
        .where(City.archived_at.is_(None))
        .order_by(City.leg)
    )
    rows = [
        (c.id, c.name, c.leg, c.province, c.latitude, c.longitude, c.joined_on)
        for c in session.scalars(stmt)
        if as_of is None or c.joined_on is None or c.joined_on <= as_of
    ]
    return pd.DataFrame(rows, columns=list(EMPTY_CITY_COLUMNS))


def without_dialogue_in_view(
    session: Session, as_of: dt.date | None, city_names: tuple[str, ...], filtered: bool
) -> pd.DataFrame:
    """``without_dialogue`` in the chosen cities; none while a phase or status is filtered on.

    A city without a dialogue has no phase or status to match such a filter.
    """
    if filtered:
        return pd.DataFrame(columns=list(EMPTY_CITY_COLUMNS))
    found = without_dialogue(session, as_of)
    return found[found["city"].isin(city_names)] if city_names else found
