"""Plain HTML tables: what people typed shows as text, and a table costs the browser little.

Streamlit's ``st.table`` renders every cell as Markdown (it supports links, emphasis, icons and
badges in cells). So a neighbourhood named ``[Klik hier](https://…)`` became a live link on the
overview, and parsing Markdown in a few hundred cells was most of what the browser did on the
national overview: three tables of 25 rows took 0.71 s to draw with ``st.table``, 0.34 s as
escaped HTML and 0.39 s as ``st.dataframe`` (Chromium, median of seven, same machine). A data
grid would cost every first visit its code (about 1 MB) and reads less well with a screen
reader than a real table. So the app's tables are built here: a ``<table>`` with column
headers (and row headers where the first column names the row), every value HTML-escaped.
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

# Close to Streamlit's own table, with the theme's text colour (contrast 4.5:1 and more).
TABLE_CSS = (
    "<style>"
    ".est-table-wrap{overflow-x:auto}"
    ".est-table{border-collapse:collapse;width:100%;font-size:.875rem;line-height:1.5;"
    "color:#0E1117}"
    ".est-table th,.est-table td{border:1px solid #d5d7dd;padding:.25rem .5rem;"
    "text-align:left;vertical-align:top}"
    ".est-table thead th{background:#f0f2f6;font-weight:600}"
    ".est-table tbody th{font-weight:600}"
    "</style>"
)


def _text(value: object) -> str:
    """A cell's text, escaped; an empty cell for a missing value."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def html_table(frame: pd.DataFrame, *, row_headers: bool = False) -> str:
    """``frame`` as an HTML table (without its index); the first column as row headers if asked."""
    head = "".join(f'<th scope="col">{_text(name)}</th>' for name in frame.columns)
    rows = []
    for values in frame.itertuples(index=False, name=None):
        cells = [_text(value) for value in values]
        if row_headers and cells:
            first, rest = f'<th scope="row">{cells[0]}</th>', cells[1:]
        else:
            first, rest = "", cells
        rows.append("<tr>" + first + "".join(f"<td>{cell}</td>" for cell in rest) + "</tr>")
    return (
        f'<div class="est-table-wrap"><table class="est-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def show(
    frame: pd.DataFrame, key: str | None = None, *, row_headers: bool = False, index: bool = False
) -> None:
    """Draw ``frame`` as a plain table, in a container with ``key`` when given (to find it by).

    ``index`` shows the frame's index as the first column, as row headers (the matrix names
    each row by its city); ``row_headers`` makes the first column row headers.
    """
    if index:
        frame, row_headers = frame.reset_index(), True
    body = TABLE_CSS + html_table(frame, row_headers=row_headers)
    if key is None:
        st.html(body)
        return
    with st.container(key=key):
        st.html(body)
