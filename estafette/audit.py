"""The audit log: who did which administrative action, when, on what.

Administrative actions are account changes (add, deactivate, reactivate, password reset,
roles and cities), cities and dialogues, hand-overs, imports, restores and privacy actions.
Coordinators read the log in Beheer. Entries name the actor and the target as labels; the
privacy ``forget`` action replaces a forgotten person's labels here too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import desc, select
from sqlalchemy.orm import Session

from estafette.models import AuditEntry, utcnow
from estafette.permissions import Action, Actor, require


def record(session: Session, actor: Actor, action: str, target: str = "", detail: str = "") -> None:
    """Append an entry in the caller's transaction (so it is kept exactly when the action is)."""
    session.add(
        AuditEntry(
            at=utcnow(), actor=actor.label, action=action, target=target[:254], detail=detail
        )
    )


@dataclass(frozen=True)
class AuditView:
    """An audit entry as plain data."""

    at: dt.datetime
    actor: str
    action: str
    target: str
    detail: str


def entries(session: Session, actor: Actor, limit: int = 500) -> list[AuditView]:
    """The newest entries first (coordinators only)."""

    require(actor, Action.READ_AUDIT)
    stmt = select(AuditEntry).order_by(desc(AuditEntry.id)).limit(limit)
    return [AuditView(e.at, e.actor, e.action, e.target, e.detail) for e in session.scalars(stmt)]
