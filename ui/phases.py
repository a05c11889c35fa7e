"""The five phases of a dialogue, as the method page describes them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from estafette import phases
from ui.core import cached_content, engine


@cached_content
def phase_list(url: str) -> list[phases.PhaseInfo]:
    """The five phases."""
    with Session(engine(url)) as session:
        return phases.list_phases(session)
