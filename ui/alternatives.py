"""Text alternatives of the charts: the map and the timeline as tables, below each chart."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from estafette import alternatives, charts, paging
from ui import folds, tables
from ui import paging as paging_ui
from ui.core import cached
from ui.filters import View
from ui.history import in_view, records_in_view
from ui.relay import empty_cities
from ui.timeline import TIMELINE_PAGE


@cached
def map_alternative(
    url: str, view: View, lang: str, page: int = 1
) -> tuple[pd.DataFrame, paging.Page]:
    """One page of the map in view as a table (its text alternative), and that page."""
    table = alternatives.map_table(in_view(url, view), empty_cities(url, view), lang)
    return paging.rows(table, page)


@cached
def timeline_alternative(
    url: str, view: View, lang: str, page: int = 1
) -> tuple[pd.DataFrame, paging.Page | None]:
    """The timeline page in view as a table (its text alternative: the same dialogues).

    It has no page input of its own (None): it shows the chart's page.
    """
    # The chart pages by dialogue; so does its table (at national scale the whole relay
    # would be thousands of rows sent on every rerun, for a chart of 25 dialogues).
    chosen, _ = charts.page_of(records_in_view(url, view), page, TIMELINE_PAGE)
    return alternatives.timeline_table(chosen, lang), None


def text_alternative(
    title: str,
    key: str,
    table: Callable[[], tuple[pd.DataFrame, paging.Page | None]],
    page_key: str = "",
) -> None:
    """A chart's facts as a table in an expander right below it (keyboard: Tab, Enter).

    Always a plain HTML table (ui.tables), read well by screen readers, and one page of it at a
    time: a data grid would make every visit to the map or timeline load the grid's code too.
    The table is built and sent only while the expander is open (ui.folds): a folded table
    still cost every view of the page its rows in the browser.
    """
    box = folds.when_open(st.expander, title, key)
    if box is None:
        return
    frame, page = table()
    with box:
        if page is not None:
            paging_ui.pager(page, page_key, "table")
        tables.show(frame, key, row_headers=True)
