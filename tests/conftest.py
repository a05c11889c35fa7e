"""Shared fixtures: real SQLite files and real PostgreSQL databases, never mocks."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from estafette.accounts import Actor
from tests.factories import (
    PG_URL,
    drop_pg_database,
    new_pg_database,
    pg_url,
    seeded_engine,
)
from tests.uihelpers import app_as

BACKENDS = ["sqlite", "postgresql"]


def _pg_conninfo() -> str:
    return PG_URL.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture(scope="session")
def pg_available() -> bool:
    """PostgreSQL must be reachable; only ESTAFETTE_SKIP_PG=1 turns its tests into skips."""
    try:
        with psycopg.connect(_pg_conninfo(), connect_timeout=3):
            return True
    except psycopg.OperationalError as exc:
        if os.environ.get("ESTAFETTE_SKIP_PG") == "1":
            return False
        pytest.fail(f"PostgreSQL is required for the test suite and is unreachable: {exc}")


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> Iterator[None]:
    # Streamlit caches are process-wide; one test's engine must not leak into the next.
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def _seed_options(request: pytest.FixtureRequest) -> dict[str, bool]:
    """The seed options of the test module's ``engine``: its SEED_OPTIONS, default none."""
    return dict(getattr(request.module, "SEED_OPTIONS", {}))


@pytest.fixture
def make_db_url(
    request: pytest.FixtureRequest, tmp_path: Path, pg_available: bool
) -> Iterator[Callable[..., str]]:
    """Factory for fresh, empty databases: ``make_db_url("sqlite"|"postgresql")``.

    ``seeded=True`` (PostgreSQL only) starts the database as a copy of the migrated, seeded
    template with the module's SEED_OPTIONS, which ``seeded_engine`` then takes as it is.
    """
    databases: list[str] = []

    def make(backend: str, *, seeded: bool = False) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / f'estafette-{uuid.uuid4().hex[:8]}.db'}"
        if not pg_available:
            pytest.skip("PostgreSQL explicitly skipped with ESTAFETTE_SKIP_PG=1")
        name = new_pg_database(_seed_options(request) if seeded else None)
        databases.append(name)
        return pg_url(name)

    yield make
    for name in databases:
        drop_pg_database(name)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, make_db_url: Callable[..., str]) -> str:
    """A fresh, empty database URL, once for SQLite and once for PostgreSQL.

    When the test takes the seeded ``engine``, a PostgreSQL database is created as a copy of
    the seeded template straight away (one copy instead of an empty database and a copy).
    """
    return make_db_url(request.param, seeded="engine" in request.fixturenames)


@pytest.fixture
def engine(request: pytest.FixtureRequest, db_url: str) -> Iterator[Engine]:
    """A migrated and seeded engine on a fresh database (both backends).

    A test module changes the seed with ``SEED_OPTIONS = {...}`` (``seed.seed`` keywords).
    """
    eng = seeded_engine(db_url, **_seed_options(request))
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the seeded database."""
    with Session(engine) as s:
        yield s


@pytest.fixture
def sqlite_url(make_db_url: Callable[[str], str]) -> str:
    """A fresh SQLite URL only (for AppTest-heavy tests that need one backend)."""
    return make_db_url("sqlite")


@pytest.fixture
def app_test(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """Build an AppTest of app.py against ``url`` (set through ESTAFETTE_DATABASE_URL)."""

    def build(
        url: str, page: str | None = None, lang: str | None = None, actor: Actor | None = None
    ) -> AppTest:
        return app_as(monkeypatch, url, actor, page, lang)

    return build


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a skipped test is a failure: PostgreSQL and browser tests must really run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") and skipped and exitstatus == 0:
        if reporter:
            reporter.write_line(f"CI: {skipped} test(s) skipped; failing the run", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
