"""Map and timeline each have an equivalent table on the page (dialogue, city, phase, dates)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from estafette import alternatives, cities, formatting, history, relay
from estafette.accounts import SYSTEM
from tests.factories import relay_summary
from tests.uihelpers import app_as, prepare, tables
from ui.folds import open_key


def test_map_table_lists_every_dialogue_and_empty_city(session: Session) -> None:
    relay.add_city(session, SYSTEM, name="Zwolle", joined_on=dt.date(2025, 6, 1))
    session.commit()
    summary = relay_summary(session)
    table = alternatives.map_table(summary, cities.without_dialogue(session), "nl")
    assert list(table.columns) == [
        "Wijkdialoog",
        "Stad",
        "Etappe",
        "Fase",
        "Status",
        "In deze fase sinds",
        "Laatst bijgewerkt (tijd in Amsterdam)",
    ]
    assert table["Stad"].tolist() == ["Deventer", "Utrecht", "Amsterdam", "Zwolle"]
    assert table["Fase"].tolist()[:3] == ["1 Verkennen"] * 3
    assert table.iloc[3]["Wijkdialoog"] == "nog geen dialoog"
    english = alternatives.map_table(summary, None, "en")
    assert "Dialogue" in english.columns and len(english) == 3


def test_timeline_table_has_planned_and_actual_dates(session: Session) -> None:
    records = history.records_frame(session)
    table = alternatives.timeline_table(records, "nl")
    assert len(table) == len(records) == 15
    assert list(table.columns)[-2:] == ["Gepland", "Werkelijk"]
    assert table["Fase"].tolist()[:5] == [
        "1 Verkennen",
        "2 Verbeelden",
        "3 Vormgeven",
        "4 Evalueren",
        "5 Vervolgen",
    ]
    started = records.dropna(subset=["actual_start"]).iloc[0]
    assert formatting.date(started["actual_start"], "nl") in " ".join(table["Werkelijk"])


def test_dates_follow_the_language() -> None:
    assert formatting.date(dt.date(2026, 3, 5), "nl") == "5 mrt 2026"
    assert formatting.date(dt.date(2026, 3, 5), "en") == "5 Mar 2026"
    # Stored times are UTC; shown in Amsterdam time (summer: UTC+2).
    assert formatting.datetime(dt.datetime(2026, 7, 1, 12, 0), "nl") == "1 jul 2026 14:00"


def test_pages_show_the_tables(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    for page, title, key in (
        ("pages/map.py", "De kaart als tabel", "estafette.map.table"),
        ("pages/timeline.py", "De tijdlijn als tabel", "estafette.timeline.table"),
    ):
        at = app_as(monkeypatch, sqlite_url, actors["coordinator"], page)
        assert not at.exception
        assert [e.label for e in at.expander] == [title]
        # Folded, the table is not drawn; opened, it is.
        assert tables(at) == []
        at.session_state[open_key(key)] = True
        at.run()
        assert not at.exception
        assert len(tables(at)) == 1
