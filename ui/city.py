"""Streamlit helpers of issue 13: the calendar download, the city page and dialogue view."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.orm import Session

from estafette import calendar_feed
from ui.core import engine, language, settings, t


@st.cache_data(show_spinner=False)
def calendar_file(url: str, city: str | None, lang: str, base_url: str) -> bytes:
    """The .ics file of planned phase dates (one city or all)."""
    with Session(engine(url)) as session:
        return calendar_feed.build(session, city, lang, base_url)


def calendar_download(url: str, city_names: list[str], key: str, city: str | None = None) -> None:
    """A download button for the planning as .ics; without ``city`` a city choice comes first."""
    if city is None and city_names:
        city = st.selectbox(
            t("calendar.scope"),
            [None, *city_names],
            format_func=lambda name: t("calendar.all_cities") if name is None else name,
            key=f"{key}.city",
        )
    st.download_button(
        t("calendar.download"),
        data=calendar_file(url, city, language(), settings().base_url),
        file_name=calendar_feed.file_name(city),
        mime=calendar_feed.MIME_TYPE,
        help=t("calendar.download_help"),
        icon=":material/calendar_month:",
        key=key,
    )
