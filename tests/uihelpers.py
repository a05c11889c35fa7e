"""Helpers for AppTest-based tests: a migrated, seeded database with real accounts."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path

import lxml.etree
import lxml.html
import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from estafette import accounts, db, sessions, textfields
from estafette.accounts import Actor
from estafette.models import City, Role
from tests.factories import seeded_engine
from ui import auth
from ui import timeline as ui_timeline

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "een lang wachtwoord"


def function_app(monkeypatch: pytest.MonkeyPatch, url: str, page: Callable[[], None]) -> AppTest:
    """A one-function page run once on a seeded database at ``url``, without an exception."""
    seeded_engine(url).dispose()
    monkeypatch.setenv("ESTAFETTE_DATABASE_URL", url)
    at = AppTest.from_function(page, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def prepare(url: str) -> dict[str, Actor]:
    """Migrate and seed ``url`` and create a coordinator, a Deventer city lead and a trainer."""
    engine = seeded_engine(url)
    with Session(engine) as session:
        coord = accounts.bootstrap_coordinator(
            session, email="coord@example.nl", password=PASSWORD, name="Coördinator"
        )
        deventer = session.scalar(select(City.id).where(City.name == "Deventer"))
        accounts.add_user(
            session,
            coord,
            email="lead@deventer.nl",
            role=Role.CITY_LEAD,
            password=PASSWORD,
            name="Stadstrekker Deventer",
            city_ids=[deventer],
        )
        accounts.add_user(
            session, coord, email="trainer@example.nl", role=Role.TRAINER, password=PASSWORD
        )
        session.commit()
        actors = {
            name: accounts.sso_actor(session, email)
            for name, email in (
                ("coordinator", "coord@example.nl"),
                ("city_lead", "lead@deventer.nl"),
                ("trainer", "trainer@example.nl"),
            )
        }
    engine.dispose()
    return actors


def session_token(url: str, actor: Actor) -> str:
    """Open a real server-side session for ``actor`` (as the sign-in route does)."""
    engine = db.make_engine(url)
    with Session(engine) as session:
        token = sessions.start(session, actor, user_agent="AppTest")
        session.commit()
    engine.dispose()
    return token


def browser_cookie(monkeypatch: pytest.MonkeyPatch, token: str | None) -> None:
    """Let the app see ``token`` as the browser's session cookie.

    AppTest cannot send cookies, so only the transport is replaced: the token is still looked
    up, checked for expiry and revocation, and mapped to the account by the real code.
    """
    monkeypatch.setattr(auth, "request_token", lambda: token)


def app_as(
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    actor: Actor | None,
    page: str | None = None,
    lang: str | None = None,
    **env: str,
) -> AppTest:
    """Run app.py signed in as ``actor`` (None: anonymous), then switch to ``page``."""
    monkeypatch.setenv("ESTAFETTE_DATABASE_URL", url)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    browser_cookie(monkeypatch, session_token(url, actor) if actor is not None else None)
    if lang:
        at.query_params["lang"] = lang
    at.run()
    if page:
        at.switch_page(page).run()
    return at


# A backslash before ASCII punctuation: a Markdown escape, which shows the character alone.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def as_read(markdown: str) -> str:
    """What a Markdown text shows once the app's escaping (ui.format.safe) is read back."""
    return html.unescape(_ESCAPE.sub(r"\1", markdown)).replace(textfields.JOINER, "")


def texts(at: AppTest) -> str:
    """Every success, error, warning, info and caption text of the run, one per line, as read.

    These elements render Markdown, so typed text in them comes escaped (ui.format.safe);
    the tests compare what a person reads.
    """
    parts = [e.value for e in (*at.success, *at.error, *at.warning, *at.info, *at.caption)]
    return "\n".join(as_read(str(p)) for p in parts)


def html_blocks(at: AppTest) -> list[lxml.html.HtmlElement]:
    """The page's blocks of read-only text (ui.blocks), parsed as HTML."""
    bodies = [element.proto.body for element in at.get("html")]
    return [lxml.html.fromstring(body) for body in bodies if 'class="est-blocks"' in body]


def block_headings(at: AppTest) -> list[str]:
    """The subheaders of the page's blocks of read-only text, top to bottom."""
    return [h.text_content() for block in html_blocks(at) for h in block.iter("h3")]


def tables(at: AppTest) -> list[pd.DataFrame]:
    """The app's plain tables (ui.tables) on the page, as frames of the text each cell shows.

    Row headers become the frame's index (named by their column header), like ``st.table``'s
    index did.
    """
    found = []
    for element in at.get("html"):
        body = element.proto.body
        if 'class="est-table"' not in body:
            continue
        table = lxml.html.fromstring(body).find(".//table")
        columns = [th.text_content() for th in table.findall("./thead/tr/th")]
        rows = [[cell.text_content() for cell in tr] for tr in table.findall("./tbody/tr")]
        headed = bool(table.findall("./tbody/tr/th"))
        frame = pd.DataFrame(rows, columns=columns)
        found.append(frame.set_index(columns[0]) if headed else frame)
    return found


def map_document(at: AppTest) -> str:
    """The map the Kaart page frames, fetched from its address on the app's own route.

    The page only places the frame (its address names the view and the data version); what
    the map shows is what web/map_frame.py serves at that address.
    """
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from web import map_frame

    (frame,) = at.get("iframe")
    with TestClient(Starlette(routes=map_frame.routes())) as client:
        response = client.get(frame.proto.src, headers={"accept": "text/html"})
    assert response.status_code == 200, response.text
    return response.text


SVG = "{http://www.w3.org/2000/svg}"
# How a static timeline (estafette.timeline_svg) starts.
TIMELINE_SVG = '<svg xmlns="http://www.w3.org/2000/svg" class="est-timeline"'


def timeline_bodies(at: AppTest) -> list[str]:
    """The st.html bodies that draw a static timeline (ui.timeline.svg_element)."""
    return [
        element.proto.body
        for element in at.get("html")
        if element.proto.body.startswith(ui_timeline.SVG_BOX)
    ]


def svg_of(body: str) -> str:
    """The SVG a timeline's st.html body puts in its box, as the browser receives it.

    The body must be exactly the box and its one line of script around one JSON string.
    """
    start = ui_timeline.SVG_BOX + ui_timeline.SVG_SCRIPT_START
    assert body.startswith(start) and body.endswith(ui_timeline.SVG_SCRIPT_END), body[:200]
    literal = body[len(start) : -len(ui_timeline.SVG_SCRIPT_END)]
    # One JSON string and nothing else; no "<" that could end the script early.
    assert "<" not in literal
    svg = json.loads(literal)
    assert isinstance(svg, str) and svg.startswith(TIMELINE_SVG)
    return svg


def timeline_svgs(at: AppTest) -> list[lxml.etree._Element]:
    """Every static timeline on the page, parsed as XML (each must be well-formed)."""
    return [lxml.etree.fromstring(svg_of(body).encode()) for body in timeline_bodies(at)]


def timeline_svg(at: AppTest) -> lxml.etree._Element:
    """The page's one static timeline, parsed as XML."""
    (found,) = timeline_svgs(at)
    return found


def svg_rows(svg: lxml.etree._Element) -> dict[str, set[str]]:
    """Each row label of a static timeline (top to bottom) and the kinds of marks on it.

    Kinds are the bars' and markers' ``est-<kind>`` classes: planned, actual, undated,
    handover, no_dialogue.
    """
    labels: dict[str, str] = {}
    for group in svg.iter(f"{SVG}g"):
        if group.get("class") == "est-row-label":
            # A cut label keeps its whole text in its title.
            title = group.find(f"{SVG}title")
            whole = title if title is not None else group.find(f"{SVG}text")
            labels[group.get("data-row")] = whole.text
    rows: dict[str, set[str]] = {label: set() for label in labels.values()}
    for mark in svg.iter():
        classes = (mark.get("class") or "").split()
        if {"est-bar", "est-marker"} & set(classes):
            kind = next(c for c in classes if c not in ("est-bar", "est-marker"))
            rows[labels[mark.get("data-row")]].add(kind.removeprefix("est-"))
    return rows
