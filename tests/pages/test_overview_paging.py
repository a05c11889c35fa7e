"""AppTest of the overview at more than a page: alerts, matrix and progress per city paged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from tests.factories import change, make_city, make_dialogue, phase, seeded_engine
from tests.uihelpers import tables

OVERVIEW = "pages/overview.py"
ALERTS_PAGE = "estafette.overview.alerts_page"
MATRIX_PAGE = "estafette.overview.matrix_page"
PROGRESS_PAGE = "estafette.overview.progress_page"
CITIES = [f"Paginastad {n:02d}" for n in range(1, 31)]


def _relay(engine: Engine) -> dict[tuple[str, str], int]:
    """30 more cities with two overdue dialogues each (63 dialogues, 60 alerts, 33 cities).

    Returns the days each dialogue is overdue, all different, so the order is known.
    """
    today = dt.date.today()
    overdue: dict[tuple[str, str], int] = {}
    with Session(engine) as session:
        for name in CITIES:
            city = make_city(session, name)
            for hood in ("Noord", "Zuid"):
                days = len(overdue) + 1
                dialogue = make_dialogue(session, city, neighbourhood=hood)
                change(
                    session,
                    phase(dialogue, 1),
                    dt.datetime.combine(today, dt.time(8)),
                    "Lead",
                    status="bezig",
                    actual_start=today - dt.timedelta(days=100),
                    planned_end=today - dt.timedelta(days=days),
                )
                overdue[(name, hood)] = days
        session.commit()
    return overdue


def _table(at: AppTest, column: str) -> pd.DataFrame:
    (found,) = [table for table in tables(at) if column in table.columns]
    return found


def _alerts(at: AppTest) -> list[tuple[str, str]]:
    table = _table(at, "Signaal")
    return list(zip(table["Stad"], table["Wijk"], strict=True))


def _matrix(at: AppTest) -> list[tuple[str, str]]:
    table = _table(at, "Verkennen")
    return list(zip(table.index, table["Wijk"], strict=True))


def _progress(at: AppTest) -> list[str]:
    return list(_table(at, "Fasen afgerond")["Stad"])


def _captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if " van " in c.value and "–" in c.value]


def _page_inputs(at: AppTest) -> set[str]:
    return {w.key for w in at.number_input if w.key.endswith("_page")}


def test_overview_pages_alerts_matrix_and_progress(
    app_test: Callable[..., AppTest], engine: Engine, db_url: str
) -> None:
    overdue = _relay(engine)
    at = app_test(db_url, page=OVERVIEW)
    assert not at.exception, at.exception
    assert _page_inputs(at) == {ALERTS_PAGE, MATRIX_PAGE, PROGRESS_PAGE}
    assert _captions(at) == [
        "Meldingen 1–25 van 60",
        "Wijkdialogen 1–25 van 63",
        "Steden 1–25 van 33",
    ]
    # The count line counts every alert in view, not the page's.
    assert at.warning[0].value.startswith("60 over de geplande einddatum · 0 zonder")

    # Most urgent first: the longest overdue leads, across the pages.
    by_urgency = sorted(overdue, key=overdue.__getitem__, reverse=True)
    assert _alerts(at) == by_urgency[:25]
    assert _table(at, "Signaal")["Toelichting"].iloc[0].startswith("60 dagen over")
    matrix = _matrix(at)
    assert len(matrix) == 25
    assert [city for city, _ in matrix[:3]] == ["Deventer", "Utrecht", "Amsterdam"]
    assert matrix[3:5] == [("Paginastad 01", "Noord"), ("Paginastad 01", "Zuid")]
    assert _progress(at)[:4] == ["Deventer", "Utrecht", "Amsterdam", "Paginastad 01"]
    # A plain table: the share reads as a percentage.
    assert all(share.endswith("%") for share in _table(at, "Fasen afgerond")["Voortgang"])
    assert len(_progress(at)) == 25

    at.number_input(key=ALERTS_PAGE).set_value(2).run()
    at.number_input(key=MATRIX_PAGE).set_value(2).run()
    at.number_input(key=PROGRESS_PAGE).set_value(2).run()
    assert not at.exception, at.exception
    assert _alerts(at) == by_urgency[25:50]
    assert _matrix(at)[0] == ("Paginastad 12", "Noord")
    assert len(_matrix(at)) == 25
    assert _progress(at) == CITIES[22:]
    assert _captions(at) == [
        "Meldingen 26–50 van 60",
        "Wijkdialogen 26–50 van 63",
        "Steden 26–33 van 33",
    ]
    assert at.warning[0].value.startswith("60 over de geplande einddatum")


def test_a_filter_with_fewer_pages_keeps_the_last_page(
    app_test: Callable[..., AppTest], sqlite_url: str
) -> None:
    engine = seeded_engine(sqlite_url)
    _relay(engine)
    engine.dispose()
    at = app_test(sqlite_url, page=OVERVIEW)
    at.number_input(key=ALERTS_PAGE).set_value(3).run()
    at.number_input(key=MATRIX_PAGE).set_value(3).run()
    assert _captions(at)[:2] == ["Meldingen 51–60 van 60", "Wijkdialogen 51–63 van 63"]

    # 20 cities: 40 dialogues and alerts, two pages each; progress fits on one.
    at.sidebar.multiselect(key="estafette.filters.cities_input").set_value(CITIES[:20]).run()
    assert not at.exception, at.exception
    assert at.number_input(key=ALERTS_PAGE).value == 2
    assert at.number_input(key=MATRIX_PAGE).value == 2
    assert _page_inputs(at) == {ALERTS_PAGE, MATRIX_PAGE}
    assert _captions(at) == ["Meldingen 26–40 van 40", "Wijkdialogen 26–40 van 40"]
    assert len(_alerts(at)) == 15
    assert _matrix(at)[-1] == ("Paginastad 20", "Zuid")
    assert at.warning[0].value.startswith("40 over de geplande einddatum")


def test_english_captions(app_test: Callable[..., AppTest], sqlite_url: str) -> None:
    engine = seeded_engine(sqlite_url)
    _relay(engine)
    engine.dispose()
    at = app_test(sqlite_url, page=OVERVIEW, lang="en")
    assert not at.exception, at.exception
    captions = [c.value for c in at.caption if " of " in c.value and "–" in c.value]
    assert captions == ["Alerts 1–25 of 60", "Dialogues 1–25 of 63", "Cities 1–25 of 33"]
    assert at.number_input(key=MATRIX_PAGE).label == "Page of dialogues (1–3)"


def test_the_seed_has_no_page_inputs(app_test: Callable[..., AppTest], sqlite_url: str) -> None:
    at = app_test(sqlite_url, page=OVERVIEW)
    assert not at.exception, at.exception
    assert _page_inputs(at) == set()
    assert _captions(at) == []
    assert len(_matrix(at)) == 3
    assert _progress(at) == ["Deventer", "Utrecht", "Amsterdam"]
