"""Shared fixtures: real SQLite files and real PostgreSQL schemas, never mocks."""

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
from tests.factories import seeded_engine
from tests.uihelpers import app_as

PG_URL = os.environ.get(
    "ESTAFETTE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
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


def _pg_schema_url(schema: str) -> str:
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


@pytest.fixture
def make_db_url(tmp_path: Path, pg_available: bool) -> Iterator[Callable[[str], str]]:
    """Factory for fresh, empty databases: ``make_db_url("sqlite"|"postgresql")``."""
    schemas: list[str] = []

    def make(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / f'estafette-{uuid.uuid4().hex[:8]}.db'}"
        if not pg_available:
            pytest.skip("PostgreSQL explicitly skipped with ESTAFETTE_SKIP_PG=1")
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(_pg_conninfo(), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        schemas.append(schema)
        return _pg_schema_url(schema)

    yield make
    if schemas:
        with psycopg.connect(_pg_conninfo(), autocommit=True) as conn:
            for schema in schemas:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, make_db_url: Callable[[str], str]) -> str:
    """A fresh, empty database URL, once for SQLite and once for PostgreSQL."""
    return make_db_url(request.param)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated and seeded engine on a fresh database (both backends)."""
    eng = seeded_engine(db_url)
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
