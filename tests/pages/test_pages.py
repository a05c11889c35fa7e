"""AppTest over every page of the navigation, in Dutch and in English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.uihelpers import block_headings, html_blocks, tables

ROOT = Path(__file__).resolve().parents[2]
PAGES = re.findall(r'st\.Page\(\s*"(pages/[a-z_]+\.py)"', (ROOT / "app.py").read_text())


def test_every_page_file_is_in_the_navigation() -> None:
    on_disk = {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}
    assert set(PAGES) == on_disk


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_exception(page: str, lang: str, sqlite_url: str, app_test) -> None:
    at = app_test(sqlite_url, page=page, lang=lang)
    assert not at.exception, at.exception
    assert len(at.title) >= 1


def test_overview_shows_the_relay(db_url: str, app_test) -> None:
    at = app_test(db_url)
    assert not at.exception
    assert at.title[0].value == "Overzicht van de estafette"
    table = tables(at)[0]
    assert list(table.index) == ["Deventer", "Utrecht", "Amsterdam"]
    assert "Verkennen" in table.columns and "Vervolgen" in table.columns
    assert all("bezig" in cell for cell in table["Verkennen"])
    # Seed text is escaped like any other (a restored backup may bring any text).
    themes = " ".join(block.text_content() for block in html_blocks(at))
    for theme in ("GRIJP JE KANS!", "EEN GEWELDIGE ZOEKTOCHT!", "VAN ZOOI NAAR MOOI!"):
        assert theme in themes


def test_language_switch_persists_in_url(sqlite_url: str, app_test) -> None:
    at = app_test(sqlite_url)
    assert at.title[0].value == "Overzicht van de estafette"
    at.radio(key="estafette.lang_input").set_value("en").run()
    assert at.title[0].value == "Relay overview"
    assert at.query_params["lang"] == "en"
    at.switch_page("pages/method.py").run()
    assert at.title[0].value == "The appreciative dialogue approach"
    assert at.query_params["lang"] == "en"


def test_english_link_opens_in_english(sqlite_url: str, app_test) -> None:
    at = app_test(sqlite_url, lang="en")
    assert at.title[0].value == "Relay overview"


def test_method_page_shows_phases_from_the_seed(sqlite_url: str, app_test) -> None:
    at = app_test(sqlite_url, page="pages/method.py")
    assert not at.exception
    headers = block_headings(at)
    assert headers[:5] == [
        "1. Verkennen",
        "2. Verbeelden",
        "3. Vormgeven",
        "4. Evalueren",
        "5. Vervolgen",
    ]
    shown = " ".join(block.text_content() for block in html_blocks(at))
    assert "veranderkracht van verbeelding" in shown
    # The workshop's outcomes below the phases: wishes, first steps, ideal images, quotes.
    assert headers[5:] == [
        "Wat deelnemers willen met een wijkdialoog",
        "Eerste stappen die zijn verkend",
        "De ideale wijk volgens deelnemers",
        "Wat deelnemers meenamen",
    ]
    assert "Sleutelfiguren (actieve bewoners) benaderen" in shown


def test_second_start_does_not_duplicate_and_deleted_file_is_recreated(
    tmp_path: Path, app_test
) -> None:
    path = tmp_path / "estafette.db"
    url = f"sqlite:///{path}"
    assert len(tables(app_test(url))[0]) == 3
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    assert len(tables(app_test(url))[0]) == 3
    st.cache_resource.clear()
    st.cache_data.clear()
    path.unlink()
    for extra in tmp_path.glob("estafette.db-*"):
        extra.unlink()
    at = app_test(url)
    assert path.exists()
    assert len(tables(at)[0]) == 3
