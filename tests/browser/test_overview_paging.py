"""At national scale (1,000 dialogues) in Chromium: the overview's tables show a page each;
turning the matrix's page reruns only its fragment, and a live rerun keeps the page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from bench import data as bench_data
from estafette import db, history
from estafette.models import PhaseRecord
from tests.browser.streamlit_page import fill_and_settle, goto, settle, widget
from tests.factories import change

pytestmark = pytest.mark.browser

TIMEOUT = 90_000
# A change elsewhere shows within 5 s (see test_live.py); more on a loaded machine.
LIVE_MS = 15_000
# The tracker's last rerun request: ["rerun asked", fragment id] ("" for the whole page).
LAST_ASKED = """() => window.__estafetteRuns.log
    .filter(event => event[1] === 'rerun asked').map(event => event[2]).pop()"""


def test_national_overview_pages_its_tables(server_factory, page: Page, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'national.db'}"
    sizes, _ = bench_data.prepare(url, national=True)
    server = server_factory(url)
    goto(page, f"{server.url}/overzicht", timeout=TIMEOUT)

    matrix = widget(page, "estafette.overview.matrix", timeout=TIMEOUT)
    rows = matrix.locator("tbody tr")
    expect(rows).to_have_count(25)
    expect(matrix).to_contain_text(f"Wijkdialogen 1–25 van {sizes['dialogues']}")
    first_page = rows.first.inner_text()
    alerts = widget(page, "estafette.overview.alerts").locator("tbody tr")
    expect(alerts).to_have_count(25)
    first_alert = alerts.first.inner_text()

    box = widget(page, "estafette.overview.matrix_page").locator("input")
    fill_and_settle(page, box, "2", timeout=TIMEOUT)
    # Only the matrix's fragment was asked to rerun, not the page.
    assert page.evaluate(LAST_ASKED), "turning the page reran the whole page"
    matrix = widget(page, "estafette.overview.matrix")
    expect(matrix).to_contain_text(f"Wijkdialogen 26–50 van {sizes['dialogues']}")
    expect(matrix.locator("tbody tr")).to_have_count(25)
    assert matrix.locator("tbody tr").first.inner_text() != first_page
    assert widget(page, "estafette.overview.alerts").locator("tbody tr").first.inner_text() == (
        first_alert
    )

    # Another process pauses a phase of page 2's first dialogue: the live rerun shows it, on
    # the same page.
    before = matrix.locator("tbody tr").first.inner_text()
    engine = db.make_engine(url)
    with Session(engine) as session:
        order = history.records_frame(session)["dialogue_id"].drop_duplicates()
        records = session.query(PhaseRecord).filter_by(dialogue_id=int(order.iloc[25])).all()
        running = next(r for r in records if r.status != "gepauzeerd")
        change(session, running, dt.datetime.now(), "Elders", status="gepauzeerd")
        session.commit()
    engine.dispose()
    first_row = page.locator(
        '.st-key-estafette-overview-matrix:not([data-stale="true"]) tbody tr'
    ).first
    paused = before.count("⏸ gepauzeerd") + 1
    expect(first_row.get_by_text("⏸ gepauzeerd")).to_have_count(paused, timeout=LIVE_MS)
    settle(page)
    expect(widget(page, "estafette.overview.matrix")).to_contain_text("Wijkdialogen 26–50")
    assert widget(page, "estafette.overview.matrix_page").locator("input").input_value() == "2"
