"""Sign-in with a password: verification, and lockout after repeated failures.

Failures are counted per account, and per address for addresses without one (only the
address's hash is stored), so that the answers never tell whether an account exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import NoReturn

from sqlalchemy.orm import Session

from estafette import passwords
from estafette.accounts import LoginFailed, actor_for_user, normalise_email, user_by_email
from estafette.models import LoginThrottle, User, utcnow
from estafette.permissions import Actor

MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)

# Verifying against a fixed hash for unknown addresses keeps response times alike.
_DUMMY_HASH = passwords.hash_password("estafette-dummy-password")


def authenticate(
    session: Session, email: str, password: str, *, now: dt.datetime | None = None
) -> Actor:
    """Check e-mail and password; counts failures and locks after MAX_FAILED_LOGINS.

    Commits the failure counter itself (the caller's transaction would roll it back).
    """
    now = now or utcnow()
    user = user_by_email(session, email)
    if user is None:
        # An address without an account is counted and locked exactly like a real one, so the
        # answers never tell whether it exists.
        passwords.verify(_DUMMY_HASH, password)
        throttle = _throttle(session, email, now)
        if throttle.locked_until is not None and throttle.locked_until > now:
            session.commit()
            raise LoginFailed("locked", throttle.locked_until)
        _refuse(session, throttle, now)
    if user.locked_until is not None and user.locked_until > now:
        # No verification while locked: guessing on is pointless, even with the right password.
        raise LoginFailed("locked", user.locked_until)
    if not passwords.verify(user.password_hash, password):
        _refuse(session, user, now)
    if not user.active:
        raise LoginFailed("inactive")
    if user.failed_logins or user.locked_until is not None:
        user.failed_logins = 0
        user.locked_until = None
    if passwords.needs_rehash(user.password_hash or ""):
        user.password_hash = passwords.hash_password(password)
    session.commit()
    return actor_for_user(user)


def email_hash(email: str) -> str:
    """The SHA-256 of a normalised address: how login_throttle refers to unknown addresses."""
    return hashlib.sha256(normalise_email(email).encode("utf-8")).hexdigest()


def _throttle(session: Session, email: str, now: dt.datetime) -> LoginThrottle:
    """The failure counter of an address without an account (only its hash is stored)."""
    row = session.get(LoginThrottle, email_hash(email))
    if row is None:
        row = LoginThrottle(email_hash=email_hash(email), failed_logins=0)
        session.add(row)
    row.updated_at = now
    return row


def _refuse(session: Session, counter: User | LoginThrottle, now: dt.datetime) -> NoReturn:
    """Count one more failure, lock at MAX_FAILED_LOGINS, commit the counter and refuse."""
    counter.failed_logins += 1
    if counter.failed_logins >= MAX_FAILED_LOGINS:
        counter.locked_until = now + LOCKOUT
        counter.failed_logins = 0
        session.commit()
        raise LoginFailed("locked", counter.locked_until)
    session.commit()
    raise LoginFailed("invalid")
