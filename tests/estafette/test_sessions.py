"""The server-side session store on SQLite and PostgreSQL: hash-only storage, expiry, revocation."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from estafette import accounts, sessions, signin
from estafette.accounts import Actor
from estafette.models import Role, UserSession
from tests.factories import snapshot

POLICY = sessions.Policy.of(idle_minutes=60, max_hours=12)
T0 = dt.datetime(2026, 11, 25, 9, 0)
PASSWORD = "een lang wachtwoord"


@pytest.fixture
def people(session: Session) -> dict[str, Actor]:
    """A coordinator and a city lead with accounts."""
    coord = accounts.bootstrap_coordinator(
        session, email="coord@example.nl", password=PASSWORD, name="Coördinator"
    )
    accounts.add_user(
        session, coord, email="trainer@example.nl", role=Role.TRAINER, password=PASSWORD
    )
    session.commit()
    return {"coordinator": coord, "trainer": accounts.sso_actor(session, "trainer@example.nl")}


def test_only_the_hash_of_the_token_is_stored(session: Session, people) -> None:
    token = sessions.start(session, people["trainer"], user_agent="Firefox", now=T0)
    session.commit()
    assert len(token) >= 40
    dump = repr(snapshot(session.get_bind()))
    assert token not in dump
    row = session.scalar(select(UserSession))
    assert row.token_hash == sessions.hash_token(token) and row.token_hash != token
    resolved = sessions.resolve(session, token, POLICY, now=T0 + dt.timedelta(minutes=5))
    assert resolved.actor is not None and resolved.actor.email == "trainer@example.nl"
    assert resolved.session_id == row.id


def test_unknown_or_missing_token_is_anonymous(session: Session, people) -> None:
    assert sessions.resolve(session, None, POLICY).actor is None
    unknown = sessions.resolve(session, "not-a-token", POLICY)
    assert unknown.actor is None and unknown.ended_reason == sessions.Ended.UNKNOWN


def test_idle_timeout_ends_the_session(session: Session, people) -> None:
    token = sessions.start(session, people["trainer"], now=T0)
    # Activity keeps it alive: each resolve within the idle window moves last_seen on.
    for minutes in (50, 100, 150):
        assert sessions.resolve(session, token, POLICY, now=T0 + dt.timedelta(minutes=minutes))
    late = sessions.resolve(session, token, POLICY, now=T0 + dt.timedelta(minutes=211))
    assert late.actor is None and late.ended_reason == sessions.Ended.IDLE
    # Once ended it stays ended, even if the clock were to go back.
    again = sessions.resolve(session, token, POLICY, now=T0 + dt.timedelta(minutes=151))
    assert again.actor is None and again.ended_reason == sessions.Ended.IDLE


def test_absolute_maximum_ends_an_active_session(session: Session, people) -> None:
    token = sessions.start(session, people["trainer"], now=T0)
    now = T0
    while now < T0 + dt.timedelta(hours=11, minutes=50):
        now += dt.timedelta(minutes=30)
        assert sessions.resolve(session, token, POLICY, now=now).actor is not None
    now += dt.timedelta(minutes=30)
    over = sessions.resolve(session, token, POLICY, now=now)
    assert over.actor is None and over.ended_reason == sessions.Ended.EXPIRED


def test_last_seen_is_written_at_most_once_a_minute(session: Session, people) -> None:
    token = sessions.start(session, people["trainer"], now=T0)
    session.commit()
    sessions.resolve(session, token, POLICY, now=T0 + dt.timedelta(seconds=30))
    assert session.scalar(select(UserSession.last_seen_at)) == T0
    sessions.resolve(session, token, POLICY, now=T0 + dt.timedelta(seconds=90))
    assert session.scalar(select(UserSession.last_seen_at)) == T0 + dt.timedelta(seconds=90)


@pytest.mark.parametrize(
    ("action", "reason"),
    [
        (
            lambda s, c: accounts.deactivate_user(s, c, "trainer@example.nl"),
            sessions.Ended.DEACTIVATED,
        ),
        (
            lambda s, c: accounts.reset_password(s, c, "trainer@example.nl", "nog een wachtwoord"),
            sessions.Ended.PASSWORD_RESET,
        ),
        (
            lambda s, c: accounts.set_role(s, c, "trainer@example.nl", Role.COORDINATOR),
            sessions.Ended.ROLE_CHANGE,
        ),
    ],
)
def test_account_changes_end_every_session(session: Session, people, action, reason) -> None:
    tokens = [sessions.start(session, people["trainer"], now=T0) for _ in range(3)]
    other = sessions.start(session, people["coordinator"], now=T0)
    session.commit()
    action(session, people["coordinator"])
    session.commit()
    later = T0 + dt.timedelta(minutes=1)
    for token in tokens:
        ended = sessions.resolve(session, token, POLICY, now=later)
        assert ended.actor is None and ended.ended_reason == reason
    assert sessions.resolve(session, other, POLICY, now=later).actor is not None


def test_logout_ends_one_session_and_list_shows_the_rest(session: Session, people) -> None:
    trainer = people["trainer"]
    first = sessions.start(session, trainer, user_agent="Chrome on Linux", now=T0)
    second = sessions.start(session, trainer, user_agent="Firefox on Windows", now=T0)
    session.commit()
    assert sessions.end(session, first) == trainer.user_id
    session.commit()
    assert sessions.end(session, first) is None  # already over
    listed = sessions.active(session, trainer.user_id)
    assert [s.user_agent for s in listed] == ["Firefox on Windows"]
    assert sessions.resolve(session, second, POLICY, now=T0).actor is not None


def test_ending_someone_elses_session_needs_a_coordinator(session: Session, people) -> None:
    coord_token = sessions.start(session, people["coordinator"], now=T0)
    session.commit()
    coord_session = sessions.resolve(session, coord_token, POLICY, now=T0).session_id
    with pytest.raises(accounts.PermissionDenied):
        sessions.end_one(session, people["trainer"], coord_session)
    with pytest.raises(accounts.PermissionDenied):
        sessions.end_all_for(session, people["trainer"], people["coordinator"].user_id)
    trainer_token = sessions.start(session, people["trainer"], now=T0)
    session.commit()
    assert sessions.end_all_for(session, people["coordinator"], people["trainer"].user_id) == 1
    session.commit()
    assert sessions.resolve(session, trainer_token, POLICY, now=T0).actor is None


def test_unknown_address_locks_exactly_like_a_real_one(session: Session, people) -> None:
    answers: dict[str, list[tuple[str, dt.datetime | None]]] = {}
    for email in ("trainer@example.nl", "niemand@example.nl"):
        answers[email] = []
        for _ in range(6):
            with pytest.raises(accounts.LoginFailed) as failed:
                signin.authenticate(session, email, "verkeerd wachtwoord", now=T0)
            answers[email].append((failed.value.code, failed.value.until))
    assert answers["trainer@example.nl"] == answers["niemand@example.nl"]
    assert [code for code, _ in answers["niemand@example.nl"]] == ["invalid"] * 4 + ["locked"] * 2
    # Only a hash of the unknown address is kept.
    stored = session.execute(text("SELECT email_hash FROM login_throttle")).scalars().all()
    assert stored and all("niemand" not in value for value in stored)
