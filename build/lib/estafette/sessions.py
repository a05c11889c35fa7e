"""Server-side sign-in sessions: a random token in the browser, only its hash in the database.

A session is resolved on every script run, so ending it (logout, deactivation, password reset,
role change, idle or absolute expiry) takes effect at once in every process. The domain only
flushes; the caller commits (the HTTP routes and the Streamlit router do).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from estafette.accounts import (
    Action,
    Actor,
    PermissionDenied,
    actor_for_user,
    end_sessions,
    require,
)
from estafette.logs import log_event
from estafette.models import User, UserSession, utcnow
from estafette.settings import SessionPolicy

COOKIE_NAME = "estafette_session"
TOKEN_BYTES = 32
# last_seen_at is written at most this often: a rerun per click must not mean a write per click.
TOUCH_EVERY = dt.timedelta(seconds=60)
USER_AGENT_MAX = 300


class Ended:
    """Why a session ended; the values are stored and pick the translated notice."""

    LOGOUT = "logout"
    IDLE = "idle"
    EXPIRED = "expired"
    REVOKED = "revoked"
    DEACTIVATED = "deactivated"
    PASSWORD_RESET = "password_reset"
    ROLE_CHANGE = "role_change"
    UNKNOWN = "unknown"


# The policy is a setting; the name stays here for the callers of sessions.Policy.
Policy = SessionPolicy


@dataclass(frozen=True)
class Resolved:
    """The outcome of resolving a token: an actor, or why there is none."""

    actor: Actor | None
    session_id: int | None = None
    ended_reason: str | None = None


@dataclass(frozen=True)
class SessionInfo:
    """One session as plain data for the account page and Beheer (never the token)."""

    id: int
    user_agent: str
    method: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    current: bool


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(
    session: Session,
    actor: Actor,
    *,
    method: str = "local",
    user_agent: str = "",
    now: dt.datetime | None = None,
) -> str:
    """Open a session for a signed-in actor and return its token (shown to nobody but the
    browser)."""
    if actor.user_id is None:
        raise PermissionDenied("only accounts can have a session")
    now = now or utcnow()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(
        UserSession(
            token_hash=hash_token(token),
            user_id=actor.user_id,
            method=method,
            user_agent=(user_agent or "")[:USER_AGENT_MAX],
            created_at=now,
            last_seen_at=now,
        )
    )
    session.flush()
    return token


def _by_token(session: Session, token: str) -> UserSession | None:
    stmt = (
        select(UserSession)
        .where(UserSession.token_hash == hash_token(token))
        .options(selectinload(UserSession.user).selectinload(User.cities))
    )
    return session.scalar(stmt)


def _close(row: UserSession, reason: str, now: dt.datetime) -> None:
    row.ended_at = now
    row.ended_reason = reason
    log_event("session_ended", user_id=row.user_id, session_id=row.id, reason=reason)


def resolve(
    session: Session, token: str | None, policy: Policy, *, now: dt.datetime | None = None
) -> Resolved:
    """The actor behind ``token`` now, ending the session when it ran out."""
    if not token:
        return Resolved(None)
    now = now or utcnow()
    row = _by_token(session, token)
    if row is None:
        return Resolved(None, ended_reason=Ended.UNKNOWN)
    if row.ended_at is not None:
        return Resolved(None, row.id, row.ended_reason or Ended.REVOKED)
    reason = None
    if not row.user.active:
        reason = Ended.DEACTIVATED
    elif now - row.created_at > policy.absolute:
        reason = Ended.EXPIRED
    elif now - row.last_seen_at > policy.idle:
        reason = Ended.IDLE
    if reason:
        _close(row, reason, now)
        session.flush()
        return Resolved(None, row.id, reason)
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        session.flush()
    return Resolved(actor_for_user(row.user), row.id)


def end(session: Session, token: str | None, reason: str = Ended.LOGOUT) -> int | None:
    """End the session of ``token`` (logout); returns its user id, if it was open."""
    if not token:
        return None
    row = _by_token(session, token)
    if row is None or row.ended_at is not None:
        return None
    _close(row, reason, utcnow())
    session.flush()
    return row.user_id


def end_all(session: Session, user_id: int, reason: str) -> int:
    """End every open session of an account; returns how many were open."""
    count = end_sessions(session, user_id, reason)
    session.flush()
    return count


def active(session: Session, user_id: int, *, current_id: int | None = None) -> list[SessionInfo]:
    """The open sessions of one account, most recently used first."""
    stmt = (
        select(UserSession)
        .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    return [
        SessionInfo(
            id=row.id,
            user_agent=row.user_agent,
            method=row.method,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            current=row.id == current_id,
        )
        for row in session.scalars(stmt)
    ]


def end_one(session: Session, actor: Actor, session_id: int) -> None:
    """End one session: one's own, or anyone's for a coordinator."""
    row = session.get(UserSession, session_id)
    if row is None:
        return
    if row.user_id != actor.user_id:
        require(actor, Action.MANAGE_USERS)
    if row.ended_at is None:
        _close(row, Ended.REVOKED, utcnow())
        session.flush()


def end_all_for(session: Session, actor: Actor, user_id: int) -> int:
    """End every session of an account (coordinators, from Beheer)."""
    require(actor, Action.MANAGE_USERS)
    return end_all(session, user_id, Ended.REVOKED)
