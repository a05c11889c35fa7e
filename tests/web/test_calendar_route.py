"""``GET /agenda.ics`` over real HTTP (Starlette's test client) on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from sqlalchemy.orm import Session

from estafette import calendar_feed, db, edits, sessions
from estafette.accounts import SYSTEM
from tests.uihelpers import session_token
from tests.web.routes import HTML, UNREACHABLE_PG, routes_client, version
from web import auth as web_auth
from web import calendar as web_calendar


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> Iterator[None]:
    # The route's engine and file caches are per process; each test brings its own database.
    web_auth._engine.cache_clear()
    web_calendar._file.cache_clear()
    yield
    web_auth._engine.cache_clear()
    web_calendar._file.cache_clear()


def _events(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def test_the_whole_relay_and_one_city(monkeypatch, db_url: str, actors) -> None:
    client = routes_client(monkeypatch, db_url, anonymous_read=True)
    response = client.get("/agenda.ics?lang=nl")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="estafette-planning.ics"'
    )
    assert response.headers["cache-control"] == "private, no-store"
    everything = _events(response.content)
    assert len(everything) == 15  # three demo dialogues with five planned phases each
    assert all("Etappe" in str(e["description"]) for e in everything)

    response = client.get(calendar_feed.feed_path("Utrecht", "en"))
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        'attachment; filename="estafette-planning-utrecht.ics"'
    )
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]).endswith("– Utrecht")
    utrecht = _events(response.content)
    assert len(utrecht) == 5
    assert all(str(e["location"]).endswith(", Utrecht") for e in utrecht)
    assert all("Leg" in str(e["description"]) for e in utrecht)
    # The city's name is matched without regard to case.
    assert len(_events(client.get("/agenda.ics?stad=utrecht").content)) == 5


def test_unknown_city_is_a_404_in_the_chosen_language(monkeypatch, db_url: str, actors) -> None:
    client = routes_client(monkeypatch, db_url, anonymous_read=True)
    response = client.get("/agenda.ics?stad=Atlantis&lang=nl")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == "Onbekende stad: Atlantis"
    assert client.get("/agenda.ics?stad=Atlantis&lang=en").text == "Unknown city: Atlantis"
    # A name is a name, not a pattern: "%" matches no city.
    assert client.get("/agenda.ics?stad=%25").status_code == 404


def test_a_write_shows_in_the_next_download(monkeypatch, db_url: str, actors) -> None:
    client = routes_client(monkeypatch, db_url, anonymous_read=True)
    assert len(_events(client.get("/agenda.ics").content)) == 15
    engine = db.make_engine(db_url)
    with Session(engine) as session:
        planned = calendar_feed.planned_records(session, "Utrecht")[0]
        edits.archive_dialogue(session, SYSTEM, planned.dialogue_id)
        session.commit()
    engine.dispose()
    # The cached file is keyed on the data version, which the archiving moved on.
    assert len(_events(client.get("/agenda.ics").content)) == 10


def test_reading_for_signed_in_people_only(monkeypatch, db_url: str, actors) -> None:
    client = routes_client(monkeypatch, db_url, anonymous_read=False)
    # A calendar app or a script without a session: refused.
    refused = client.get("/agenda.ics?stad=Utrecht&lang=en")
    assert refused.status_code == 403
    assert refused.text == "Sign in to download the calendar."
    assert "BEGIN:VCALENDAR" not in refused.text
    # A browser goes through the sign-in page and comes back here.
    redirect = client.get("/agenda.ics?stad=Utrecht&lang=nl", headers=HTML)
    assert redirect.status_code == 303
    location = urlsplit(redirect.headers["location"])
    assert location.path == web_auth.LOGIN_PAGE
    query = parse_qs(location.query)
    assert query["lang"] == ["nl"]
    assert query["next"] == ["/agenda.ics?stad=Utrecht&lang=nl"]
    assert web_auth.safe_next(query["next"][0]) == query["next"][0]

    token = session_token(db_url, actors["trainer"])
    before = version(db_url)
    cookie = {"cookie": f"{sessions.COOKIE_NAME}={token}"}
    allowed = client.get("/agenda.ics?stad=Utrecht", headers={**HTML, **cookie})
    assert allowed.status_code == 200
    assert len(_events(allowed.content)) == 5
    # Resolving the session is bookkeeping: the dashboards' data version stays where it was.
    assert version(db_url) == before

    engine = db.make_engine(db_url)
    with Session(engine) as session:
        sessions.end(session, token)
        session.commit()
    engine.dispose()
    assert client.get("/agenda.ics", headers=cookie).status_code == 403
    unknown = {"cookie": f"{sessions.COOKIE_NAME}=no-such-token"}
    assert client.get("/agenda.ics", headers=unknown).status_code == 403


def test_an_unreachable_database_is_a_503_with_one_line(monkeypatch) -> None:
    client = routes_client(monkeypatch, UNREACHABLE_PG, anonymous_read=True)
    response = client.get("/agenda.ics")
    assert response.status_code == 503
    assert response.text.startswith("database unreachable")
    assert "\n" not in response.text
    assert response.headers["cache-control"] == "no-store"
