"""The "Aandacht nodig" list on crafted data."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from estafette import alerts, cities, history, i18n
from tests.factories import change, make_city, make_dialogue, phase

TODAY = dt.date(2025, 6, 1)


def at(days_ago: int) -> dt.datetime:
    """A moment ``days_ago`` days before TODAY, at ten in the morning."""
    return dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(10, 0))


def craft(session: Session) -> dict[str, int]:
    """Four dialogues: overdue, completed without end, idle for 40 days, and one on track."""
    city = make_city(session, "Alertstad")
    overdue = make_dialogue(session, city, neighbourhood="Te laat")
    change(
        session,
        phase(overdue, 1),
        at(3),
        "Lead",
        status="bezig",
        actual_start=TODAY - dt.timedelta(days=50),
        planned_end=TODAY - dt.timedelta(days=10),
    )
    no_end = make_dialogue(session, city, neighbourhood="Geen einde")
    change(session, phase(no_end, 1), at(2), "Lead", status="afgerond")
    idle = make_dialogue(session, city, neighbourhood="Stil")
    change(
        session,
        phase(idle, 1),
        at(40),
        "Lead",
        status="bezig",
        actual_start=TODAY - dt.timedelta(days=40),
        planned_end=TODAY + dt.timedelta(days=30),
    )
    fine = make_dialogue(session, city, neighbourhood="Op schema")
    change(
        session,
        phase(fine, 1),
        at(5),
        "Lead",
        status="bezig",
        actual_start=TODAY - dt.timedelta(days=5),
        planned_end=TODAY + dt.timedelta(days=30),
    )
    session.commit()
    return {"overdue": overdue.id, "no_end": no_end.id, "idle": idle.id, "fine": fine.id}


def _attention(session: Session, stale_days: int = 30):
    records = history.records_frame(session)
    return alerts.attention(records, cities.summarise(records), TODAY, stale_days)


def test_alerts_on_crafted_data(session: Session) -> None:
    ids = craft(session)
    found = _attention(session)
    mine = found[found["city"] == "Alertstad"]
    by_kind = {kind: set(group["dialogue_id"]) for kind, group in mine.groupby("kind")}
    assert by_kind == {
        "overdue": {ids["overdue"]},
        "no_end": {ids["no_end"]},
        "stale": {ids["idle"]},
    }
    overdue = mine[mine["kind"] == "overdue"].iloc[0]
    assert (overdue["phase"], overdue["days"]) == ("Verkennen", 10)
    stale = mine[mine["kind"] == "stale"].iloc[0]
    assert stale["days"] == 40
    # The seeded legs have not been updated since the 2018 workshop.
    seeded = found[found["city"].isin(["Deventer", "Utrecht", "Amsterdam"])]
    assert set(seeded["kind"]) == {"stale"} and len(seeded) == 3


def test_stale_threshold_is_configurable(session: Session) -> None:
    ids = craft(session)
    found = _attention(session, stale_days=60)
    assert ids["idle"] not in set(found.loc[found["kind"] == "stale", "dialogue_id"])
    found = _attention(session, stale_days=4)
    assert ids["fine"] in set(found.loc[found["kind"] == "stale", "dialogue_id"])
    with pytest.raises(ValueError):
        _attention(session, stale_days=0)


def test_alert_table_reads_in_dutch(session: Session) -> None:
    craft(session)
    table = alerts.alert_table(
        _attention(session), lambda k, **v: i18n.translate(k, "nl", **v), "nl"
    )
    reasons = " ".join(table["Toelichting"])
    assert "10 dagen over het geplande einde" in reasons
    assert "werkelijke einddatum ontbreekt" in reasons
    assert set(table["Signaal"]) == {
        "Over de geplande einddatum",
        "Afgerond zonder einddatum",
        "Geen recente update",
    }
