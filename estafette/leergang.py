"""The Leergang Wijkdialoog: its modules and their topics."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from estafette.models import LeergangModule


@dataclass(frozen=True)
class ModuleInfo:
    """A Leergang module as plain data."""

    code: str
    name: str
    description: str
    topics: tuple[str, ...]


def list_modules(session: Session) -> list[ModuleInfo]:
    """All Leergang modules in course order, with their topics."""
    stmt = (
        select(LeergangModule)
        .options(selectinload(LeergangModule.topics))
        .order_by(LeergangModule.position)
    )
    return [
        ModuleInfo(m.code, m.name, m.description, tuple(t.name for t in m.topics))
        for m in session.scalars(stmt)
    ]
