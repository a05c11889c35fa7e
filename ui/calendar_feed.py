"""The planning as an .ics calendar to download (Stad page: one city; timeline: a choice)."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.orm import Session

from estafette import calendar_feed
from ui.core import data_version_seen, engine, language, settings, t


@st.cache_data(show_spinner=False, max_entries=16)
def _calendar_bytes(url: str, version: int, city: str | None, lang: str, base_url: str) -> bytes:
    # Keyed on the data version passed in: a click is served outside a script run, where the
    # session's version cannot be looked up.
    with Session(engine(url)) as session:
        return calendar_feed.build(session, city, lang, base_url)


def calendar_file(url: str, city: str | None, lang: str, base_url: str) -> bytes:
    """The .ics file of planned phase dates (one city or all)."""
    return _calendar_bytes(url, data_version_seen(), city, lang, base_url)


def calendar_download(url: str, city_names: list[str], key: str, city: str | None = None) -> None:
    """A download button for the planning as .ics; without ``city`` a city choice comes first."""
    if city is None and city_names:
        city = st.selectbox(
            t("calendar.scope"),
            [None, *city_names],
            format_func=lambda name: t("calendar.all_cities") if name is None else name,
            key=f"{key}.city",
        )
    lang, base_url, version = language(), settings().base_url, data_version_seen()

    def build() -> bytes:
        # Deferred: the file is built when someone clicks, not on every run of the page (a
        # national calendar takes about a second to write). The values are bound now, because
        # the click is served outside this script run.
        return _calendar_bytes(url, version, city, lang, base_url)

    st.download_button(
        t("calendar.download"),
        data=build,
        file_name=calendar_feed.file_name(city),
        mime=calendar_feed.MIME_TYPE,
        help=t("calendar.download_help"),
        icon=":material/calendar_month:",
        key=key,
    )
