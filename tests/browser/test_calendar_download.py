"""The timeline's calendar download is built on click (deferred) and holds the relay's planning."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest

from estafette import db, seed
from tests.browser.streamlit_page import goto, settle

pytestmark = pytest.mark.browser


def test_calendar_is_built_when_clicked(server_factory, browser, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'calendar.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    seed.seed(engine)
    # Three demo dialogues with five planned phases each: fifteen events.
    seed.add_demo(engine, today=dt.date(2025, 6, 1))
    engine.dispose()
    server = server_factory(url)
    context = browser.new_context(accept_downloads=True)
    try:
        page = context.new_page()
        goto(page, f"{server.url}/tijdlijn")
        button = page.get_by_role("button", name="Agenda (.ics) downloaden")
        button.wait_for(timeout=30_000)
        settle(page)
        with page.expect_download(timeout=30_000) as download:
            button.click()
        assert download.value.suggested_filename.endswith(".ics")
        calendar = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
        summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
        assert len(summaries) == 15
        phases = ("Verkennen", "Verbeelden", "Vormgeven", "Evalueren", "Vervolgen")
        assert all(any(name in s for name in phases) for s in summaries)
    finally:
        context.close()
