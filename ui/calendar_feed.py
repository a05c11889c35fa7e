"""The planning as an .ics calendar (Stad page: one city; timeline: a choice).

The button is a link to the app's own route (``web/calendar.py``), not a deferred
``st.download_button``: Streamlit may delete a deferred file before the browser fetched it.
"""

from __future__ import annotations

import streamlit as st

from estafette import calendar_feed
from ui.core import language, settings, t


def calendar_download(city_names: list[str], key: str, city: str | None = None) -> None:
    """A link that downloads the planning as .ics; without ``city`` a city choice comes first."""
    if city is None and city_names:
        city = st.selectbox(
            t("calendar.scope"),
            [None, *city_names],
            format_func=lambda name: t("calendar.all_cities") if name is None else name,
            key=f"{key}.city",
        )
    help_text = t("calendar.download_help")
    if settings().anonymous_read:
        # Only a public address works in a calendar app: it sends no session cookie.
        help_text = f"{help_text} {t('calendar.subscribe_help')}"
    st.link_button(
        t("calendar.download"),
        # Same-site and relative: it works under any host name and behind any proxy.
        calendar_feed.feed_path(city, language()),
        help=help_text,
        icon=":material/calendar_month:",
        key=key,
    )
