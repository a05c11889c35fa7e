"""Growing the relay: gazetteer lookup, new cities and dialogues, passing the baton."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from estafette import relay
from estafette.accounts import SYSTEM
from estafette.models import City, Dialogue, Phase, PhaseRecord


def test_gazetteer_finds_dutch_places_offline() -> None:
    zwolle = relay.lookup_place("zwolle")[0]
    assert (zwolle.name, zwolle.province) == ("Zwolle", "Overijssel")
    assert zwolle.latitude == pytest.approx(52.5, abs=0.1)
    assert zwolle.longitude == pytest.approx(6.1, abs=0.1)
    # Accents and case do not matter; Dutch alternate names are found too.
    assert relay.lookup_place("DEN HAAG")[0].province == "Zuid-Holland"
    assert relay.lookup_place("'s-Hertogenbosch")[0].province == "Noord-Brabant"
    assert relay.lookup_place("Leeuw")  # a prefix: Leeuwarden
    assert relay.lookup_place("Xyzzyville") == []
    assert relay.lookup_place("a") == []


def test_add_city_gets_next_leg_and_gazetteer_coordinates(session: Session) -> None:
    city = relay.add_city(session, SYSTEM, name="Zwolle", joined_on=dt.date(2020, 1, 1))
    assert (city.leg, city.province) == (4, "Overijssel")
    assert city.latitude == pytest.approx(52.51, abs=0.05)
    manual = relay.add_city(
        session, SYSTEM, name="Kleindorp", latitude=52.0, longitude=5.0, province="Utrecht"
    )
    assert (manual.leg, manual.latitude, manual.longitude) == (5, 52.0, 5.0)
    # A manual override beats the gazetteer.
    moved = relay.add_city(session, SYSTEM, name="Almere", latitude=52.4, longitude=5.2)
    assert (moved.latitude, moved.longitude, moved.province) == (52.4, 5.2, "Flevoland")
    for kwargs, code in (
        ({"name": "Deventer"}, "city_exists"),
        ({"name": "Nergenshuizen"}, "place_unknown"),
        ({"name": " "}, "name_required"),
        ({"name": "Ver weg", "latitude": 120.0, "longitude": 5.0}, "coordinates_invalid"),
    ):
        with pytest.raises(relay.RelayError) as info:
            relay.add_city(session, SYSTEM, **kwargs)
        assert info.value.code == code


def test_add_dialogue_creates_five_records(session: Session) -> None:
    utrecht = session.scalar(select(City).where(City.name == "Utrecht"))
    dialogue = relay.add_dialogue(
        session, SYSTEM, city_id=utrecht.id, neighbourhood=" Overvecht ", theme="Samen"
    )
    assert dialogue.neighbourhood == "Overvecht"
    assert [r.status for r in dialogue.records] == ["niet gestart"] * 5
    with pytest.raises(relay.RelayError) as info:
        relay.add_dialogue(session, SYSTEM, city_id=utrecht.id, neighbourhood="Overvecht")
    assert info.value.code == "dialogue_exists"
    with pytest.raises(relay.RelayError):
        relay.add_dialogue(session, SYSTEM, city_id=999)


def _reach_vervolgen(session: Session, city: str) -> int:
    record = session.scalar(
        select(PhaseRecord)
        .join(PhaseRecord.dialogue)
        .join(Dialogue.city)
        .join(PhaseRecord.phase)
        .where(City.name == city, Phase.code == "vervolgen")
    )
    record.status = "bezig"
    session.flush()
    return record.dialogue_id


def test_handover_only_from_vervolgen(session: Session) -> None:
    deventer = session.scalar(
        select(Dialogue.id).join(Dialogue.city).where(City.name == "Deventer")
    )
    utrecht = session.scalar(select(City.id).where(City.name == "Utrecht"))
    kwargs = {"to_city_id": utrecht, "handed_over_on": dt.date(2021, 5, 1)}
    with pytest.raises(relay.RelayError) as info:
        relay.record_handover(session, SYSTEM, from_dialogue_id=deventer, **kwargs)
    assert info.value.code == "not_in_final_phase"
    assert relay.handover_candidates(session) == []
    _reach_vervolgen(session, "Deventer")
    assert relay.handover_candidates(session) == [(deventer, "Deventer")]
    handover = relay.record_handover(
        session,
        SYSTEM,
        from_dialogue_id=deventer,
        note="Lessen en contacten overgedragen",
        checklist={"lessons_shared": True, "contacts_introduced": True},
        **kwargs,
    )
    assert handover.checklist == {
        item: item in {"lessons_shared", "contacts_introduced"} for item in relay.CHECKLIST
    }
    (info_,) = relay.handovers(session)
    assert (info_.from_city, info_.to_city, info_.handed_over_on) == (
        "Deventer",
        "Utrecht",
        dt.date(2021, 5, 1),
    )
    assert info_.from_latitude == pytest.approx(52.255) and info_.to_latitude == pytest.approx(
        52.0907
    )
    for extra, code in (
        (
            {"to_city_id": session.scalar(select(City.id).where(City.name == "Deventer"))},
            "same_city",
        ),
        ({"handed_over_on": dt.date.today() + dt.timedelta(days=3)}, "date_in_future"),
        ({"checklist": {"cake": True}}, "checklist_unknown"),
        ({"to_city_id": 999}, "city_unknown"),
    ):
        with pytest.raises(relay.RelayError) as info:
            relay.record_handover(session, SYSTEM, from_dialogue_id=deventer, **{**kwargs, **extra})
        assert info.value.code == code
