"""Journey in headless Chromium: a city lead proposes a lesson; a trainer accepts it, adds it to
Training Wijkdialoog 2 and downloads the course material as DOCX."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from tests.browser.signin import sign_in
from tests.browser.streamlit_page import (
    click_and_settle,
    fill_and_settle,
    open_expander,
    open_page,
    select_option,
    settle,
    widget,
)
from tests.uihelpers import prepare

pytestmark = pytest.mark.browser
TITLE = "Buurtwandeling met de wijkagent"
TIMEOUT = 30_000


def test_lead_proposes_trainer_accepts_includes_and_downloads(
    server_factory, browser, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'journey.db'}"
    prepare(database_url)
    server = server_factory(database_url)

    # A city lead proposes a lesson on "Les toevoegen" (a form: nothing reruns before submit).
    lead = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = lead.new_page()
    sign_in(page, server.url, "lead@deventer.nl")
    open_page(page, "Les toevoegen")
    fill_and_settle(
        page,
        widget(page, "estafette.lesson_add.title").locator("input"),
        TITLE,
        press=None,
        rerun_expected=False,
    )
    fill_and_settle(
        page,
        widget(page, "estafette.lesson_add.what_worked").locator("textarea"),
        "Samen door de wijk lopen opende gesprekken met bewoners.",
        press=None,
        rerun_expected=False,
    )
    click_and_settle(page, page.get_by_role("button", name="Les voorstellen"))
    page.get_by_text("De les is voorgesteld").wait_for(timeout=TIMEOUT)
    page.screenshot(path=str(tmp_path / "1-proposed.png"), full_page=True)
    lead.close()

    # A trainer accepts it on the lessons page ...
    trainer = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = trainer.new_page()
    sign_in(page, server.url, "trainer@example.nl")
    open_page(page, "Lessen")
    page.get_by_text(TITLE).first.wait_for(timeout=TIMEOUT)
    # Lessons are listed collapsed: open this one to review it.
    lesson = page.get_by_test_id("stExpander").filter(has_text=TITLE)
    open_expander(page, lesson)
    click_and_settle(page, lesson.get_by_role("button", name="Accepteren"))
    page.get_by_text("Les geaccepteerd.").wait_for(timeout=TIMEOUT)

    # ... adds it to Training Wijkdialoog 2 on the Leergang page ...
    open_page(page, "Leergang")
    select_option(
        page,
        widget(page, "estafette.leergang.module").get_by_role("combobox"),
        "Training Wijkdialoog 2",
    )
    # The lesson is picked inside the include form: no rerun before "Opnemen in de module".
    select_option(
        page,
        widget(page, "estafette.leergang.pick_lesson").get_by_role("combobox"),
        TITLE,
        exact=False,
        rerun_expected=False,
    )
    click_and_settle(page, page.get_by_role("button", name="Opnemen in de module"))
    page.get_by_text("1. Eerste ervaringen en de vragen die dit oproept (1 les)").wait_for(
        timeout=TIMEOUT
    )
    page.screenshot(path=str(tmp_path / "2-included.png"), full_page=True)

    # ... and downloads the course material as Word.
    settle(page)
    with page.expect_download(timeout=TIMEOUT) as download_info:
        page.get_by_role("button", name="Lesmateriaal (Word)").click()
    target = tmp_path / "training-2.docx"
    download_info.value.save_as(target)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(target.read_bytes())).paragraphs)
    assert "Training Wijkdialoog 2" in text
    assert TITLE in text and "Deventer (etappe 1)" in text
    trainer.close()
