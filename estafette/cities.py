"""Cities and their dialogues: the legs of the relay and the city × phase overview."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from estafette.models import City, Dialogue, Phase, PhaseRecord
from estafette.phases import completed_count, current_position


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


def _dialogues(session: Session) -> list[Dialogue]:
    stmt = (
        select(Dialogue)
        .join(Dialogue.city)
        .options(
            selectinload(Dialogue.city),
            selectinload(Dialogue.records).selectinload(PhaseRecord.phase),
        )
        .order_by(City.leg, Dialogue.id)
    )
    return list(session.scalars(stmt))


def overview(session: Session) -> pd.DataFrame:
    """One row per dialogue: city, neighbourhood, each phase's status, current phase, progress."""
    phases = session.scalars(select(Phase).order_by(Phase.position)).all()
    rows = []
    for dialogue in _dialogues(session):
        by_phase = {r.phase.position: r for r in dialogue.records}
        statuses = [by_phase[p.position].status for p in phases if p.position in by_phase]
        current = phases[current_position(statuses)] if statuses else None
        row: dict[str, object] = {
            "dialogue_id": dialogue.id,
            "leg": dialogue.city.leg,
            "city": dialogue.city.name,
            "neighbourhood": dialogue.neighbourhood or "",
            "theme": dialogue.theme or "",
            "is_demo": dialogue.is_demo,
            "current_phase": current.name if current else "",
            "current_status": statuses[current.position - 1] if current else "",
            "completed": completed_count(statuses),
            "total": len(phases),
        }
        for phase in phases:
            record = by_phase.get(phase.position)
            row[phase.name] = record.status if record else ""
        rows.append(row)
    columns = [*OVERVIEW_FIXED, *[p.name for p in phases]]
    return pd.DataFrame(rows, columns=columns)


STATUS_SYMBOLS = {"niet gestart": "○", "bezig": "◐", "afgerond": "●", "gepauzeerd": "⏸"}


def status_key(status: str) -> str:
    """The translation key of a status value."""
    return "status." + status.replace(" ", "_")


def matrix_table(frame: pd.DataFrame, label: Callable[..., str]) -> pd.DataFrame:
    """The overview as a display table: translated headers and status cells with a symbol."""
    phase_columns = [c for c in frame.columns if c not in OVERVIEW_FIXED]
    undecided = label("overview.undecided")
    table = pd.DataFrame(
        {
            label("overview.col_city"): frame["city"],
            label("overview.col_neighbourhood"): frame["neighbourhood"].replace("", undecided),
        }
    )
    for phase in phase_columns:
        table[phase] = [f"{STATUS_SYMBOLS.get(s, '')} {label(status_key(s))}" for s in frame[phase]]
    table[label("overview.col_progress")] = [
        label("overview.progress_value", done=d, total=t)
        for d, t in zip(frame["completed"], frame["total"], strict=True)
    ]
    return table.set_index(label("overview.col_city"))


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
