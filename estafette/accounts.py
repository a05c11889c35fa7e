"""Who is acting: the Actor passed to every domain function that checks permissions."""

from __future__ import annotations

from dataclasses import dataclass, field

from estafette.models import Role


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


def require_role(actor: Actor, *roles: Role) -> None:
    """Raise PermissionDenied unless the actor has one of ``roles``."""
    if actor.role not in roles:
        raise PermissionDenied(f"{actor.label} ({actor.role}) may not do this")
