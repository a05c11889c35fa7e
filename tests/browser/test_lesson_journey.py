"""Journey in headless Chromium: a city lead proposes a lesson; a trainer accepts it, adds it to
Training Wijkdialoog 2 and downloads the course material as DOCX."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from tests.browser.signin import settle, sign_in
from tests.uihelpers import prepare

pytestmark = pytest.mark.browser
TITLE = "Buurtwandeling met de wijkagent"
TIMEOUT = 30_000


def key(name: str) -> str:
    """The CSS class Streamlit gives an element with ``key=name``."""
    return ".st-key-" + "".join(c if c.isalnum() or c in "_-" else "-" for c in name)


def nav(page, title: str) -> None:
    """Open a page from the sidebar and wait until its first run has settled."""
    settle(page)
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title).click()
    settle(page)


def choose(page, widget: str, option: str) -> None:
    settle(page)
    page.locator(f"{key(widget)} [role='combobox']").click()
    page.get_by_role("option").filter(has_text=option).first.click()


def test_lead_proposes_trainer_accepts_includes_and_downloads(
    server_factory, browser, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'journey.db'}"
    prepare(database_url)
    server = server_factory(database_url)

    # A city lead proposes a lesson on "Les toevoegen".
    lead = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = lead.new_page()
    sign_in(page, server.url, "lead@deventer.nl")
    nav(page, "Les toevoegen")
    page.locator(f"{key('estafette.lesson_add.title')} input").fill(TITLE, timeout=TIMEOUT)
    page.locator(f"{key('estafette.lesson_add.what_worked')} textarea").fill(
        "Samen door de wijk lopen opende gesprekken met bewoners."
    )
    page.get_by_role("button", name="Les voorstellen").click()
    page.get_by_text("De les is voorgesteld").wait_for(timeout=TIMEOUT)
    page.screenshot(path=str(tmp_path / "1-proposed.png"), full_page=True)
    lead.close()

    # A trainer accepts it on the lessons page ...
    trainer = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = trainer.new_page()
    sign_in(page, server.url, "trainer@example.nl")
    nav(page, "Lessen")
    page.get_by_text(TITLE).first.wait_for(timeout=TIMEOUT)
    settle(page)
    # Lessons are listed collapsed: open this one to review it.
    page.get_by_text(TITLE).first.click()
    page.get_by_role("button", name="Accepteren").first.click(timeout=TIMEOUT)
    page.get_by_text("Les geaccepteerd.").wait_for(timeout=TIMEOUT)

    # ... adds it to Training Wijkdialoog 2 on the Leergang page ...
    nav(page, "Leergang")
    choose(page, "estafette.leergang.module", "Training Wijkdialoog 2")
    page.locator(key("estafette.leergang.pick_lesson")).wait_for(timeout=TIMEOUT)
    choose(page, "estafette.leergang.pick_lesson", TITLE)
    settle(page)
    page.get_by_role("button", name="Opnemen in de module").click()
    page.get_by_text("1. Eerste ervaringen en de vragen die dit oproept (1 les)").wait_for(
        timeout=TIMEOUT
    )
    page.screenshot(path=str(tmp_path / "2-included.png"), full_page=True)

    # ... and downloads the course material as Word.
    with page.expect_download(timeout=TIMEOUT) as download_info:
        settle(page)
        page.get_by_role("button", name="Lesmateriaal (Word)").click()
    target = tmp_path / "training-2.docx"
    download_info.value.save_as(target)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(target.read_bytes())).paragraphs)
    assert "Training Wijkdialoog 2" in text
    assert TITLE in text and "Deventer (etappe 1)" in text
    trainer.close()
