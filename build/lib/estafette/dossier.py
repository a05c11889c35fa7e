"""Everything about one leg: a city's dossier and a dialogue's, as plain data for the Stad page.

Archived cities and dialogues keep their dossier (history, hand-overs, lessons); the dossier says
they are archived instead of hiding them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from estafette import cities, history, relay
from estafette.models import City, Dialogue, Role, User, user_city


@dataclass(frozen=True)
class DialogueSummary:
    """A dialogue with its current phase and progress."""

    id: int
    city_id: int
    city: str
    leg: int
    neighbourhood: str
    theme: str
    central_question: str
    latitude: float | None
    longitude: float | None
    is_demo: bool
    archived: bool
    current_phase: str
    current_phase_code: str
    current_status: str
    completed: int
    total: int


@dataclass(frozen=True)
class CityDossier:
    """One city: its details, dialogues, hand-overs and city leads (names only)."""

    id: int
    name: str
    province: str
    latitude: float
    longitude: float
    leg: int
    joined_on: dt.date
    archived: bool
    dialogues: tuple[DialogueSummary, ...]
    handovers_received: tuple[relay.HandoverInfo, ...]
    handovers_given: tuple[relay.HandoverInfo, ...]
    leads: tuple[str, ...]


def find_city(session: Session, name: str) -> City | None:
    """The city called ``name`` (ignoring case and surrounding spaces)."""
    return session.scalar(select(City).where(func.lower(City.name) == name.strip().lower()))


def city_leads(session: Session, city_id: int) -> tuple[str, ...]:
    """Names of the active city leads of a city (no e-mail addresses)."""
    stmt = (
        select(User.name)
        .join(user_city, user_city.c.user_id == User.id)
        .where(
            user_city.c.city_id == city_id,
            User.role == Role.CITY_LEAD.value,
            User.active,
            User.name != "",
        )
        .order_by(User.name)
    )
    return tuple(session.scalars(stmt))


def _summaries(session: Session, city_id: int) -> tuple[DialogueSummary, ...]:
    records = history.records_frame(session, include_archived=True)
    records = records[records["city_id"] == city_id]
    summary = cities.summarise(records)
    codes = dict(zip(records["phase"], records["phase_code"], strict=False))
    rows = {int(r.dialogue_id): r for r in summary.itertuples()}
    out = []
    stmt = select(Dialogue).where(Dialogue.city_id == city_id).order_by(Dialogue.id)
    for d in session.scalars(stmt):
        row = rows.get(d.id)
        out.append(
            DialogueSummary(
                id=d.id,
                city_id=d.city_id,
                city=d.city.name,
                leg=d.city.leg,
                neighbourhood=d.neighbourhood or "",
                theme=d.theme or "",
                central_question=d.central_question or "",
                latitude=d.latitude,
                longitude=d.longitude,
                is_demo=d.is_demo,
                archived=d.archived_at is not None or d.city.archived_at is not None,
                current_phase=row.current_phase if row is not None else "",
                current_phase_code=codes.get(row.current_phase, "") if row is not None else "",
                current_status=row.current_status if row is not None else "",
                completed=int(row.completed) if row is not None else 0,
                total=int(row.total) if row is not None else 0,
            )
        )
    return tuple(out)


def city_dossier(session: Session, name: str, with_leads: bool) -> CityDossier | None:
    """Everything about the city called ``name``; leads only when ``with_leads`` (signed in)."""
    city = find_city(session, name)
    if city is None:
        return None
    summaries = _summaries(session, city.id)
    own = {d.id for d in summaries}
    every = relay.handovers(session)
    return CityDossier(
        id=city.id,
        name=city.name,
        province=city.province,
        latitude=city.latitude,
        longitude=city.longitude,
        leg=city.leg,
        joined_on=city.joined_on,
        archived=city.archived_at is not None,
        dialogues=summaries,
        handovers_received=tuple(h for h in every if h.to_city_id == city.id),
        handovers_given=tuple(h for h in every if h.from_dialogue_id in own),
        leads=city_leads(session, city.id) if with_leads else (),
    )


def dialogue_summary(session: Session, dialogue_id: int) -> DialogueSummary | None:
    """One dialogue with its current phase and progress (None when it does not exist)."""
    dialogue = session.get(Dialogue, dialogue_id)
    if dialogue is None:
        return None
    return next(d for d in _summaries(session, dialogue.city_id) if d.id == dialogue_id)


def city_records(session: Session, city_id: int, dialogue_id: int | None = None) -> pd.DataFrame:
    """The phase records of one city (or one of its dialogues), archived ones included."""
    records = history.records_frame(session, include_archived=True)
    records = records[records["city_id"] == city_id]
    if dialogue_id is not None:
        records = records[records["dialogue_id"] == dialogue_id]
    return records.reset_index(drop=True)
