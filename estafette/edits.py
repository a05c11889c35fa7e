"""Editing and archiving cities and dialogues (coordinators), every change in the history.

Archived cities and dialogues leave the dashboards (history.records_frame skips them) but keep
their phase history, hand-overs and lessons; restoring brings everything back. Each changed
field, archive and restore appends a RelayEvent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from estafette.accounts import Action, Actor, require
from estafette.errors import DomainError
from estafette.models import City, Dialogue, RelayEvent, event_text, utcnow

ARCHIVED_FIELD = "archived"
MAX_NAME = 120
MAX_THEME = 200


class EditError(DomainError, ValueError):
    """Invalid edit; ``code`` is the translation key suffix (``edit.error.<code>``)."""

    prefix = "edit.error"


def _log(
    session: Session,
    actor: Actor,
    city_id: int,
    dialogue_id: int | None,
    changes: dict[str, tuple[object, object]],
    at: dt.datetime | None = None,
) -> None:
    at = at or utcnow()
    for name, (old, new) in changes.items():
        session.add(
            RelayEvent(
                city_id=city_id,
                dialogue_id=dialogue_id,
                at=at,
                actor=actor.label,
                field=name,
                old_value=event_text(old),
                new_value=event_text(new),
            )
        )


def _apply(target: object, wanted: dict[str, object]) -> dict[str, tuple[object, object]]:
    changes = {}
    for name, new in wanted.items():
        old = getattr(target, name)
        if old != new:
            setattr(target, name, new)
            changes[name] = (old, new)
    return changes


def _coordinates(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise EditError("coordinates_incomplete")
    if (
        latitude is not None
        and longitude is not None
        and not (-90 <= latitude <= 90 and -180 <= longitude <= 180)
    ):
        raise EditError("coordinates_invalid")


def _city(session: Session, city_id: int) -> City:
    city = session.get(City, city_id)
    if city is None:
        raise EditError("city_unknown")
    return city


def _dialogue(session: Session, dialogue_id: int) -> Dialogue:
    dialogue = session.get(Dialogue, dialogue_id)
    if dialogue is None:
        raise EditError("dialogue_unknown")
    return dialogue


def edit_city(
    session: Session,
    actor: Actor,
    city_id: int,
    *,
    name: str,
    province: str,
    latitude: float,
    longitude: float,
    leg: int,
) -> list[str]:
    """Change a city's details (coordinators only); returns the changed field names."""
    require(actor, Action.EDIT_RELAY)
    city = _city(session, city_id)
    name = name.strip()
    if not name:
        raise EditError("name_required")
    if len(name) > MAX_NAME:
        raise EditError("name_too_long")
    same_name = select(City.id).where(func.lower(City.name) == name.lower(), City.id != city.id)
    if session.scalar(same_name) is not None:
        raise EditError("city_exists", name=name)
    _coordinates(latitude, longitude)
    if leg < 1:
        raise EditError("leg_invalid")
    if session.scalar(select(City.id).where(City.leg == leg, City.id != city.id)) is not None:
        raise EditError("leg_taken", leg=leg)
    changes = _apply(
        city,
        {
            "name": name,
            "province": province.strip(),
            "latitude": float(latitude),
            "longitude": float(longitude),
            "leg": int(leg),
        },
    )
    _log(session, actor, city.id, None, changes)
    session.flush()
    return list(changes)


def edit_dialogue(
    session: Session,
    actor: Actor,
    dialogue_id: int,
    *,
    neighbourhood: str,
    theme: str,
    central_question: str,
    latitude: float | None = None,
    longitude: float | None = None,
) -> list[str]:
    """Change a dialogue's details (coordinators only); no coordinates: at the city's own."""
    require(actor, Action.EDIT_RELAY)
    dialogue = _dialogue(session, dialogue_id)
    hood = neighbourhood.strip() or None
    if hood is not None and len(hood) > MAX_NAME:
        raise EditError("name_too_long")
    if len(theme.strip()) > MAX_THEME:
        raise EditError("theme_too_long")
    _coordinates(latitude, longitude)
    same = select(Dialogue.id).where(
        Dialogue.city_id == dialogue.city_id,
        Dialogue.id != dialogue.id,
        Dialogue.neighbourhood.is_(None) if hood is None else (Dialogue.neighbourhood == hood),
    )
    if session.scalar(same) is not None:
        raise EditError("dialogue_exists", neighbourhood=hood or "")
    changes = _apply(
        dialogue,
        {
            "neighbourhood": hood,
            "theme": theme.strip() or None,
            "central_question": central_question.strip() or None,
            "latitude": None if latitude is None else float(latitude),
            "longitude": None if longitude is None else float(longitude),
        },
    )
    _log(session, actor, dialogue.city_id, dialogue.id, changes)
    session.flush()
    return list(changes)


def _set_archived(session: Session, actor: Actor, target: City | Dialogue, archived: bool) -> None:
    require(actor, Action.ARCHIVE)
    if (target.archived_at is not None) == archived:
        raise EditError("already_archived" if archived else "not_archived")
    now = utcnow()
    target.archived_at = now if archived else None
    city_id = target.id if isinstance(target, City) else target.city_id
    dialogue_id = None if isinstance(target, City) else target.id
    _log(
        session,
        actor,
        city_id,
        dialogue_id,
        {ARCHIVED_FIELD: ("nee" if archived else "ja", "ja" if archived else "nee")},
        now,
    )
    session.flush()


def archive_city(session: Session, actor: Actor, city_id: int) -> None:
    """Take a city (with its dialogues) off the dashboards; history and lessons stay."""
    _set_archived(session, actor, _city(session, city_id), True)


def restore_city(session: Session, actor: Actor, city_id: int) -> None:
    """Bring an archived city back onto the dashboards."""
    _set_archived(session, actor, _city(session, city_id), False)


def archive_dialogue(session: Session, actor: Actor, dialogue_id: int) -> None:
    """Take a dialogue off the dashboards; history and lessons stay."""
    _set_archived(session, actor, _dialogue(session, dialogue_id), True)


def restore_dialogue(session: Session, actor: Actor, dialogue_id: int) -> None:
    """Bring an archived dialogue back onto the dashboards."""
    _set_archived(session, actor, _dialogue(session, dialogue_id), False)


@dataclass(frozen=True)
class EditEvent:
    """One edit, archive or restore of a city or dialogue, as plain data."""

    at: dt.datetime
    actor: str
    dialogue_id: int | None
    field: str
    old_value: str | None
    new_value: str | None


def edit_history(session: Session, city_id: int, dialogue_id: int | None = None) -> list[EditEvent]:
    """Edits of a city and its dialogues (or of one dialogue only), newest first."""
    stmt = select(RelayEvent).where(RelayEvent.city_id == city_id)
    if dialogue_id is not None:
        stmt = stmt.where(RelayEvent.dialogue_id == dialogue_id)
    rows = session.scalars(stmt.order_by(RelayEvent.at.desc(), RelayEvent.id.desc()))
    return [
        EditEvent(e.at, e.actor, e.dialogue_id, e.field, e.old_value, e.new_value) for e in rows
    ]
