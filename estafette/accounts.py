"""Accounts: adding and changing them (role, cities, password, on or off), the
first-coordinator bootstrap, and the Actor of an account (also for an SSO login by e-mail).

Signing in with a password and its lockout: estafette.login; password rules and hashes:
estafette.passwords. Who is acting and what each role may do live in estafette.permissions
(re-exported here).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from estafette import audit, passwords, textfields
from estafette.errors import DomainError
from estafette.logs import log_event
from estafette.models import City, Role, User, UserSession, utcnow
from estafette.permissions import (  # noqa: F401  (re-exported: callers import them from here)
    ANONYMOUS,
    MATRIX,
    SYSTEM,
    Action,
    Actor,
    PermissionDenied,
    can,
    may_read,
    require,
    require_role,
)

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(DomainError):
    """Invalid account input; ``code`` is the translation key suffix (``user.error.<code>``)."""

    prefix = "user.error"


class LoginFailed(Exception):
    """Login refused; ``code`` is invalid, locked or inactive (``auth.error.<code>``)."""

    def __init__(self, code: str, until: dt.datetime | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.until = until


@dataclass(frozen=True)
class UserInfo:
    """An account as plain data (never the hash)."""

    id: int
    email: str
    name: str
    role: str
    active: bool
    city_ids: tuple[int, ...]
    city_names: tuple[str, ...]
    locked_until: dt.datetime | None


def normalise_email(email: str) -> str:
    """E-mail addresses compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def check_password(password: str, *, email: str = "", name: str = "") -> None:
    """Raise AccountError when the password may not be used (see estafette/passwords.py).

    Codes: password_short, password_long, password_common, password_context, password_weak.
    """
    refusal = passwords.check(password, email=email, name=name)
    if refusal is not None:
        raise AccountError(refusal.code, **refusal.values)


def actor_for_user(user: User) -> Actor:
    """The Actor for an account."""
    return Actor(
        email=user.email,
        role=Role(user.role),
        user_id=user.id,
        name=user.name,
        city_ids=frozenset(c.id for c in user.cities),
    )


def user_by_email(session: Session, email: str) -> User | None:
    """The account with this address (any case, surrounding spaces ignored), if there is one."""
    stmt = (
        select(User).where(User.email == normalise_email(email)).options(selectinload(User.cities))
    )
    return session.scalar(stmt)


def end_sessions(session: Session, user_id: int, reason: str) -> int:
    """End every open sign-in session of an account at once; returns how many were open."""
    result = session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
        .execution_options(synchronize_session=False)
    )
    count = result.rowcount or 0
    if count:
        log_event("sessions_ended", user_id=user_id, count=count, reason=reason)
    return count


def sso_actor(session: Session, email: str) -> Actor:
    """Map an OIDC login to the active account with the same e-mail address."""
    user = user_by_email(session, email or "")
    if user is None:
        raise LoginFailed("no_account")
    if not user.active:
        raise LoginFailed("inactive")
    return actor_for_user(user)


def has_coordinator(session: Session) -> bool:
    """Whether an active coordinator account exists (then the first-run form is gone)."""
    stmt = (
        select(func.count())
        .select_from(User)
        .where(User.role == Role.COORDINATOR.value, User.active.is_(True))
    )
    return bool(session.scalar(stmt))


def _cities(session: Session, city_ids: list[int] | tuple[int, ...]) -> list[City]:
    cities = list(session.scalars(select(City).where(City.id.in_(city_ids)))) if city_ids else []
    missing = set(city_ids) - {c.id for c in cities}
    if missing:
        raise AccountError("unknown_city", city=", ".join(str(i) for i in sorted(missing)))
    return cities


def _new_user(
    session: Session,
    *,
    email: str,
    role: Role | str,
    password: str | None,
    name: str,
    city_ids: list[int] | tuple[int, ...],
) -> User:
    textfields.check_all(email=email, name=name)
    email = normalise_email(email)
    if not EMAIL_RE.match(email):
        raise AccountError("email_invalid", email=email)
    try:
        role = Role(role)
    except ValueError as exc:
        raise AccountError("role_invalid", role=role) from exc
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError("email_taken", email=email)
    if role is Role.CITY_LEAD and not city_ids:
        raise AccountError("city_required")
    if password is not None:
        check_password(password, email=email, name=name)
    user = User(
        email=email,
        name=name.strip(),
        role=role.value,
        password_hash=passwords.hash_password(password) if password is not None else None,
        active=True,
        failed_logins=0,
    )
    user.cities = _cities(session, city_ids) if role is Role.CITY_LEAD else []
    session.add(user)
    session.flush()
    return user


def add_user(
    session: Session,
    actor: Actor,
    *,
    email: str,
    role: Role | str,
    password: str | None,
    name: str = "",
    city_ids: list[int] | tuple[int, ...] = (),
) -> UserInfo:
    """Create an account (coordinators only). ``password=None`` means SSO-only."""
    require(actor, Action.MANAGE_USERS)
    with session.begin_nested():
        user = _new_user(
            session, email=email, role=role, password=password, name=name, city_ids=city_ids
        )
        audit.record(session, actor, "user_add", user.email, f"role={user.role}")
    log_event("account_added", actor=actor.email, email=user.email, role=user.role)
    return _info(user)


def bootstrap_coordinator(session: Session, *, email: str, password: str, name: str = "") -> Actor:
    """Create the first coordinator; refused once an active coordinator exists."""
    if has_coordinator(session):
        raise PermissionDenied("a coordinator already exists; the first-run form is closed")
    with session.begin_nested():
        user = _new_user(
            session,
            email=email,
            role=Role.COORDINATOR,
            password=password,
            name=name,
            city_ids=(),
        )
        created = actor_for_user(user)
        audit.record(session, created, "user_bootstrap", user.email, "role=coordinator")
    return created


def _target(session: Session, email: str) -> User:
    user = user_by_email(session, email)
    if user is None:
        raise AccountError("unknown_user", email=normalise_email(email))
    return user


def deactivate_user(session: Session, actor: Actor, email: str) -> None:
    """Switch an account off (coordinators only); its history stays."""
    require(actor, Action.MANAGE_USERS)
    user = _target(session, email)
    if actor.user_id is not None and user.id == actor.user_id:
        raise AccountError("self_deactivate")
    user.active = False
    end_sessions(session, user.id, "deactivated")
    audit.record(session, actor, "user_deactivate", user.email)
    session.flush()
    log_event("account_deactivated", actor=actor.email, email=user.email)


def reactivate_user(session: Session, actor: Actor, email: str) -> None:
    """Switch an account back on (coordinators only)."""
    require(actor, Action.MANAGE_USERS)
    user = _target(session, email)
    user.active = True
    user.failed_logins = 0
    user.locked_until = None
    audit.record(session, actor, "user_reactivate", user.email)
    session.flush()
    log_event("account_reactivated", actor=actor.email, email=user.email)


def reset_password(session: Session, actor: Actor, email: str, password: str) -> None:
    """Set a new password and lift any lockout (coordinators only)."""
    require(actor, Action.MANAGE_USERS)
    user = _target(session, email)
    check_password(password, email=user.email, name=user.name)
    user.password_hash = passwords.hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    # Whoever knew the old password may be signed in somewhere: end all of it.
    end_sessions(session, user.id, "password_reset")
    audit.record(session, actor, "user_password_reset", user.email)
    session.flush()
    log_event("password_reset", actor=actor.email, email=user.email)


def set_role(
    session: Session,
    actor: Actor,
    email: str,
    role: Role | str,
    city_ids: list[int] | tuple[int, ...] = (),
) -> None:
    """Give an account another role or a city lead other cities (coordinators only).

    A new role ends all the account's sessions.
    """
    require(actor, Action.MANAGE_USERS)
    user = _target(session, email)
    try:
        role = Role(role)
    except ValueError as exc:
        raise AccountError("role_invalid", role=role) from exc
    if actor.user_id is not None and user.id == actor.user_id and role is not Role.COORDINATOR:
        raise AccountError("self_demote")
    if role is Role.CITY_LEAD and not city_ids:
        raise AccountError("city_required")
    cities = _cities(session, city_ids) if role is Role.CITY_LEAD else []
    if user.role != role.value:
        user.role = role.value
        user.cities = cities
        # Permissions follow the role; a session opened under the old role must not outlive it.
        end_sessions(session, user.id, "role_change")
        audit.record(session, actor, "user_role", user.email, f"role={role.value}")
        log_event("account_role_set", actor=actor.email, email=user.email, role=role.value)
    elif {c.id for c in user.cities} != {c.id for c in cities}:
        # Sessions resolve the account on every run: the new cities apply at once.
        user.cities = cities
        names = ", ".join(c.name for c in cities)
        audit.record(session, actor, "user_cities", user.email, names)
        log_event("account_cities_set", actor=actor.email, email=user.email, city_ids=city_ids)
    session.flush()


def _info(user: User) -> UserInfo:
    return UserInfo(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        active=user.active,
        city_ids=tuple(c.id for c in user.cities),
        city_names=tuple(c.name for c in user.cities),
        locked_until=user.locked_until,
    )


def find_user(session: Session, actor: Actor, email: str) -> UserInfo:
    """One account as plain data (coordinators only)."""
    require(actor, Action.MANAGE_USERS)
    return _info(_target(session, email))


def list_users(session: Session, actor: Actor) -> list[UserInfo]:
    """All accounts as plain data (coordinators only)."""
    require(actor, Action.MANAGE_USERS)
    stmt = select(User).options(selectinload(User.cities)).order_by(User.email)
    return [_info(u) for u in session.scalars(stmt)]
