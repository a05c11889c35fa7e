"""AppTest of the map and timeline pages after issue 15: default window, spread markers,
the outline fetched from a static file, the timeline's table paged with its chart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from tests.estafette.test_maps import markers_of
from tests.factories import make_city, make_dialogue, seeded_engine
from tests.uihelpers import map_document, svg_rows, tables, timeline_svg
from ui.folds import open_key

MAP = "pages/map.py"
TIMELINE = "pages/timeline.py"


def _relay_of_27(url: str) -> None:
    """The seed's 3 dialogues and 24 more: a first page of 25 and a second of 2."""
    engine = seeded_engine(url)
    with Session(engine) as session:
        for number in range(24):
            make_dialogue(session, neighbourhood=f"Wijk {number:02d}")
        session.commit()
    engine.dispose()


def test_timeline_opens_on_last_year_and_can_show_everything(
    app_test: Callable[..., AppTest], sqlite_url: str
) -> None:
    seeded_engine(sqlite_url).dispose()
    at = app_test(sqlite_url, page=TIMELINE)
    assert not at.exception
    period = at.radio(key="estafette.timeline.window")
    assert period.value == "recent"
    svg = timeline_svg(at)
    start, end = svg.get("data-start"), svg.get("data-end")
    today = dt.date.today()
    assert dt.date.fromisoformat(start) >= today - dt.timedelta(days=367)
    assert dt.date.fromisoformat(end) <= today + dt.timedelta(days=185)
    period.set_value("all").run()
    start = timeline_svg(at).get("data-start")
    # The seeded legs started in 2018: "everything" reaches back to them.
    assert start < "2018-07-01"


def test_map_spreads_dialogues_at_one_spot_and_fetches_the_outline(
    app_test: Callable[..., AppTest], sqlite_url: str
) -> None:
    engine = seeded_engine(sqlite_url)
    with Session(engine) as session:
        city = make_city(session, "Tweelingstad", latitude=52.1, longitude=5.1)
        make_dialogue(session, city, neighbourhood="Noord")
        make_dialogue(session, city, neighbourhood="Zuid")
        session.commit()
    engine.dispose()
    at = app_test(sqlite_url, page=MAP)
    assert not at.exception
    script = map_document(at)
    markers = [m for m in markers_of(script) if m["city"] == "Tweelingstad"]
    assert len(markers) == 2
    assert (markers[0]["lat"], markers[0]["lon"]) != (markers[1]["lat"], markers[1]["lon"])
    # The outline comes from its cached static file, not inside every rerun's map.
    assert "fetch(JSON.parse(" in script and "/app/static/outline/outline-" in script
    assert '"provinces"' not in script
    assert "Kaart van de estafette: 5 wijkdialogen" in script


def test_map_title_in_english(app_test: Callable[..., AppTest], sqlite_url: str) -> None:
    seeded_engine(sqlite_url).dispose()
    at = app_test(sqlite_url, page=MAP, lang="en")
    assert not at.exception
    assert "Map of the relay: 3 dialogues" in map_document(at)
    # The frame is named for screen readers, in the reader's language.
    assert at.get("iframe")[0].proto.alt == "Map of the relay: 3 dialogues"


def test_timeline_table_shows_the_dialogues_of_the_chart_page(
    app_test: Callable[..., AppTest], sqlite_url: str
) -> None:
    _relay_of_27(sqlite_url)
    at = app_test(sqlite_url, page=TIMELINE)
    assert not at.exception
    # Folded away, the table is not sent at all; opening the expander draws it.
    assert not tables(at)
    at.session_state[open_key("estafette.timeline.table")] = True
    at.run()

    def dialogues_in_table() -> int:
        (table,) = [t for t in tables(at) if "Stad" in t.columns]
        return len(table.reset_index()[["Wijkdialoog", "Stad"]].drop_duplicates())

    # 27 dialogues: 25 on the first page of the chart and of its table, 2 on the second.
    assert dialogues_in_table() == 25
    assert len(svg_rows(timeline_svg(at))) == 25
    at.number_input(key="estafette.timeline.page").set_value(2).run()
    assert not at.exception
    assert len(svg_rows(timeline_svg(at))) == 2
    assert len(tables(at)) == 1  # always a plain HTML table, never a data grid
    assert not at.dataframe
    assert len(tables(at)[0]) == 10  # five phases each


def test_map_table_is_a_plain_table_a_page_at_a_time(
    app_test: Callable[..., AppTest], sqlite_url: str
) -> None:
    _relay_of_27(sqlite_url)
    at = app_test(sqlite_url, page=MAP)
    assert not at.exception
    # Folded away, the table is not sent at all; opening the expander draws it.
    assert not tables(at)
    at.session_state[open_key("estafette.map.table")] = True
    at.run()
    # 27 dialogues: 25 on the first page of the map's table, 2 on the second; no data grid.
    assert not at.dataframe
    (table,) = tables(at)
    assert len(table) == 25
    assert any("Rijen 1–25 van 27" in c.value for c in at.caption)
    at.number_input(key="estafette.map.table_page").set_value(2).run()
    assert not at.exception
    assert len(tables(at)[0]) == 2
