"""AppTest of the Stad page: a city's dossier (?stad=) and a dialogue's view (?dialoog=)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from estafette import db, lessons, relay, seed
from estafette.accounts import SYSTEM
from estafette.models import City, Dialogue
from tests.factories import change, phase, relay_summary
from tests.uihelpers import app_as, prepare, svg_rows, texts, timeline_svg, timeline_svgs

CITY = "pages/city.py"


@pytest.fixture
def world(sqlite_url: str) -> dict:
    """Seed, accounts, demo progress, a hand-over Deventer → Utrecht and a Deventer lesson."""
    actors = prepare(sqlite_url)
    engine = db.make_engine(sqlite_url)
    seed.add_demo(engine)
    with Session(engine) as session:
        deventer = session.scalar(select(City).where(City.name == "Deventer"))
        utrecht = session.scalar(select(City).where(City.name == "Utrecht"))
        dialogue = session.scalar(
            select(Dialogue).where(Dialogue.city_id == deventer.id, ~Dialogue.is_demo)
        )
        at = dt.datetime(2025, 3, 1, 9)
        for position in range(1, 6):
            change(session, phase(dialogue, position), at, "Lead", status="bezig")
        relay.record_handover(
            session,
            SYSTEM,
            from_dialogue_id=dialogue.id,
            to_city_id=utrecht.id,
            handed_over_on=dt.date(2025, 3, 2),
            note="Stokje over",
        )
        lesson = lessons.propose(
            session,
            actors["city_lead"],
            lessons.LessonInput(
                title="Koffie op het plein",
                phase_code="verkennen",
                dialogue_id=dialogue.id,
                situation="Bewoners ontmoetten elkaar.",
            ),
        )
        session.commit()
        ids = {"dialogue": dialogue.id, "lesson": lesson, "utrecht": utrecht.id}
    engine.dispose()
    return {"url": sqlite_url, "actors": actors, **ids}


def open_city(
    monkeypatch: pytest.MonkeyPatch, world: dict, actor: str | None, **params: str
) -> AppTest:
    at = app_as(monkeypatch, world["url"], world["actors"].get(actor) if actor else None)
    at.switch_page(CITY)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def frame_with(at: AppTest, column: str):
    """The (only) dataframe element that has ``column`` (AppTest does not expose their keys)."""
    (found,) = [df.value for df in at.dataframe if column in df.value.columns]
    return found


def markdown(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def test_city_page_shows_everything_about_one_leg(
    monkeypatch: pytest.MonkeyPatch, world: dict
) -> None:
    at = open_city(monkeypatch, world, "coordinator", stad="deventer")
    assert not at.exception
    assert at.selectbox(key="estafette.city.choice").value == "Deventer"
    assert [h.value for h in at.header] == ["Deventer"]
    body = markdown(at)
    assert "Stadstrekkers: Stadstrekker Deventer" in body
    assert "lead@deventer.nl" not in body + texts(at)
    # Dialogues with current phase and progress: the seeded one in Vervolgen, the demo one.
    assert "### Vervolgen" in body
    assert len(at.get("progress")) == 2
    # The city's timeline as static SVG (no plotly.js), with the city's dialogues as rows.
    assert not at.get("plotly_chart")
    rows = svg_rows(timeline_svg(at))
    assert rows and all(label.split(" · ")[1] == "Deventer" for label in rows)
    handovers = frame_with(at, "Richting")
    assert list(handovers["Richting"]) == ["gegeven"] and list(handovers["Notitie"]) == [
        "Stokje over"
    ]
    assert any("Koffie op het plein" in e.label for e in at.expander)
    assert len([df for df in at.dataframe if "Veld" in df.value.columns]) == 2  # two histories
    # Coordinators get the editor; every reader the city's calendar (a link to /agenda.ics).
    assert at.button(key="estafette.city.archive").label == "Archiveren"
    calendar = at.link_button(key="estafette.city.calendar")
    assert calendar.proto.url == "/agenda.ics?stad=Deventer&lang=nl"


def test_city_page_for_anonymous_readers_hides_leads_and_editing(
    monkeypatch: pytest.MonkeyPatch, world: dict
) -> None:
    at = open_city(monkeypatch, world, None, stad="Utrecht")
    assert not at.exception
    assert "Stadstrekker" not in markdown(at)
    assert not [b for b in at.button if b.key == "estafette.city.archive"]
    assert at.link_button(key="estafette.city.calendar").proto.url == (
        "/agenda.ics?stad=Utrecht&lang=nl"
    )
    assert list(frame_with(at, "Richting")["Richting"]) == ["ontvangen"]
    # Proposed lessons stay private for anonymous visitors.
    assert not any("Koffie" in e.label for e in at.expander)


def test_unknown_city_and_dialogue_are_explained(
    monkeypatch: pytest.MonkeyPatch, world: dict
) -> None:
    at = open_city(monkeypatch, world, "trainer", stad="Atlantis")
    assert not at.exception
    assert "Atlantis" in texts(at)
    at = open_city(monkeypatch, world, "trainer", dialoog="99999")
    assert not at.exception
    assert "99999" in texts(at)


def test_dialogue_view(monkeypatch: pytest.MonkeyPatch, world: dict) -> None:
    at = open_city(monkeypatch, world, "city_lead", dialoog=str(world["dialogue"]))
    assert not at.exception
    assert at.title[0].value == "Deventer · nog te bepalen"
    phases = frame_with(at, "Gepland")
    assert list(phases["Fase"]) == [
        "Verkennen",
        "Verbeelden",
        "Vormgeven",
        "Evalueren",
        "Vervolgen",
    ]
    assert set(phases["Status"]) == {"bezig"}
    history = frame_with(at, "Veld")
    # Verkennen was already under way in the seed; the other four changed.
    assert len(history[history["Door"] == "Lead"]) == 4
    assert any("Koffie op het plein" in e.label for e in at.expander)
    links = {(p.proto.page, p.proto.query_string) for p in at.get("page_link")}
    assert any("dialoog=" in q for _, q in links)  # Fase bijwerken for the Deventer lead
    # The dialogue's timeline: static SVG, or plotly's chart of it with the toggle below.
    assert list(svg_rows(timeline_svg(at))) == ["1 · Deventer · nog te bepalen"]
    at.toggle(key="estafette.dialogue.timeline.interactive").set_value(True).run()
    assert not at.exception
    (chart,) = at.get("plotly_chart")
    assert json.loads(chart.proto.spec)["layout"]["yaxis"]["categoryarray"] == [
        "1 · Deventer · nog te bepalen"
    ]
    assert timeline_svgs(at) == []


def test_coordinator_archives_and_restores_from_the_page(
    monkeypatch: pytest.MonkeyPatch, world: dict
) -> None:
    at = open_city(monkeypatch, world, "coordinator", dialoog=str(world["dialogue"]))
    at.button(key="estafette.dialogue.archive").click().run()
    assert not at.exception
    assert "Gearchiveerd" in texts(at)
    assert at.button(key="estafette.dialogue.archive").label == "Terugzetten"
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    at.switch_page(CITY)
    at.query_params["dialoog"] = str(world["dialogue"])
    at.run()
    at.button(key="estafette.dialogue.archive").click().run()
    assert "Teruggezet" in texts(at)
    log = frame_with(at, "Gegeven")
    assert list(log.iloc[:, 3]) == ["nee", "ja"]


def test_coordinator_edits_a_dialogue(monkeypatch: pytest.MonkeyPatch, world: dict) -> None:
    at = open_city(monkeypatch, world, "coordinator", dialoog=str(world["dialogue"]))
    at.text_input(key="estafette.dialogue.edit.hood").set_value("Keizerslanden")
    at.text_area(key="estafette.dialogue.edit.question").set_value("Wat maakt de wijk sterk?")
    at.button(key="estafette.dialogue.edit.save").click().run()
    assert not at.exception
    assert at.title[0].value == "Deventer · Keizerslanden"
    log = frame_with(at, "Gegeven")
    assert set(log["Gegeven"]) == {"wijk", "centrale vraag"}


def test_overview_timeline_and_map_link_to_the_city_page(
    monkeypatch: pytest.MonkeyPatch, world: dict
) -> None:
    at = open_city(monkeypatch, world, "coordinator")
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    links = [(p.proto.page, p.proto.query_string) for p in at.get("page_link")]
    assert any(q == "stad=Deventer" for _, q in links)
    assert any(q == f"dialoog={world['dialogue']}" for _, q in links)
    at.switch_page("pages/timeline.py").run()
    assert any(p.proto.query_string == "stad=Utrecht" for p in at.get("page_link"))
    from estafette import maps

    engine = db.make_engine(world["url"])
    with Session(engine) as session:
        summary = relay_summary(session)
    engine.dispose()
    table = maps.marker_table(summary, "nl", dt.date.today(), "/")
    row = table[table["dialogue_id"] == world["dialogue"]].iloc[0]
    assert f'href="/stad?dialoog={world["dialogue"]}" target="_top"' in row["extra"]
    assert 'href="/stad?stad=Deventer" target="_top"' in row["extra"]
