"""Calendar feed: planned phase dates as .ics, one event per planned phase, per city or all."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from estafette import calendar_feed, cli, edits, seed
from estafette.accounts import SYSTEM
from estafette.models import City, Dialogue
from tests.factories import change, make_dialogue, phase

AT = dt.datetime(2025, 1, 6, 9, 0)


def _events(data: bytes) -> list[icalendar.Event]:
    cal = icalendar.Calendar.from_ical(data)
    return list(cal.walk("VEVENT"))


def test_one_event_per_planned_phase(engine: Engine) -> None:
    seed.add_demo(engine, today=dt.date(2025, 6, 1))
    with Session(engine) as session:
        planned = calendar_feed.planned_records(session)
        data = calendar_feed.build(session, base_url="https://estafette.example.nl/")
    assert len(planned) == 15  # three demo dialogues with five planned phases each
    events = _events(data)
    assert len(events) == len(planned)
    assert len({str(e["uid"]) for e in events}) == len(events)
    first = planned[0]
    (event,) = [
        e for e in events if str(e["uid"]).startswith(f"estafette-phase-record-{first.id}@")
    ]
    assert event.decoded("dtstart") == first.planned_start
    # All-day events end the day after the last day (exclusive end).
    assert event.decoded("dtend") == first.planned_end + dt.timedelta(days=1)
    assert first.phase.name in str(event["summary"])
    assert str(event["url"]) == f"https://estafette.example.nl/stad?dialoog={first.dialogue_id}"


def test_per_city_and_half_planned_phases(session: Session) -> None:
    city = session.query(City).filter_by(name="Utrecht").one()
    dialogue = make_dialogue(session, city, neighbourhood="Kanaleneiland")
    change(session, phase(dialogue, 1), AT, "Test", planned_start=dt.date(2025, 3, 1))
    change(session, phase(dialogue, 2), AT, "Test", planned_end=dt.date(2025, 5, 31))
    other = make_dialogue(session, session.query(City).filter_by(name="Deventer").one())
    change(session, phase(other, 1), AT, "Test", planned_start=dt.date(2025, 2, 1))
    session.commit()
    events = _events(calendar_feed.build(session, "utrecht", language="en"))
    assert sorted(e.decoded("dtstart") for e in events) == [
        dt.date(2025, 3, 1),
        dt.date(2025, 5, 31),
    ]
    assert all("Kanaleneiland" in str(e["summary"]) for e in events)
    assert all("Leg 2" in str(e["description"]) for e in events)
    assert len(_events(calendar_feed.build(session))) == 3
    edits.archive_dialogue(session, SYSTEM, other.id)
    session.commit()
    assert len(_events(calendar_feed.build(session))) == 2
    with pytest.raises(calendar_feed.CalendarError):
        calendar_feed.build(session, "Atlantis")


def test_calendar_cli(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.factories import seeded_engine

    engine = seeded_engine(db_url)
    seed.add_demo(engine, today=dt.date(2025, 6, 1))
    with Session(engine) as session:
        utrecht_ids = {
            d.id for d in session.query(Dialogue).join(City).filter(City.name == "Utrecht")
        }
    engine.dispose()
    out = tmp_path / "utrecht.ics"
    assert cli.main(["--database-url", db_url, "calendar", str(out), "--city", "Utrecht"]) == 0
    events = _events(out.read_bytes())
    assert len(events) == 5
    assert all("Utrecht" in str(e["location"]) for e in events)
    assert utrecht_ids
    assert (
        cli.main(
            ["--database-url", db_url, "calendar", str(tmp_path / "x.ics"), "--city", "Atlantis"]
        )
        == 1
    )
    assert "Atlantis" in capsys.readouterr().err
    assert not (tmp_path / "x.ics").exists()
    assert cli.main(["--database-url", db_url, "calendar", str(tmp_path / "x.txt")]) == 1


def test_feed_address_and_names_that_look_like_patterns(session: Session) -> None:
    assert calendar_feed.feed_path() == "/agenda.ics?lang=nl"
    assert calendar_feed.feed_path("Súdwest-Fryslân", "en") == (
        "/agenda.ics?stad=S%C3%BAdwest-Frysl%C3%A2n&lang=en"
    )
    assert calendar_feed.feed_path("Utrecht", "fr") == "/agenda.ics?stad=Utrecht&lang=nl"
    # The name from an address is compared, not matched as a LIKE pattern.
    for pattern in ("%", "Utrech_", "U%"):
        with pytest.raises(calendar_feed.CalendarError):
            calendar_feed.build(session, pattern)
    assert calendar_feed.build(session, " UTRECHT ")
