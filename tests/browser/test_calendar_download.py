"""The timeline's calendar link downloads the relay's planning from /agenda.ics.

The link used to be a deferred ``st.download_button``, whose file Streamlit may delete before the
browser fetched it (any finished script run, such as the timeline's 2 s poll, cleans up files no
session refers to). The route answers on its own, whatever the app's sessions do meanwhile.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import Download, Page

from estafette import db, seed
from tests.browser.streamlit_page import goto, widget

pytestmark = pytest.mark.browser


def test_calendar_link_downloads_the_planning(server_factory, browser, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'calendar.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    seed.seed(engine)
    # Three demo dialogues with five planned phases each: fifteen events.
    seed.add_demo(engine, today=dt.date(2025, 6, 1))
    engine.dispose()
    server = server_factory(url)
    context = browser.new_context(accept_downloads=True)
    # A link button opens a new tab; Chromium reports the download on the tab that opened it,
    # which closes again at once. Listen on every page of the context, from before the first.
    downloads: list[Download] = []

    def listen(tab: Page) -> None:
        tab.on("download", lambda download: downloads.append(download))

    context.on("page", listen)
    try:
        page = context.new_page()
        goto(page, f"{server.url}/tijdlijn")
        link = widget(page, "estafette.timeline.calendar").get_by_role(
            "link", name="Agenda (.ics) downloaden"
        )
        assert link.get_attribute("href") == "/agenda.ics?lang=nl"
        link.click()
        deadline = time.monotonic() + 30
        while not downloads and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert downloads, "no download within 30 s"
        download = downloads[0]
        assert download.url.startswith(f"{server.url}/agenda.ics")
        assert download.suggested_filename == "estafette-planning.ics"
        calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
        summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
        assert len(summaries) == 15
        phases = ("Verkennen", "Verbeelden", "Vormgeven", "Evalueren", "Vervolgen")
        assert all(any(name in s for name in phases) for s in summaries)
    finally:
        context.close()
