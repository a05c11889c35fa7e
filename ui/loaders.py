"""Cached loaders: they return DataFrames or plain dataclasses, never ORM objects."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.orm import Session

from estafette import leergang, phases, workshop
from ui.core import engine


@st.cache_data(show_spinner=False)
def phase_list(url: str) -> list[phases.PhaseInfo]:
    """The five phases."""
    with Session(engine(url)) as session:
        return phases.list_phases(session)


@st.cache_data(show_spinner=False)
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


@st.cache_data(show_spinner=False)
def modules(url: str) -> list[leergang.ModuleInfo]:
    """The Leergang modules with topics."""
    with Session(engine(url)) as session:
        return leergang.list_modules(session)


def clear() -> None:
    """Drop every cached loader result, after a write."""
    st.cache_data.clear()
