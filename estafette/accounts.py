"""Who is acting: the Actor passed to every domain function that checks permissions.

Also the local accounts (argon2id hashes), login with lockout, SSO mapping by e-mail, the
first-coordinator bootstrap and the role × action permission matrix.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from estafette.models import City, Role, User, utcnow


class PermissionDenied(Exception):
    """Raised by domain functions when the actor may not do this; nothing has been written."""


@dataclass(frozen=True)
class Actor:
    """The signed-in user (or an anonymous visitor, role None) as plain data."""

    email: str = ""
    role: Role | None = None
    user_id: int | None = None
    name: str = ""
    city_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def label(self) -> str:
        """How the actor is named in histories."""
        return self.name or self.email or "anoniem"

    @property
    def is_anonymous(self) -> bool:
        """Whether nobody is signed in."""
        return self.role is None


ANONYMOUS = Actor()
# The command line runs on the server with direct database access: it acts as a coordinator.
SYSTEM = Actor(email="beheer@localhost", role=Role.COORDINATOR, name="Beheer (CLI)")


def require_role(actor: Actor, *roles: Role) -> None:
    """Raise PermissionDenied unless the actor has one of ``roles``."""
    if actor.role not in roles:
        raise PermissionDenied(f"{actor.label} ({actor.role}) may not do this")


# --- permission matrix ---------------------------------------------------------------------


class Action(enum.StrEnum):
    """Everything the permission matrix decides about."""

    EDIT_STATUS = "edit_status"
    MANAGE_USERS = "manage_users"
    MANAGE_CITIES = "manage_cities"
    MANAGE_DIALOGUES = "manage_dialogues"
    RECORD_HANDOVER = "record_handover"
    IMPORT_DATA = "import_data"
    EXPORT_DATA = "export_data"
    EXPORT_BACKUP = "export_backup"
    # Edit a city's or dialogue's details and archive or restore them (estafette.edits).
    EDIT_RELAY = "edit_relay"
    ARCHIVE = "archive"


# Actions a role may take; EDIT_STATUS for a city lead is further limited to their cities.
MATRIX: dict[Role | None, frozenset[Action]] = {
    Role.COORDINATOR: frozenset(Action),
    Role.CITY_LEAD: frozenset({Action.EDIT_STATUS, Action.EXPORT_DATA}),
    Role.TRAINER: frozenset({Action.EXPORT_DATA}),
    None: frozenset(),
}


def can(actor: Actor, action: Action | str, *, city_id: int | None = None) -> bool:
    """Whether ``actor`` may do ``action`` (for the city ``city_id`` where that matters)."""
    action = Action(action)
    if action not in MATRIX.get(actor.role, frozenset()):
        return False
    if actor.role is Role.CITY_LEAD and action is Action.EDIT_STATUS and city_id is not None:
        return city_id in actor.city_ids
    return True


def require(actor: Actor, action: Action | str, *, city_id: int | None = None) -> None:
    """Raise PermissionDenied unless ``can(actor, action, city_id=...)``."""
    if not can(actor, action, city_id=city_id):
        raise PermissionDenied(f"{actor.label} ({actor.role}) may not {action} (city {city_id})")


def may_read(actor: Actor, anonymous_read: bool) -> bool:
    """Whether the actor may see the overview, map and timeline."""
    return not actor.is_anonymous or anonymous_read


# --- accounts ------------------------------------------------------------------------------

MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


class AccountError(Exception):
    """Invalid account input; ``code`` is the translation key suffix (``user.error.<code>``)."""

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(code)
        self.code = code
        self.values = values


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


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def _verify(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# Verifying against a fixed hash for unknown addresses keeps response times alike.
_DUMMY_HASH = _hasher.hash("estafette-dummy-password")


def normalise_email(email: str) -> str:
    """E-mail addresses compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def check_password(password: str) -> None:
    """Raise AccountError when the password is too weak to store."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password_short", min=MIN_PASSWORD_LENGTH)


def actor_for_user(user: User) -> Actor:
    """The Actor for an account."""
    return Actor(
        email=user.email,
        role=Role(user.role),
        user_id=user.id,
        name=user.name,
        city_ids=frozenset(c.id for c in user.cities),
    )


def _user_by_email(session: Session, email: str) -> User | None:
    stmt = (
        select(User).where(User.email == normalise_email(email)).options(selectinload(User.cities))
    )
    return session.scalar(stmt)


def authenticate(
    session: Session, email: str, password: str, *, now: dt.datetime | None = None
) -> Actor:
    """Check e-mail and password; counts failures and locks after MAX_FAILED_LOGINS.

    Commits the failure counter itself (the caller's transaction would roll it back).
    """
    now = now or utcnow()
    user = _user_by_email(session, email)
    if user is None:
        _verify(_DUMMY_HASH, password)
        raise LoginFailed("invalid")
    if user.locked_until is not None and user.locked_until > now:
        # No verification while locked: guessing on is pointless, even with the right password.
        raise LoginFailed("locked", user.locked_until)
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
            session.commit()
            raise LoginFailed("locked", user.locked_until)
        session.commit()
        raise LoginFailed("invalid")
    if not user.active:
        raise LoginFailed("inactive")
    if user.failed_logins or user.locked_until is not None:
        user.failed_logins = 0
        user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    session.commit()
    return actor_for_user(user)


def sso_actor(session: Session, email: str) -> Actor:
    """Map an OIDC login to the active account with the same e-mail address."""
    user = _user_by_email(session, email or "")
    if user is None:
        raise LoginFailed("no_account")
    if not user.active:
        raise LoginFailed("inactive")
    return actor_for_user(user)


def refresh_actor(session: Session, actor: Actor) -> Actor:
    """The actor as the database sees it now (anonymous when the account is gone or inactive)."""
    if actor.user_id is None:
        return actor
    user = session.get(User, actor.user_id, options=[selectinload(User.cities)])
    if user is None or not user.active:
        return ANONYMOUS
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
        check_password(password)
    user = User(
        email=email,
        name=name.strip(),
        role=role.value,
        password_hash=hash_password(password) if password is not None else None,
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
    return actor_for_user(user)


def _target(session: Session, email: str) -> User:
    user = _user_by_email(session, email)
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
    session.flush()


def reactivate_user(session: Session, actor: Actor, email: str) -> None:
    """Switch an account back on (coordinators only)."""
    require(actor, Action.MANAGE_USERS)
    user = _target(session, email)
    user.active = True
    user.failed_logins = 0
    user.locked_until = None
    session.flush()


def reset_password(session: Session, actor: Actor, email: str, password: str) -> None:
    """Set a new password and lift any lockout (coordinators only)."""
    require(actor, Action.MANAGE_USERS)
    user = _target(session, email)
    check_password(password)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session.flush()


def set_user_cities(session: Session, actor: Actor, email: str, city_ids: list[int]) -> None:
    """Assign the cities a city lead may edit (coordinators only)."""
    require(actor, Action.MANAGE_USERS)
    user = _target(session, email)
    if user.role == Role.CITY_LEAD.value and not city_ids:
        raise AccountError("city_required")
    user.cities = _cities(session, city_ids)
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


def list_users(session: Session, actor: Actor) -> list[UserInfo]:
    """All accounts as plain data (coordinators only)."""
    require(actor, Action.MANAGE_USERS)
    stmt = select(User).options(selectinload(User.cities)).order_by(User.email)
    return [_info(u) for u in session.scalars(stmt)]
