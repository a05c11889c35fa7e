"""Who is acting (the Actor passed to every domain function) and what each role may do."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from estafette.errors import DomainError
from estafette.models import Role


class PermissionDenied(DomainError):
    """Raised by domain functions when the actor may not do this; nothing has been written."""

    prefix = "auth.permission"

    def __init__(self, detail: str = "") -> None:
        super().__init__("denied", detail)


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
    # Reading: the dashboard (overview, map, timeline, method) and what holds personal data
    # (lessons with authors' names and residents' quotes, the Leergang and its handouts).
    READ_DASHBOARD = "read_dashboard"
    READ_LESSONS = "read_lessons"
    READ_COURSE = "read_course"
    PROPOSE_LESSON = "propose_lesson"
    MANAGE_PRIVACY = "manage_privacy"
    READ_AUDIT = "read_audit"
    # Edit a city's or dialogue's details and archive or restore them (estafette.edits).
    EDIT_RELAY = "edit_relay"
    ARCHIVE = "archive"


# Everything a signed-in person of any role may read or do.
_SIGNED_IN = frozenset(
    {Action.READ_DASHBOARD, Action.READ_LESSONS, Action.READ_COURSE, Action.PROPOSE_LESSON}
)
# Actions a role may take; EDIT_STATUS for a city lead is further limited to their cities.
MATRIX: dict[Role | None, frozenset[Action]] = {
    Role.COORDINATOR: frozenset(Action),
    Role.CITY_LEAD: _SIGNED_IN | {Action.EDIT_STATUS, Action.EXPORT_DATA},
    Role.TRAINER: _SIGNED_IN | {Action.EXPORT_DATA},
    None: frozenset(),
}
# With anonymous reading switched on (ESTAFETTE_ANONYMOUS_READ), visitors get exactly this:
# overview, map, timeline and method. Never lessons, the Leergang or any course download.
ANONYMOUS_READ: frozenset[Action] = frozenset({Action.READ_DASHBOARD})


def can(
    actor: Actor,
    action: Action | str,
    *,
    city_id: int | None = None,
    anonymous_read: bool = False,
) -> bool:
    """Whether ``actor`` may do ``action`` (for the city ``city_id`` where that matters).

    ``anonymous_read`` is the installation's setting: it opens ANONYMOUS_READ to visitors.
    """
    action = Action(action)
    allowed = MATRIX.get(actor.role, frozenset())
    if actor.is_anonymous and anonymous_read:
        allowed = allowed | ANONYMOUS_READ
    if action not in allowed:
        return False
    if actor.role is Role.CITY_LEAD and action is Action.EDIT_STATUS and city_id is not None:
        return city_id in actor.city_ids
    return True


def require(
    actor: Actor,
    action: Action | str,
    *,
    city_id: int | None = None,
    anonymous_read: bool = False,
) -> None:
    """Raise PermissionDenied unless ``can(actor, action, city_id=..., anonymous_read=...)``."""
    if not can(actor, action, city_id=city_id, anonymous_read=anonymous_read):
        raise PermissionDenied(f"{actor.label} ({actor.role}) may not {action} (city {city_id})")


def may_read(actor: Actor, anonymous_read: bool) -> bool:
    """Whether the actor may see the overview, map, timeline and method."""
    return can(actor, Action.READ_DASHBOARD, anonymous_read=anonymous_read)
