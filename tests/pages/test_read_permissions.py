"""The permission matrix for reading, through the pages: anonymous visitors on every page.

With anonymous reading on, a visitor sees overview, map, timeline and method, and nothing that
names people or quotes residents: no lessons, no Leergang, no download of any kind. With it
off, every page leads to the sign-in page. Signed-in roles see the lessons and the Leergang.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from estafette import lesson_seed
from estafette.accounts import Action, can
from tests.factories import seeded_engine
from tests.uihelpers import app_as, prepare

ROOT = Path(__file__).resolve().parents[2]
PAGES = re.findall(r'st\.Page\(\s*"(pages/[a-z_]+\.py)"', (ROOT / "app.py").read_text())
# What an anonymous visitor may open with ESTAFETTE_ANONYMOUS_READ on (Action.READ_DASHBOARD).
DASHBOARD = {
    "pages/overview.py",
    "pages/map.py",
    "pages/timeline.py",
    "pages/method.py",
    "pages/city.py",
}
SIGN_IN_TITLE = "Inloggen"
SEED_LESSON = "Wat deelnemers meenamen uit de kennismakingsworkshop"
SEED_QUOTE_AUTHOR = "Kennismakingsworkshop 3 juli 2018"


@pytest.fixture
def url(sqlite_url: str) -> str:
    engine = seeded_engine(sqlite_url)
    with Session(engine) as session, session.begin():
        lesson_seed.seed_lessons(session)
    engine.dispose()
    return sqlite_url


def downloads(at: AppTest) -> list:
    return list(at.get("download_button"))


def everything(at: AppTest) -> str:
    parts = [m.value for m in at.markdown]
    parts += [str(e.value) for e in (*at.info, *at.caption, *at.success, *at.warning)]
    parts += [e.label for e in at.expander]
    return "\n".join(parts)


def test_every_page_is_in_the_matrix() -> None:
    assert set(PAGES) >= DASHBOARD | {"pages/lessons.py", "pages/leergang.py"}
    assert len(PAGES) == 12


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_with_reading_on(monkeypatch, url: str, page: str) -> None:
    at = app_as(monkeypatch, url, None, page, ESTAFETTE_ANONYMOUS_READ="1")
    assert not at.exception, at.exception
    # No download of anything that holds people's data: not the status table, not the course
    # handout. The relay's planned dates (dashboard data) are a link to /agenda.ics instead.
    assert downloads(at) == []
    shown = everything(at)
    assert SEED_LESSON not in shown and SEED_QUOTE_AUTHOR not in shown
    if page in DASHBOARD:
        assert at.title[0].value != SIGN_IN_TITLE
        assert "Log in" not in "\n".join(i.value for i in at.info)
    elif page != "pages/login.py":
        # Every other page leads to the sign-in page, or says why there is nothing to see.
        assert at.title[0].value == SIGN_IN_TITLE or at.info, page


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_with_reading_off(monkeypatch, url: str, page: str) -> None:
    at = app_as(monkeypatch, url, None, page, ESTAFETTE_ANONYMOUS_READ="0")
    assert not at.exception, at.exception
    # The router sends the visitor to the sign-in page, or the page itself asks to sign in.
    assert at.title[0].value == SIGN_IN_TITLE or at.info, page
    assert downloads(at) == []
    assert SEED_LESSON not in everything(at)


@pytest.mark.parametrize("role", ["coordinator", "city_lead", "trainer"])
def test_signed_in_roles_read_lessons_and_download_the_course(
    monkeypatch, url: str, role: str
) -> None:
    actors = prepare(url)
    actor = actors[role]
    assert can(actor, Action.READ_LESSONS) and can(actor, Action.READ_COURSE)
    at = app_as(monkeypatch, url, actor, "pages/lessons.py")
    assert not at.exception
    assert SEED_LESSON in everything(at)
    at.switch_page("pages/leergang.py").run()
    assert not at.exception
    names = {b.proto.label for b in downloads(at)}
    assert names == {"Lesmateriaal (Word)", "Lesmateriaal (Markdown)"}
