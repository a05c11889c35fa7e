"""Growing the relay: new cities (CBS municipality list), new dialogues and passing the baton."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from estafette import audit, gazetteer, textfields
from estafette.accounts import Action, Actor, require
from estafette.cities import create_dialogue
from estafette.errors import DomainError
from estafette.logs import log_event
from estafette.models import City, Dialogue, Handover, Phase, PhaseRecord, Status, utcnow

# What a city hands over with the baton; the keys are stored, the labels are translated.
CHECKLIST: tuple[str, ...] = (
    "lessons_shared",
    "materials_handed_over",
    "contacts_introduced",
    "visit_planned",
    "leergang_informed",
)
FINAL_PHASE_CODE = "vervolgen"


class RelayError(DomainError):
    """Invalid relay input; ``code`` is the translation key suffix (``relay.error.<code>``)."""

    prefix = "relay.error"


# A place offered when adding a city: a municipality of the official CBS list.
Place = gazetteer.Municipality


def lookup_place(query: str, limit: int = 10) -> list[Place]:
    """Municipalities matching ``query``: exact names and aliases first, then prefixes."""
    return gazetteer.lookup(query, limit)


def find_place(name: str) -> Place | None:
    """The municipality called exactly ``name`` (ignoring case and accents), if unique."""
    return gazetteer.find(name)


def next_leg(session: Session) -> int:
    """The leg number the next city gets."""
    return (session.scalar(select(func.max(City.leg))) or 0) + 1


def add_city(
    session: Session,
    actor: Actor,
    *,
    name: str,
    latitude: float | None = None,
    longitude: float | None = None,
    province: str | None = None,
    joined_on: dt.date | None = None,
) -> City:
    """Add a city as the next leg (coordinators only); coordinates from the gazetteer or given."""
    require(actor, Action.MANAGE_CITIES)
    name = textfields.check("name", name).strip()
    province = textfields.check("province", province) or None
    if not name:
        raise RelayError("name_required")
    if session.scalar(select(City.id).where(func.lower(City.name) == name.lower())):
        raise RelayError("city_exists", name=name)
    place = find_place(name)
    if latitude is None or longitude is None:
        if place is None:
            raise RelayError("place_unknown", name=name)
        latitude = place.latitude if latitude is None else latitude
        longitude = place.longitude if longitude is None else longitude
    # Manual coordinates override the gazetteer; the province still comes from it if known.
    province = province or (place.province if place else "")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise RelayError("coordinates_invalid")
    city = City(
        name=name,
        province=(province or "").strip(),
        latitude=float(latitude),
        longitude=float(longitude),
        leg=next_leg(session),
        joined_on=joined_on or utcnow().date(),
    )
    session.add(city)
    session.flush()
    log_event("city_added", actor=actor.email, city=city.name, leg=city.leg)
    audit.record(session, actor, "city_add", city.name, f"leg={city.leg}")
    return city


def add_dialogue(
    session: Session,
    actor: Actor,
    *,
    city_id: int,
    neighbourhood: str | None = None,
    theme: str | None = None,
    central_question: str | None = None,
) -> Dialogue:
    """Add a dialogue (with its five phase records) to a city (coordinators only)."""
    require(actor, Action.MANAGE_DIALOGUES)
    city = session.get(City, city_id)
    if city is None:
        raise RelayError("city_unknown", city=city_id)
    texts = textfields.check_all(
        neighbourhood=neighbourhood, theme=theme, central_question=central_question
    )
    neighbourhood, theme, central_question = texts.values()
    hood = (neighbourhood or "").strip() or None
    same = select(Dialogue.id).where(Dialogue.city_id == city_id)
    same = same.where(
        Dialogue.neighbourhood.is_(None) if hood is None else (Dialogue.neighbourhood == hood)
    )
    if session.scalar(same) is not None:
        raise RelayError("dialogue_exists", city=city.name, neighbourhood=hood or "")
    audit.record(session, actor, "dialogue_add", f"{city.name} · {hood or '-'}")
    return create_dialogue(
        session,
        city,
        neighbourhood=hood,
        theme=(theme or "").strip() or None,
        central_question=(central_question or "").strip() or None,
    )


def reached_final_phase(session: Session, dialogue_id: int) -> bool:
    """Whether the dialogue has started (or finished) Vervolgen."""
    stmt = (
        select(PhaseRecord.status)
        .join(PhaseRecord.phase)
        .where(PhaseRecord.dialogue_id == dialogue_id, Phase.code == FINAL_PHASE_CODE)
    )
    return session.scalar(stmt) in {Status.BEZIG.value, Status.AFGEROND.value}


def record_handover(
    session: Session,
    actor: Actor,
    *,
    from_dialogue_id: int,
    to_city_id: int,
    handed_over_on: dt.date,
    note: str = "",
    checklist: dict[str, bool] | None = None,
    today: dt.date | None = None,
) -> Handover:
    """Pass the baton from a dialogue in Vervolgen to the next city (coordinators only)."""
    require(actor, Action.RECORD_HANDOVER)
    note = textfields.check("note", note)
    today = today or utcnow().date()
    dialogue = session.get(Dialogue, from_dialogue_id)
    if dialogue is None:
        raise RelayError("dialogue_unknown", dialogue=from_dialogue_id)
    target = session.get(City, to_city_id)
    if target is None:
        raise RelayError("city_unknown", city=to_city_id)
    if target.id == dialogue.city_id:
        raise RelayError("same_city")
    if not reached_final_phase(session, dialogue.id):
        raise RelayError("not_in_final_phase")
    if handed_over_on > today:
        raise RelayError("date_in_future")
    unknown = set(checklist or {}) - set(CHECKLIST)
    if unknown:
        raise RelayError("checklist_unknown", items=", ".join(sorted(unknown)))
    handover = Handover(
        from_dialogue_id=dialogue.id,
        to_city_id=target.id,
        handed_over_on=handed_over_on,
        note=note.strip(),
        checklist={item: bool((checklist or {}).get(item, False)) for item in CHECKLIST},
        recorded_by=actor.label,
        recorded_at=utcnow(),
    )
    session.add(handover)
    audit.record(session, actor, "handover", f"{dialogue.city.name} → {target.name}")
    session.flush()
    return handover


@dataclass(frozen=True)
class HandoverInfo:
    """A hand-over as plain data, for the map (a line between cities) and the timeline."""

    id: int
    handed_over_on: dt.date
    from_dialogue_id: int
    from_city: str
    from_neighbourhood: str
    from_latitude: float
    from_longitude: float
    to_city_id: int
    to_city: str
    to_latitude: float
    to_longitude: float
    note: str
    checklist: dict[str, bool]
    recorded_by: str


def handovers(session: Session) -> list[HandoverInfo]:
    """Every hand-over in date order."""
    stmt = (
        select(Handover, Dialogue, City)
        .join(Dialogue, Handover.from_dialogue_id == Dialogue.id)
        .join(City, Handover.to_city_id == City.id)
        .options(selectinload(Dialogue.city))
        .order_by(Handover.handed_over_on, Handover.id)
    )
    result = []
    for handover, dialogue, target in session.execute(stmt):
        lat, lon = dialogue.location
        result.append(
            HandoverInfo(
                id=handover.id,
                handed_over_on=handover.handed_over_on,
                from_dialogue_id=dialogue.id,
                from_city=dialogue.city.name,
                from_neighbourhood=dialogue.neighbourhood or "",
                from_latitude=lat,
                from_longitude=lon,
                to_city_id=target.id,
                to_city=target.name,
                to_latitude=target.latitude,
                to_longitude=target.longitude,
                note=handover.note,
                checklist=dict(handover.checklist or {}),
                recorded_by=handover.recorded_by,
            )
        )
    return result


def next_city(session: Session, dialogue_id: int) -> int | None:
    """The city of the relay's next leg after the dialogue's city (None after the last leg)."""
    leg = session.scalar(
        select(City.leg)
        .join(Dialogue, Dialogue.city_id == City.id)
        .where(Dialogue.id == dialogue_id)
    )
    if leg is None:
        return None
    return session.scalar(select(City.id).where(City.leg > leg).order_by(City.leg).limit(1))


def handover_candidates(session: Session) -> list[tuple[int, str]]:
    """Dialogues that reached Vervolgen, as (id, label) for the hand-over form."""
    stmt = (
        select(Dialogue)
        .join(Dialogue.city)
        .join(Dialogue.records)
        .join(PhaseRecord.phase)
        .where(
            Phase.code == FINAL_PHASE_CODE,
            PhaseRecord.status.in_([Status.BEZIG.value, Status.AFGEROND.value]),
        )
        .options(selectinload(Dialogue.city))
        .order_by(City.leg, Dialogue.id)
    )
    return [
        (d.id, f"{d.city.name} · {d.neighbourhood}" if d.neighbourhood else d.city.name)
        for d in session.scalars(stmt)
    ]
