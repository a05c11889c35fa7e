"""A city without a dialogue yet shows on overview, map and timeline from the day it is added."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from estafette import charts, cities, db, history, maps, relay
from estafette.accounts import SYSTEM
from estafette.models import City
from tests.factories import relay_summary
from tests.uihelpers import app_as, prepare, svg_rows, timeline_svg

PHASES = [(1, "Verkennen"), (2, "Verbeelden"), (3, "Vormgeven"), (4, "Evalueren"), (5, "Vervolgen")]
TODAY = dt.date(2026, 1, 1)


def query(url: str, fn):
    engine = db.make_engine(url)
    with Session(engine) as session:
        result = fn(session)
    engine.dispose()
    return result


def _add_zwolle(session: Session) -> City:
    city = relay.add_city(session, SYSTEM, name="Zwolle", joined_on=dt.date(2025, 6, 1))
    session.commit()
    return city


def test_cities_without_dialogue_are_listed(session: Session) -> None:
    assert cities.without_dialogue(session).empty  # the seeded legs all have a dialogue
    _add_zwolle(session)
    empty = cities.without_dialogue(session)
    assert empty[["city", "leg", "province"]].values.tolist() == [["Zwolle", 4, "Overijssel"]]
    # Before it joined, time travel does not show it.
    assert cities.without_dialogue(session, dt.date(2025, 5, 31)).empty
    relay.add_dialogue(session, SYSTEM, city_id=int(empty["city_id"][0]), neighbourhood="Assendorp")
    assert cities.without_dialogue(session).empty


def test_map_shows_the_city_and_its_municipality(session: Session) -> None:
    _add_zwolle(session)
    html = (
        maps.relay_map(
            relay_summary(session),
            PHASES,
            lang="nl",
            as_of=TODAY,
            empty_cities=cities.without_dialogue(session),
        )
        .get_root()
        .render()
    )
    assert "estafette-city-empty" in html
    assert "Zwolle · etappe 4 · nog geen dialoog" in html
    assert "Stad zonder dialoog" in html
    # Its municipality (GM0193) is shaded grey, the relay's others by phase.
    assert maps.municipality_at(52.51949, 6.11964) == "GM0193"
    assert maps.NO_DIALOGUE_COLOUR in html


def test_timeline_has_a_row_for_the_city(session: Session) -> None:
    _add_zwolle(session)
    figure = charts.timeline(
        history.records_frame(session),
        PHASES,
        lang="nl",
        today=TODAY,
        empty_cities=cities.without_dialogue(session),
    )
    order = list(figure.layout.yaxis.categoryarray)
    assert order[-1] == "4 · Zwolle · nog geen dialoog"
    assert [int(label.split(" · ")[0]) for label in order] == sorted(
        int(label.split(" · ")[0]) for label in order
    )
    trace = next(t for t in figure.data if t.meta and t.meta.get("kind") == "no_dialogue")
    assert list(trace.y) == ["4 · Zwolle · nog geen dialoog"]


def test_overview_map_and_timeline_pages_show_the_city(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    query(sqlite_url, lambda s: _add_zwolle(s))
    assert query(sqlite_url, lambda s: s.scalar(select(City.leg).where(City.name == "Zwolle")))
    overview = app_as(monkeypatch, sqlite_url, actors["coordinator"], "pages/overview.py")
    assert not overview.exception
    shown = "\n".join(m.value for m in overview.markdown)
    assert "**Zwolle**" in shown and "Etappe 4 · nog geen dialoog" in shown
    english = app_as(monkeypatch, sqlite_url, actors["coordinator"], "pages/overview.py", "en")
    assert "no dialogue yet" in "\n".join(m.value for m in english.markdown)
    timeline = app_as(monkeypatch, sqlite_url, actors["coordinator"], "pages/timeline.py")
    assert not timeline.exception
    rows = svg_rows(timeline_svg(timeline))
    assert rows["4 · Zwolle · nog geen dialoog"] == {"no_dialogue"}
