"""The five phases of the appreciative dialogue approach and what "current phase" means."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from estafette.models import Phase, Status

STATUSES: tuple[str, ...] = tuple(s.value for s in Status)


@dataclass(frozen=True)
class PhaseInfo:
    """A phase as plain data, safe to cache in the UI."""

    code: str
    position: int
    name: str
    description: str
    description_en: str


def list_phases(session: Session) -> list[PhaseInfo]:
    """All phases in their order."""
    phases = session.scalars(select(Phase).order_by(Phase.position))
    return [PhaseInfo(p.code, p.position, p.name, p.description, p.description_en) for p in phases]


def current_position(statuses: Sequence[str]) -> int:
    """Index of the current phase, given the statuses of the phases in order.

    The current phase is the furthest phase that has left "niet gestart": a dialogue that
    finished Verkennen but has not begun Verbeelden is still at (a finished) Verkennen.
    """
    current = 0
    for index, status in enumerate(statuses):
        if status != Status.NIET_GESTART:
            current = index
    return current
