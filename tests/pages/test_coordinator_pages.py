"""AppTest of the coordinator's pages: map, timeline, overview with alerts and time travel."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from estafette import db, maps, seed
from estafette.models import City, Dialogue
from tests.estafette.test_maps import markers_of
from tests.factories import change, make_dialogue, phase, seeded_engine
from tests.uihelpers import map_document, svg_rows, tables, timeline_svg, timeline_svgs

MAP = "pages/map.py"
TIMELINE = "pages/timeline.py"
OVERVIEW = "pages/overview.py"


@pytest.fixture
def demo_url(sqlite_url: str) -> str:
    """The seeded relay plus the three fictional demo dialogues."""
    engine = seeded_engine(sqlite_url)
    seed.add_demo(engine)
    engine.dispose()
    return sqlite_url


def param(at: AppTest, name: str) -> list[str]:
    """A query parameter as a list (AppTest keeps single values unwrapped)."""
    value = at.query_params.get(name, [])
    return list(value) if isinstance(value, list) else [value]


def frame_with(at: AppTest, column: str):
    """The (only) dataframe element that has ``column``."""
    (found,) = [df.value for df in at.dataframe if column in df.value.columns]
    return found


def table_with(at: AppTest, column: str):
    """The (only) plain table that has ``column`` (alerts: "Signaal"; matrix: a phase)."""
    (found,) = [table for table in tables(at) if column in table.columns]
    return found


def plotly_spec(at: AppTest) -> dict:
    """The figure of the page's one interactive (plotly) chart."""
    (chart,) = at.get("plotly_chart")
    return json.loads(chart.proto.spec)


def test_map_markers_count_and_colour_per_phase(
    app_test: Callable[..., AppTest], demo_url: str
) -> None:
    at = app_test(demo_url, page=MAP)
    assert not at.exception
    document = map_document(at)
    markers = markers_of(document)
    assert len(markers) == 6
    colours = sorted(m["colour"] for m in markers)
    # Three seeded legs in Verkennen, demo dialogues in Verbeelden, Vormgeven and Evalueren.
    assert colours == sorted([maps.PHASE_COLOURS[p] for p in (1, 1, 1, 2, 3, 4)])
    assert "estafette-legend" in document
    # Everything the map loads comes from the app; only the tile servers are elsewhere.
    loaded = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', document)
    assert loaded and all(url.startswith("/app/static/") for url in loaded)
    # Clicks reach the page: the bridge listens on it, the map posts to it.
    assert at.get("bidi_component")[0].key == "estafette.map.clicks"
    assert "window.estafetteDialogueClicked(d.dialogue_id)" in document


def test_map_filters_and_dialogue_history(app_test: Callable[..., AppTest], demo_url: str) -> None:
    at = app_test(demo_url, page=MAP)
    at.sidebar.multiselect(key="estafette.filters.cities_input").set_value(["Utrecht"]).run()
    assert not at.exception
    assert len(markers_of(map_document(at))) == 2
    assert param(at, "stad") == ["Utrecht"]
    box = at.selectbox(key="estafette.map.dialogue")
    assert box.options == ["Utrecht · nog te bepalen", "Utrecht · Lombok (demo)"]
    engine = db.make_engine(demo_url)
    with Session(engine) as session:
        lombok = session.query(Dialogue).filter_by(neighbourhood="Lombok (demo)").one().id
    engine.dispose()
    box.set_value(lombok).run()
    history = frame_with(at, "Naar")
    assert len(history) > 0
    assert set(history["Fase"]) >= {"Verkennen", "Vormgeven"}


def test_timeline_has_planned_and_actual_bars_per_dialogue(
    app_test: Callable[..., AppTest], demo_url: str
) -> None:
    at = app_test(demo_url, page=TIMELINE)
    assert not at.exception
    # Drawn as static SVG: no plotly chart (and so no plotly.js) unless asked for.
    assert not at.get("plotly_chart")
    rows = svg_rows(timeline_svg(at))
    assert len(rows) == 6
    for label, kinds in rows.items():
        expected = {"planned", "actual"} if "(demo)" in label else {"actual", "undated"}
        assert kinds == expected, label
    assert next(iter(rows)).startswith("1 · Deventer")


def test_the_interactive_toggle_shows_the_plotly_chart_of_the_same_timeline(
    app_test: Callable[..., AppTest], demo_url: str
) -> None:
    at = app_test(demo_url, page=TIMELINE)
    toggle = at.toggle(key="estafette.timeline.interactive")
    assert toggle.value is False
    assert toggle.label == "Interactieve grafiek (zoomen en schuiven)"
    drawn = svg_rows(timeline_svg(at))
    toggle.set_value(True).run()
    assert not at.exception
    assert timeline_svgs(at) == []
    spec = plotly_spec(at)
    assert spec["layout"]["yaxis"]["categoryarray"] == list(drawn)
    assert {(trace.get("meta") or {}).get("kind") for trace in spec["data"]} == {
        "planned",
        "actual",
        "undated",
    }
    at.toggle(key="estafette.timeline.interactive").set_value(False).run()
    assert not at.get("plotly_chart") and svg_rows(timeline_svg(at)) == drawn


def _crafted(url: str) -> dict[str, int]:
    engine = seeded_engine(url)
    today = dt.date.today()
    with Session(engine) as session:
        deventer = session.query(City).filter_by(name="Deventer").one()
        late = make_dialogue(session, deventer, neighbourhood="Te laat")
        change(
            session,
            phase(late, 1),
            dt.datetime.combine(today, dt.time(8)),
            "Lead",
            status="bezig",
            actual_start=today - dt.timedelta(days=20),
            planned_end=today - dt.timedelta(days=7),
        )
        done = make_dialogue(session, deventer, neighbourhood="Klaar zonder einde")
        change(
            session,
            phase(done, 1),
            dt.datetime.combine(today, dt.time(8)),
            "Lead",
            status="afgerond",
        )
        session.commit()
        ids = {"late": late.id, "done": done.id}
    engine.dispose()
    return ids


def test_overview_alerts_on_crafted_data(app_test: Callable[..., AppTest], sqlite_url: str) -> None:
    _crafted(sqlite_url)
    at = app_test(sqlite_url, page=OVERVIEW)
    assert not at.exception
    table = table_with(at, "Signaal")
    rows = {(r["Signaal"], r["Wijk"]) for _, r in table.iterrows()}
    # The seeded legs' 2018 workshop state is history, not idleness (issue 14): they were
    # installed today, so only the two crafted problems show.
    assert rows == {
        ("Over de geplande einddatum", "Te laat"),
        ("Afgerond zonder einddatum", "Klaar zonder einde"),
    }
    assert "1 over de geplande einddatum" in at.warning[0].value
    # Even the shortest threshold does not call the seeded legs idle on their first day.
    at.number_input(key="estafette.overview.stale_days").set_value(1).run()
    assert len(table_with(at, "Signaal")) == 2


def test_time_travel_shows_the_past_phase(
    app_test: Callable[..., AppTest], sqlite_url: str
) -> None:
    engine = seeded_engine(sqlite_url)
    with Session(engine) as session:
        deventer = session.query(City).filter_by(name="Deventer").one()
        first = phase(deventer.dialogues[0], 1)
        second = phase(deventer.dialogues[0], 2)
        change(
            session,
            first,
            dt.datetime(2019, 3, 1, 10),
            "Lead",
            status="afgerond",
            actual_end=dt.date(2019, 3, 1),
        )
        change(
            session,
            second,
            dt.datetime(2019, 3, 1, 10),
            "Lead",
            status="bezig",
            actual_start=dt.date(2019, 3, 1),
        )
        session.commit()
    engine.dispose()

    at = app_test(sqlite_url, page=OVERVIEW)
    matrix = table_with(at, "Verkennen")
    assert list(matrix.index) == ["Deventer", "Utrecht", "Amsterdam"]
    assert matrix.loc["Deventer", "Verbeelden"].startswith("◐ bezig · 1 mrt 2019")

    at.sidebar.toggle(key="estafette.filters.travel_input").set_value(True).run()
    at.sidebar.select_slider(key="estafette.filters.asof_input").set_value(
        dt.date(2018, 12, 31)
    ).run()
    assert not at.exception
    assert param(at, "asof") == ["2018-12-31"]
    matrix = table_with(at, "Verkennen")
    assert matrix.loc["Deventer", "Verkennen"] == "◐ bezig · 3 jul 2018 →"
    assert matrix.loc["Deventer", "Verbeelden"] == "○ niet gestart · geen datums"
    assert "31 dec 2018" in at.info[0].value

    # The same past on the map: Deventer's dialogue is back in Verkennen's colour.
    at.switch_page(MAP).run()
    markers = markers_of(map_document(at))
    assert {m["colour"] for m in markers} == {maps.PHASE_COLOURS[1]}
    assert param(at, "asof") == ["2018-12-31"]


def test_shared_filters_come_from_the_link(
    app_test: Callable[..., AppTest], demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESTAFETTE_DATABASE_URL", demo_url)
    at = AppTest.from_file("../../app.py", default_timeout=60)
    at.query_params["city"] = ["Amsterdam", "Nergensdorp"]
    at.query_params["asof"] = "2018-07-03"
    at.run()
    assert not at.exception
    assert at.sidebar.multiselect(key="estafette.filters.cities_input").value == ["Amsterdam"]
    assert at.sidebar.toggle(key="estafette.filters.travel_input").value is True
    at.switch_page(TIMELINE).run()
    assert set(svg_rows(timeline_svg(at))) == {"3 · Amsterdam · nog te bepalen"}


@pytest.mark.parametrize("page", [MAP, TIMELINE, OVERVIEW])
def test_pages_cope_with_an_empty_relay(
    page: str, app_test: Callable[..., AppTest], sqlite_url: str
) -> None:
    engine = seeded_engine(sqlite_url)
    with Session(engine) as session, session.begin():
        for city in session.query(City).all():
            session.delete(city)
    engine.dispose()
    at = app_test(sqlite_url, page=page)
    assert not at.exception, at.exception
    assert at.info, "an empty relay is explained, not shown as a blank page"
    at.sidebar.toggle(key="estafette.filters.travel_input").set_value(True).run()
    assert not at.exception, at.exception


def test_play_starts_the_replay_at_the_beginning(
    app_test: Callable[..., AppTest], sqlite_url: str
) -> None:
    at = app_test(sqlite_url, page=TIMELINE)
    at.sidebar.toggle(key="estafette.filters.travel_input").set_value(True).run()
    slider = at.sidebar.select_slider(key="estafette.filters.asof_input")
    assert slider.value == dt.date.today()
    at.sidebar.toggle(key="estafette.filters.play_input").set_value(True).run()
    assert not at.exception
    # The seeded relay starts at the workshop of 3 July 2018: the first step is July's end.
    assert at.sidebar.select_slider(key="estafette.filters.asof_input").value == dt.date(
        2018, 7, 31
    )
    at.sidebar.button(key="estafette.filters.asof_forward").click().run()
    assert param(at, "asof") == ["2018-08-31"]
