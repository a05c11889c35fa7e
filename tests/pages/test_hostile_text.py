"""Typed text shows as typed on every page: never as a link, formatting, an emoji or an icon.

Streamlit renders Markdown in st.markdown, captions, titles, alerts and the label and help
text of every widget, expander, tab and page link. A city, neighbourhood, theme, question,
note, account name and lesson all hold ``LINK`` here; every page is searched for a string
that Streamlit would render as Markdown and still holds the payload unescaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import lxml.etree
import pytest
from google.protobuf.message import Message
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from estafette import accounts, db, lessons
from estafette.accounts import Actor
from estafette.models import Role
from tests.factories import change, make_city, make_dialogue, phase
from tests.hostile import LINK, MARKDOWN, SCRIPT
from tests.uihelpers import (
    PASSWORD,
    SVG,
    app_as,
    as_read,
    prepare,
    svg_of,
    svg_rows,
    texts,
    timeline_bodies,
)
from ui.folds import open_key

# The payload's parts as Markdown would read them; escaped, none of them is left.
RAW = ("https://evil.example", "[Klik hier]", "**vet**", ":red[")
# Fields of an element's (or block's) proto that Streamlit renders as Markdown.
MARKDOWN_FIELDS = {"body", "label", "help", "text", "title"}
# Elements whose text is not Markdown: escaped HTML (ui.tables, sign-in form), code, data.
NOT_MARKDOWN = {"html", "code", "dataframe", "plotly_chart", "arrow_data_frame"}
# What the static timeline (estafette.timeline_svg) is made of; anything else is not ours.
SVG_ELEMENTS = {"svg", "title", "desc", "defs", "pattern", "rect", "path", "g", "line", "text"}
SVG_ELEMENTS |= {"circle"}


def _strings(message: Any) -> Iterator[str]:
    for field, value in message.ListFields():
        if field.message_type is not None:
            # A repeated field's value is a container of messages, not a message itself.
            for item in [value] if isinstance(value, Message) else value:
                yield from _strings(item)
        elif field.name in MARKDOWN_FIELDS and isinstance(value, str):
            yield value


def markdown_texts(at: AppTest) -> list[str]:
    """Every text of the run that Streamlit renders as Markdown (bodies, labels, help)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", None)
        if proto is not None and kind not in NOT_MARKDOWN:
            found.extend(_strings(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def assert_shown_as_typed(at: AppTest, *, in_markdown: bool = True) -> None:
    """No Markdown text holds the payload raw, and (``in_markdown``) one shows it as typed."""
    assert not at.exception, at.exception
    shown = markdown_texts(at)
    raw = [text for text in shown if any(part in text for part in RAW)]
    assert raw == []
    assert any(LINK in as_read(text) for text in shown) == in_markdown


@pytest.fixture
def hostile(sqlite_url: str) -> tuple[str, dict[str, Actor], int]:
    """A relay where a city, its dialogue, a note, a city lead and a lesson hold ``LINK``."""
    actors = prepare(sqlite_url)
    engine = db.make_engine(sqlite_url)
    with Session(engine) as session:
        city = make_city(session, LINK, province=LINK, latitude=52.5, longitude=5.5)
        dialogue = make_dialogue(
            session, city, neighbourhood=LINK, theme=LINK, central_question=LINK
        )
        change(
            session,
            phase(dialogue, 1),
            dt.datetime(2025, 1, 6, 10),
            LINK,
            status="bezig",
            actual_start=dt.date(2025, 1, 6),
            note=LINK,
        )
        accounts.add_user(
            session,
            actors["coordinator"],
            email="boef@evil.example",
            role=Role.CITY_LEAD,
            password=PASSWORD,
            name=LINK,
            city_ids=[city.id],
        )
        lessons.propose(
            session,
            actors["coordinator"],
            lessons.LessonInput(
                title=LINK,
                phase_code="verkennen",
                dialogue_id=dialogue.id,
                situation=LINK,
                what_worked=LINK,
                recommendation=LINK,
                quotes=[(LINK, True)],
                consent_basis="mondeling",
            ),
        )
        session.commit()
        dialogue_id = dialogue.id
    engine.dispose()
    return sqlite_url, actors, dialogue_id


@pytest.mark.parametrize(
    ("page", "in_markdown"),
    [
        ("pages/overview.py", True),
        # The map shows its texts in the map, a plain table and a select box: no Markdown.
        ("pages/map.py", False),
        ("pages/timeline.py", True),
        ("pages/lessons.py", True),
        ("pages/method.py", False),
    ],
)
def test_relay_and_lesson_pages(monkeypatch, hostile, page: str, in_markdown: bool) -> None:
    url, actors, _ = hostile
    at = app_as(monkeypatch, url, actors["coordinator"], page)
    assert_shown_as_typed(at, in_markdown=in_markdown)
    # The charts' text alternatives are drawn when opened: open them and look again.
    tables = {
        "pages/map.py": "estafette.map.table",
        "pages/timeline.py": "estafette.timeline.table",
    }
    if page in tables:
        at.session_state[open_key(tables[page])] = True
        at.run()
        assert at.get("html"), "the opened text alternative shows its table"
        assert_shown_as_typed(at, in_markdown=in_markdown)


def test_the_timeline_svg_shows_every_hostile_text_as_typed(monkeypatch, sqlite_url) -> None:
    """Every payload of the corpus as a neighbourhood and a note: text in the SVG, as typed."""
    seeded = prepare(sqlite_url)
    engine = db.make_engine(sqlite_url)
    payloads = MARKDOWN
    assert SCRIPT in payloads
    with Session(engine) as session:
        city = make_city(session, "Wijkstad")
        for payload in payloads:
            dialogue = make_dialogue(session, city, neighbourhood=payload)
            change(
                session,
                phase(dialogue, 1),
                dt.datetime.combine(dt.date.today(), dt.time(9)),
                "Lead",
                status="bezig",
                actual_start=dt.date.today() - dt.timedelta(days=30),
                note=payload,
            )
        session.commit()
    engine.dispose()
    at = app_as(monkeypatch, sqlite_url, seeded["coordinator"], "pages/timeline.py")
    labels: list[str] = []
    titles: list[str] = []
    bodies: list[str] = []
    for page in (1, 2):
        if page == 2:
            at.number_input(key="estafette.timeline.page").set_value(2).run()
        assert not at.exception
        (body,) = timeline_bodies(at)
        # The SVG reaches the browser as one JSON string (svg_of checks the carrier): its
        # markup is ours alone, with every typed text in it escaped.
        markup = svg_of(body)
        assert "<script" not in markup and "<img" not in markup and "<a " not in markup
        svg = lxml.etree.fromstring(markup.encode())
        for element in svg.iter():
            assert element.tag.removeprefix(SVG) in SVG_ELEMENTS, element.tag
            assert not any(n.startswith("on") or "href" in n for n in element.attrib)
        bodies.append(markup)
        labels += svg_rows(svg)
        titles += [title.text for title in svg.iter(f"{SVG}title")]
    # Escaped once: the markup is text (read back below exactly as typed).
    assert "&lt;img src=x onerror=alert(1)&gt;" in "".join(bodies)
    for payload in payloads:
        assert any(label.endswith(f" · Wijkstad · {payload}") for label in labels), payload
        # The bar's hover: phase, row, dates, status, and the note last, as typed.
        assert any(title.endswith(f"\nStatus: bezig\n{payload}") for title in titles), payload


def test_city_and_dialogue_views(monkeypatch, hostile) -> None:
    url, actors, dialogue_id = hostile
    at = app_as(monkeypatch, url, actors["coordinator"])
    at.query_params["stad"] = LINK
    at.switch_page("pages/city.py").run()
    assert_shown_as_typed(at)
    at.query_params.pop("stad")
    at.query_params["dialoog"] = str(dialogue_id)
    at.switch_page("pages/city.py").run()
    assert_shown_as_typed(at)


def test_status_page(monkeypatch, hostile) -> None:
    url, actors, dialogue_id = hostile
    at = app_as(monkeypatch, url, actors["coordinator"])
    at.query_params["dialoog"] = str(dialogue_id)
    at.switch_page("pages/status.py").run()
    assert_shown_as_typed(at)


def test_admin_page_and_its_confirmations(monkeypatch, hostile) -> None:
    url, actors, _ = hostile
    at = app_as(monkeypatch, url, actors["coordinator"], "pages/admin.py")
    at.selectbox(key="estafette.admin.target").set_value("boef@evil.example")
    at.button(key="estafette.admin.deactivate").click().run()
    assert "boef@evil.example is uitgeschakeld." in texts(at)
    raw = [text for text in markdown_texts(at) if "boef@evil" in text]
    assert raw == []


def test_own_name_in_the_sidebar_and_account_page(monkeypatch, hostile) -> None:
    url, _, _ = hostile
    engine = db.make_engine(url)
    with Session(engine) as session:
        lead = accounts.sso_actor(session, "boef@evil.example")
    engine.dispose()
    assert_shown_as_typed(app_as(monkeypatch, url, lead, "pages/login.py"))


@pytest.mark.parametrize("param", ["stad", "dialoog"])
def test_a_link_cannot_write_markdown_into_a_warning(monkeypatch, sqlite_url, param) -> None:
    prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, None)
    at.query_params[param] = LINK
    at.switch_page("pages/city.py").run()
    assert_shown_as_typed(at)
