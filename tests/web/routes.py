"""The routes beside the pages over real HTTP (Starlette's test client): shared set-up."""

from __future__ import annotations

import datetime as dt

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

import web
from estafette import data_version, db, seed
from estafette.accounts import Actor
from tests.uihelpers import prepare

UNREACHABLE_PG = "postgresql+psycopg://postgres@127.0.0.1:1/test"
HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def accounts_and_demo(url: str) -> dict[str, Actor]:
    """The prepared accounts on the seeded relay with the demo dialogues and their planning."""
    prepared = prepare(url)
    engine = db.make_engine(url)
    seed.add_demo(engine, today=dt.date(2025, 6, 1))
    engine.dispose()
    return prepared


def routes_client(monkeypatch: pytest.MonkeyPatch, url: str, anonymous_read: bool) -> TestClient:
    """The app's own routes on ``url``, with anonymous reading on or off."""
    monkeypatch.setenv("ESTAFETTE_DATABASE_URL", url)
    monkeypatch.setenv("ESTAFETTE_ANONYMOUS_READ", "1" if anonymous_read else "0")
    return TestClient(Starlette(routes=web.routes()), follow_redirects=False)


def version(url: str) -> int:
    """The database's data version, read on an engine of its own."""
    engine = db.make_engine(url)
    try:
        return data_version.read(engine)
    finally:
        engine.dispose()
