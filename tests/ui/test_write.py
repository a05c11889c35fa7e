"""The one write helper: refusals translated and shown (now, later or by the caller), nothing
written when refused, confirmations flashed once."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from estafette import db, i18n
from estafette.accounts import AccountError
from estafette.errors import DomainError
from estafette.lessons import LessonError
from estafette.models import City
from estafette.permissions import PermissionDenied
from tests.estafette.markdown_reader import shown
from tests.hostile import LINK
from tests.uihelpers import function_app
from ui import write


def _family(cls: type) -> set[type]:
    return {cls} | {sub for child in cls.__subclasses__() for sub in _family(child)}


def test_every_domain_error_prefix_has_texts() -> None:
    # Importing the domain modules registers every subclass.
    import estafette.calendar_feed
    import estafette.edits
    import estafette.privacy
    import estafette.relay
    import estafette.reminders
    import estafette.report  # noqa: F401

    keys = i18n.catalog()
    family = _family(DomainError) - {DomainError}
    assert len(family) >= 10
    for cls in family:
        assert any(key.startswith(cls.prefix + ".") for key in keys), cls.__name__


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (PermissionDenied("nope"), "Dat mag je niet doen met jouw rol. Er is niets gewijzigd."),
        (LessonError("reason_required"), "Geef een reden voor het afwijzen."),
        (AccountError("email_taken", email="a@b.nl"), "Er bestaat al een account voor a@b.nl."),
    ],
)
def test_message_translates_code_and_values(error: DomainError, text: str) -> None:
    # st.error renders Markdown: the message is what a reader of it sees.
    assert shown(write.message(error)) == text


def test_message_shows_typed_values_as_text() -> None:
    refusal = write.message(AccountError("email_taken", email=LINK))
    assert shown(refusal) == f"Er bestaat al een account voor {LINK}."


def test_message_can_name_the_refusal_of_a_page() -> None:
    shown = write.message(PermissionDenied(), denied="lessons.error.permission")
    assert shown.startswith("Alleen trainers en coördinatoren")


def test_storage_errors_name_the_database() -> None:
    shown = write.message(db.StorageError("readonly", "attempt to write"))
    assert shown.startswith("De database is alleen-lezen (")
    assert "{" not in shown


def test_anything_else_is_not_swallowed() -> None:
    with pytest.raises(TypeError):
        write.message(RuntimeError("a bug"))


# ---------------------------------------------------------------------------- in a page


def _page() -> None:
    """A page with one button per way of writing; each changes Deventer's province."""
    import streamlit as st
    from sqlalchemy import select

    from estafette.edits import EditError
    from estafette.models import City
    from ui import write

    def move(session, refuse: bool) -> str:
        city = session.scalar(select(City).where(City.name == "Deventer"))
        city.province = "Nergens"
        session.flush()  # written, then refused: the refusal must undo it
        if refuse:
            raise EditError("name_required")
        return city.name

    def remember(exc: EditError) -> None:
        st.session_state["handled"] = exc.code

    write.show_flash()
    if st.button("now", key="now"):
        write.attempt(lambda s: move(s, True))
    if st.button("later", key="later"):
        write.attempt(lambda s: move(s, True), later=True)
    if st.button("handled", key="handled_button"):
        write.attempt(lambda s: move(s, True), handle={EditError: remember})
    if st.button("ok", key="ok") and write.attempt(
        lambda s: move(s, False), success=lambda name: [f"{name} verhuisd", "tweede bericht"]
    ):
        st.rerun()
    if st.button("books", key="books"):
        st.session_state["kept"] = write.bookkeeping(lambda s: move(s, False))


def _province(url: str) -> str:
    engine = db.make_engine(url)
    with Session(engine) as session:
        found = session.scalar(select(City.province).where(City.name == "Deventer"))
    engine.dispose()
    return found


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> AppTest:
    return function_app(monkeypatch, sqlite_url, _page)


def test_a_refusal_is_shown_now_and_undoes_the_action(page: AppTest, sqlite_url: str) -> None:
    before = _province(sqlite_url)
    page.button(key="now").click().run()
    assert [e.value for e in page.error] == ["Geef een naam."]
    assert _province(sqlite_url) == before != "Nergens"


def test_a_later_refusal_waits_for_the_next_run(page: AppTest) -> None:
    page.button(key="later").click().run()
    assert not page.error  # a widget callback's page is drawn before the refusal
    page.run()
    assert [e.value for e in page.error] == ["Geef een naam."]
    page.run()
    assert not page.error  # shown once


def test_a_handled_refusal_goes_to_the_caller_only(page: AppTest, sqlite_url: str) -> None:
    before = _province(sqlite_url)
    page.button(key="handled_button").click().run()
    assert page.session_state["handled"] == "name_required"
    assert not page.error and not page.success
    assert _province(sqlite_url) == before


def test_success_commits_and_flashes_each_text_once(page: AppTest, sqlite_url: str) -> None:
    page.button(key="ok").click().run()
    assert not page.exception
    assert [s.value for s in page.success] == ["Deventer verhuisd", "tweede bericht"]
    assert _province(sqlite_url) == "Nergens"
    page.run()
    assert not page.success


def test_bookkeeping_commits_without_a_confirmation(page: AppTest, sqlite_url: str) -> None:
    page.button(key="books").click().run()
    assert page.session_state["kept"] == "Deventer"
    assert _province(sqlite_url) == "Nergens"
    page.run()
    assert not page.success
