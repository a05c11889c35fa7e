"""ui.core's cached loaders: one entry per call whatever its spelling, a new one per write."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from estafette import db
from estafette.models import City
from tests.uihelpers import function_app


def _page() -> None:
    """A page calling one cached loader in every spelling of the same arguments."""
    import streamlit as st

    from ui.core import cached, require_database

    require_database()

    @cached
    def load(url: str, as_of: str | None = None) -> str:
        st.session_state.setdefault("calls", []).append((url, as_of))
        return f"{url}|{as_of}"

    st.session_state["out"] = [
        load("a"),
        load("a", None),
        load(url="a"),
        load("a", as_of=None),
        load("a", "x"),
    ]
    try:
        load("a", "x", "too many")  # type: ignore[call-arg]
    except TypeError as exc:
        st.session_state["error"] = str(exc)


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> AppTest:
    return function_app(monkeypatch, sqlite_url, _page)


def test_one_entry_per_call_whatever_its_spelling(page: AppTest) -> None:
    assert page.session_state["out"] == ["a|None"] * 4 + ["a|x"]
    assert page.session_state["calls"] == [("a", None), ("a", "x")]
    assert "takes 2 arguments" in page.session_state["error"]


def test_a_new_entry_only_after_a_write(page: AppTest, sqlite_url: str) -> None:
    page.run()
    assert page.session_state["calls"] == [("a", None), ("a", "x")]
    engine = db.make_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(update(City).values(province="Elders"))
    engine.dispose()
    page.run()
    assert page.session_state["calls"][2:] == [("a", None), ("a", "x")]
