"""The steering-group progress report (overview): made on request, then downloaded."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from sqlalchemy.orm import Session

from ui import folds
from ui.core import cached, engine, language, t

REPORT_KEY = "estafette.overview.report"
OPEN_KEY = folds.open_key(REPORT_KEY)
# estafette.report is imported where used: its DOCX and PDF writers are slow to import, and most
# views of the overview never make a report.


@cached
def report_file(url: str, as_of: dt.date, fmt: str, lang: str, stale_days: int) -> bytes:
    """The steering-group report as of a date (DOCX or PDF)."""
    from estafette import report

    with Session(engine(url)) as session:
        return report.build(session, as_of, fmt, lang, stale_days=stale_days)


def report_download(url: str, as_of: dt.date | None, stale_days: int) -> None:
    """Make the report on request (it takes seconds), then offer it for download."""
    from estafette import report

    # Its date, format and button are drawn only while the expander is open (ui.folds): folded,
    # they still cost every view of the overview their widgets (the date picker's code included).
    box = folds.when_open(
        st.expander, t("report.section"), REPORT_KEY, icon=":material/description:"
    )
    if box is None:
        return
    with box:
        left, right = st.columns(2)
        day = left.date_input(
            t("report.as_of"),
            value=as_of or dt.date.today(),
            format="DD-MM-YYYY",
            key=f"{REPORT_KEY}.as_of",
        )
        fmt = right.radio(
            t("report.format"), report.FORMATS, horizontal=True, key=f"{REPORT_KEY}.format"
        )
        if st.button(t("report.make"), key=f"{REPORT_KEY}.make", icon=":material/description:"):
            with st.spinner(t("report.make")):
                data = report_file(url, day, fmt, language(), stale_days)
            st.session_state[f"{REPORT_KEY}.file"] = (report.file_name(day, fmt), fmt, data)
        made = st.session_state.get(f"{REPORT_KEY}.file")
        if made:
            name, made_fmt, data = made
            st.download_button(
                t("report.download"),
                data=data,
                file_name=name,
                mime=report.MIME_TYPES[made_fmt],
                icon=":material/download:",
                key=f"{REPORT_KEY}.download",
            )
