"""The account page's session list and Beheer's "end all sessions", through AppTest."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from estafette import db, reminders
from estafette.models import UserSession
from tests.uihelpers import app_as, prepare, session_token, texts


def open_sessions(url: str, email: str) -> list[UserSession]:
    engine = db.make_engine(url)
    with Session(engine) as session:
        rows = list(
            session.scalars(
                select(UserSession)
                .join(UserSession.user)
                .where(UserSession.ended_at.is_(None))
                .where(UserSession.user.has(email=email))
            )
        )
    engine.dispose()
    return rows


def test_account_page_lists_and_ends_sessions(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    # Signed in elsewhere too (another device).
    session_token(sqlite_url, actors["city_lead"])
    at = app_as(monkeypatch, sqlite_url, actors["city_lead"], "pages/login.py")
    rows = [m.value for m in at.markdown if "laatst actief" in m.value]
    assert len(rows) == 2 and sum("dit apparaat" in r for r in rows) == 1
    assert len(open_sessions(sqlite_url, "lead@deventer.nl")) == 2
    ends = [b for b in at.button if (b.key or "").startswith("estafette.account.end.")]
    other = next(b for b, row in zip(ends, rows, strict=True) if "dit apparaat" not in row)
    other.click().run()
    assert "Sessie beëindigd." in texts(at)
    assert len(open_sessions(sqlite_url, "lead@deventer.nl")) == 1
    # This tab is still signed in.
    assert "Ingelogd als Stadstrekker Deventer" in texts(at)


def test_coordinator_ends_all_sessions_of_an_account(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    for _ in range(2):
        session_token(sqlite_url, actors["trainer"])
    at = app_as(monkeypatch, sqlite_url, actors["coordinator"], "pages/admin.py")
    at.selectbox(key="estafette.admin.target").select("trainer@example.nl").run()
    at.button(key="estafette.admin.end_sessions").click().run()
    assert not at.exception
    assert "2 sessies van trainer@example.nl beëindigd." in texts(at)
    assert open_sessions(sqlite_url, "trainer@example.nl") == []
    # The coordinator's own session is untouched.
    assert len(open_sessions(sqlite_url, "coord@example.nl")) == 1


def test_reminder_preferences_are_saved_and_confirmed(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    lead = actors["city_lead"]
    engine = db.make_engine(sqlite_url)
    with Session(engine) as session:
        enabled, _ = reminders.preferences(session, lead.user_id)
    at = app_as(monkeypatch, sqlite_url, lead, "pages/login.py")
    at.checkbox(key="estafette.account.reminders").set_value(not enabled)
    at.selectbox(key="estafette.account.mail_language").set_value("en")
    at.button(key="estafette.account.reminders_save").click().run()
    assert not at.exception
    assert "Je voorkeuren voor herinneringen zijn opgeslagen." in texts(at)
    with Session(engine) as session:
        assert reminders.preferences(session, lead.user_id) == (not enabled, "en")
    engine.dispose()
    at.run()
    assert "Je voorkeuren voor herinneringen zijn opgeslagen." not in texts(at)
