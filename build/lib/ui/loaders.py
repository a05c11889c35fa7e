"""Cached loaders: they return DataFrames or plain dataclasses, never ORM objects."""

from __future__ import annotations

from sqlalchemy.orm import Session

from estafette import leergang, phases, workshop
from ui.core import cached, engine, read_data_version


@cached
def phase_list(url: str) -> list[phases.PhaseInfo]:
    """The five phases."""
    with Session(engine(url)) as session:
        return phases.list_phases(session)


@cached
def workshop_content(url: str) -> dict[str, list]:
    """Everything the workshop produced, for the overview and method pages."""
    with Session(engine(url)) as session:
        return {
            "themes": workshop.themes(session),
            "wishes": workshop.wishes(session),
            "ideal_images": workshop.outcomes(session, "ideal_image"),
            "first_steps": workshop.outcomes(session, "first_step"),
            "evaluation_quotes": workshop.outcomes(session, "evaluation_quote"),
        }


@cached
def modules(url: str) -> list[leergang.ModuleInfo]:
    """The Leergang modules with topics."""
    with Session(engine(url)) as session:
        return leergang.list_modules(session)


def clear() -> None:
    """After a write: read the new data version, so this run's loaders see the write.

    Other sessions and processes see it on their next rerun (their caches are keyed on it).
    """
    read_data_version()
