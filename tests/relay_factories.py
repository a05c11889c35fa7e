"""Test helpers for the coordinator's views: change a phase record the way the app must,
appending one StatusEvent per changed field (the time-travel contract of models.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from estafette.models import Dialogue, PhaseRecord, StatusEvent


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def change(
    session: Session, record: PhaseRecord, at: dt.datetime, actor: str, **fields: object
) -> PhaseRecord:
    """Set fields on ``record`` at moment ``at`` and log one StatusEvent per changed field."""
    for field, new in fields.items():
        old = getattr(record, field)
        if old == new:
            continue
        setattr(record, field, new)
        session.add(
            StatusEvent(
                record=record,
                at=at,
                actor=actor,
                field=field,
                old_value=_text(old),
                new_value=_text(new),
            )
        )
    record.updated_at = at
    record.updated_by = actor
    session.flush()
    return record


def phase(dialogue: Dialogue, position: int) -> PhaseRecord:
    """The record of phase ``position`` (1–5) of ``dialogue``."""
    return next(r for r in dialogue.records if r.phase.position == position)
