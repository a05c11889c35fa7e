"""A page choice for a long table: number input and "26–50 of 312" caption (overview)."""

from __future__ import annotations

import streamlit as st

from estafette.paging import Page
from ui.core import t


def requested(key: str) -> int:
    """The page number asked for (the loader clamps it to the pages that exist)."""
    return int(st.session_state.get(key, 1))


def pager(at: Page, key: str, what: str) -> None:
    """With more than one page: the page number input and which rows the page shows.

    ``what`` names the list in the catalog: ``paging.<what>.label`` and ``.range``.
    """
    if at.pages < 2:
        return
    # Fewer pages after a filter change: stay on the last one that exists. Set before the
    # widget is drawn, so the input shows the clamped page.
    st.session_state[key] = at.number
    st.number_input(
        t(f"paging.{what}.label", pages=at.pages),
        min_value=1,
        max_value=at.pages,
        step=1,
        key=key,
        # A width of its own rather than a column: two layout blocks less per table.
        width=240,
    )
    st.caption(t(f"paging.{what}.range", first=at.first, last=at.last, total=at.total))
