"""The dialogues a person can pick (the status page, lessons): in relay order, with their phase.

Which of them the person may edit comes from ``estafette.permissions``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from estafette.models import City, Dialogue, Phase, PhaseRecord, Status
from estafette.permissions import Action, Actor, can
from estafette.phases import current_position


@dataclass(frozen=True)
class DialogueChoice:
    """A dialogue as a picker option: its place, its current phase, whether one may edit it."""

    id: int
    city_id: int
    city: str
    neighbourhood: str
    theme: str
    current_phase_code: str
    editable: bool


def dialogue_choices(session: Session, actor: Actor | None = None) -> list[DialogueChoice]:
    """All dialogues in relay order with the phase each is in now.

    With ``actor``, ``editable`` says whether they may edit its status, and those come first.
    """
    stmt = (
        select(Dialogue)
        .join(Dialogue.city)
        .where(Dialogue.archived_at.is_(None), City.archived_at.is_(None))
        .options(selectinload(Dialogue.city))
        .order_by(City.leg, Dialogue.id)
    )
    dialogues = list(session.scalars(stmt))
    phases = [code for (code,) in session.execute(select(Phase.code).order_by(Phase.position))]
    # Plain rows, not records: the status page reads this list on every run.
    statuses: dict[int, dict[str, str]] = {}
    rows = session.execute(
        select(PhaseRecord.dialogue_id, Phase.code, PhaseRecord.status).join(PhaseRecord.phase)
    )
    for dialogue_id, code, status in rows:
        statuses.setdefault(dialogue_id, {})[code] = status
    choices = []
    for d in dialogues:
        by_code = statuses.get(d.id, {})
        position = current_position([by_code.get(code, Status.NIET_GESTART) for code in phases])
        choices.append(
            DialogueChoice(
                id=d.id,
                city_id=d.city_id,
                city=d.city.name,
                neighbourhood=d.neighbourhood or "",
                theme=d.theme or "",
                current_phase_code=phases[position] if phases else "",
                editable=False,
            )
        )
    return for_actor(choices, actor) if actor is not None else choices


def from_summary(summary: pd.DataFrame, phase_codes: dict[int, str]) -> list[DialogueChoice]:
    """``dialogue_choices`` (without an actor) from a ``summarise`` frame, in relay order.

    The status page needs this list on every run; the summary is computed once per data
    version for the dashboards anyway, so no second read of every dialogue and status.
    """
    ordered = summary.sort_values(["leg", "dialogue_id"], kind="stable")
    # Whole columns as Python lists: quicker than a named tuple per row at a thousand rows.
    columns = [
        ordered[name].tolist()
        for name in ("dialogue_id", "city_id", "city", "neighbourhood", "theme", "current_position")
    ]
    return [
        DialogueChoice(
            id=int(dialogue_id),
            city_id=int(city_id),
            city=str(city),
            neighbourhood=str(neighbourhood or ""),
            theme=str(theme or ""),
            current_phase_code=phase_codes.get(int(position), ""),
            editable=False,
        )
        for dialogue_id, city_id, city, neighbourhood, theme, position in zip(*columns, strict=True)
    ]


def for_actor(choices: list[DialogueChoice], actor: Actor) -> list[DialogueChoice]:
    """The choices with ``editable`` for ``actor``, the ones they may edit first."""
    allowed: dict[int, bool] = {}

    def editable(city_id: int) -> bool:
        # Once per city, not per dialogue: permissions depend on the city alone.
        if city_id not in allowed:
            allowed[city_id] = can(actor, Action.EDIT_STATUS, city_id=city_id)
        return allowed[city_id]

    mine = [replace(c, editable=True) for c in choices if editable(c.city_id)]
    others = [
        replace(c, editable=False) if c.editable else c for c in choices if not allowed[c.city_id]
    ]
    return [*mine, *others]
