"""``GET /kaart.html``: the map document of one view, over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from estafette import db, map_page, sessions
from estafette.models import City
from tests.estafette.test_maps import markers_of
from tests.hostile import SCRIPT
from tests.uihelpers import session_token
from tests.web.routes import HTML, UNREACHABLE_PG, routes_client, version
from web import auth as web_auth
from web import map_frame


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> Iterator[None]:
    # The route's engine and document caches are per process; each test has its own database.
    web_auth._engine.cache_clear()
    map_frame._document.cache_clear()
    map_frame._events.cache_clear()
    yield
    web_auth._engine.cache_clear()
    map_frame._document.cache_clear()
    map_frame._events.cache_clear()


def _address(url: str, **view: object) -> str:
    """The address the Kaart page would frame for ``view`` at the database's current version."""
    query = map_page.MapView(**view).query(version(url), dt.date.today())
    return f"{map_page.PATH}?{urlencode(query)}"


def test_the_map_of_a_view_at_its_data_version(monkeypatch, db_url: str, actors) -> None:
    client = routes_client(monkeypatch, db_url, anonymous_read=True)
    response = client.get(_address(db_url), headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    # The address names the data version, so the browser may keep what it got.
    assert response.headers["cache-control"] == "private, max-age=86400"
    document = response.text
    assert document.startswith('<!DOCTYPE html>\n<html lang="nl">')
    assert len(markers_of(document)) == 6
    # Nothing from elsewhere but the tiles; no page rewrite of Streamlit's index in it.
    loaded = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', document)
    assert loaded and all(url.startswith("/app/static/") for url in loaded)
    assert "BACKEND_BASE_URL" not in document
    # Clicks and popup links go to the page; the person's place on the map is kept.
    assert f'JSON.parse("\\"{map_page.MESSAGE}\\"")' in document
    assert "sessionStorage" in document

    utrecht = client.get(_address(db_url, cities=("Utrecht",), lang="en"), headers=HTML)
    assert utrecht.text.startswith('<!DOCTYPE html>\n<html lang="en">')
    markers = markers_of(utrecht.text)
    assert {m["city"] for m in markers} == {"Utrecht"} and len(markers) == 2
    assert "Phase" in markers[0]["tooltip"]


def test_an_older_address_is_never_kept(monkeypatch, db_url: str, actors) -> None:
    client = routes_client(monkeypatch, db_url, anonymous_read=True)
    old = _address(db_url)
    assert len(markers_of(client.get(old).text)) == 6
    engine = db.make_engine(db_url)
    with Session(engine) as session, session.begin():
        session.scalars(select(City).where(City.name == "Utrecht")).one().name = "Utreg"
    engine.dispose()
    # The page's next run names the new version; what the old address now gets is today's
    # map, which no cache may keep under the old address.
    stale = client.get(old)
    assert stale.headers["cache-control"] == "no-store"
    assert "Utreg" in {m["city"] for m in markers_of(stale.text)}
    fresh = client.get(_address(db_url))
    assert fresh.headers["cache-control"] == "private, max-age=86400"
    # An address without a version is a hand-made one: served, never kept; nor is yesterday's.
    assert client.get(map_page.PATH).headers["cache-control"] == "no-store"
    yesterday = fresh.url.query.decode().replace(dt.date.today().isoformat(), "2020-01-01")
    assert client.get(f"{map_page.PATH}?{yesterday}").headers["cache-control"] == "no-store"


def test_a_query_names_only_what_exists(monkeypatch, db_url: str, actors) -> None:
    client = routes_client(monkeypatch, db_url, anonymous_read=True)
    query = "stad=Atlantis&status=verzonnen&asof=gisteren&lang=xx&v=abc"
    response = client.get(f"{map_page.PATH}?{query}", headers=HTML)
    assert response.status_code == 200
    # An unknown city matches nothing; an unknown status, a bad date and language are dropped.
    assert "var estafette_map = " not in response.text
    assert response.text.startswith('<!DOCTYPE html>\n<html lang="nl">')
    view = map_page.MapView.from_query(parse_qs(query))
    assert view == map_page.MapView(cities=("Atlantis",))
    # Back in time: the end of 2018 had the three seeded legs, not the demo dialogues.
    past = client.get(_address(db_url, as_of=dt.date(2018, 12, 31)))
    assert len(markers_of(past.text)) == 3


def test_typed_text_stays_text_in_the_map(monkeypatch, db_url: str, actors) -> None:
    engine = db.make_engine(db_url)
    with Session(engine) as session, session.begin():
        session.scalars(select(City).where(City.name == "Utrecht")).one().name = SCRIPT
    engine.dispose()
    client = routes_client(monkeypatch, db_url, anonymous_read=True)
    document = client.get(_address(db_url)).text
    # Escaped for the tooltip's HTML, and inside a JSON string: never a tag of the page.
    assert html.escape(SCRIPT) in {m["city"] for m in markers_of(document)}
    assert SCRIPT not in document
    assert "<img" not in document


def test_reading_for_signed_in_people_only(monkeypatch, db_url: str, actors) -> None:
    client = routes_client(monkeypatch, db_url, anonymous_read=False)
    refused = client.get(f"{map_page.PATH}?lang=en")
    assert refused.status_code == 403
    assert refused.text == "Sign in to see the map."
    assert "estafette_map" not in refused.text
    redirect = client.get(f"{map_page.PATH}?lang=nl", headers=HTML)
    assert redirect.status_code == 303
    location = urlsplit(redirect.headers["location"])
    assert location.path == web_auth.LOGIN_PAGE
    assert parse_qs(location.query)["next"] == [f"{map_page.PATH}?lang=nl"]

    token = session_token(db_url, actors["trainer"])
    before = version(db_url)
    cookie = {"cookie": f"{sessions.COOKIE_NAME}={token}"}
    allowed = client.get(_address(db_url), headers={**HTML, **cookie})
    assert allowed.status_code == 200
    assert len(markers_of(allowed.text)) == 6
    # Resolving the session is bookkeeping: the dashboards' data version stays where it was.
    assert version(db_url) == before


def test_an_unreachable_database_is_a_503_with_one_line(monkeypatch) -> None:
    client = routes_client(monkeypatch, UNREACHABLE_PG, anonymous_read=True)
    response = client.get(map_page.PATH)
    assert response.status_code == 503
    assert response.text.startswith("database unreachable")
    assert "\n" not in response.text
    assert response.headers["cache-control"] == "no-store"
