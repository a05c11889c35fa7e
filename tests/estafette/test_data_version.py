"""The data version: every committed write bumps it, in any process; caches follow it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select, text, update
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from estafette import accounts, data_version
from estafette.models import AppMeta, City, LoginThrottle, PhaseRecord, UserSession
from tests.uihelpers import app_as, prepare

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("statement", "table"),
    [
        ("INSERT INTO city (name) VALUES (?)", "city"),
        ('UPDATE "phase_record" SET status=%(s)s', "phase_record"),
        ("DELETE FROM lesson_fts WHERE rowid = 1", "lesson_fts"),
        ("insert or replace into app_meta values (1)", "app_meta"),
        ("  UPDATE t_abc.dialogue SET x = 1", "dialogue"),
        ("SELECT * FROM city", None),
        ("WITH x AS (SELECT 1) SELECT * FROM x", None),
    ],
)
def test_changed_table_reads_the_written_table(statement: str, table: str | None) -> None:
    assert data_version.changed_table(statement) == table


def test_orm_core_and_text_writes_bump_once_per_transaction(engine: Engine) -> None:
    before = data_version.read(engine)
    with Session(engine) as session, session.begin():
        for city in session.scalars(select(City)):
            city.province = "Gelderland"
    assert data_version.read(engine) == before + 1
    with engine.begin() as conn:
        conn.execute(update(PhaseRecord).values(note="bulk"))
    assert data_version.read(engine) == before + 2
    with engine.begin() as conn:
        conn.execute(text("UPDATE city SET province = :p"), {"p": "Utrecht"})
    assert data_version.read(engine) == before + 3


def test_rollback_and_reads_do_not_bump(engine: Engine) -> None:
    before = data_version.read(engine)
    with Session(engine) as session:
        session.scalars(select(City)).all()
        session.commit()
    with Session(engine) as session:
        session.scalars(select(City)).first().province = "Nergens"  # type: ignore[union-attr]
        session.flush()
        session.rollback()
    assert data_version.read(engine) == before


def test_sign_in_bookkeeping_does_not_bump(engine: Engine) -> None:
    with Session(engine) as session:
        coord = accounts.bootstrap_coordinator(
            session, email="c@example.nl", password="een lang wachtwoord", name="C"
        )
        session.commit()
        user_id = coord.user_id
    before = data_version.read(engine)
    with Session(engine) as session, session.begin():
        session.add(UserSession(token_hash="a" * 64, user_id=user_id))
        session.add(LoginThrottle(email_hash="b" * 64, failed_logins=1))
        session.merge(AppMeta(key="last_start", value="now"))
    with Session(engine) as session, session.begin():
        # A versioned table, explicitly marked as bookkeeping by the sign-in code.
        data_version.bookkeeping(session)
        session.execute(text("UPDATE user_account SET name = 'C2'"))
    assert data_version.read(engine) == before


def test_core_bulk_insert_bumps(engine: Engine) -> None:
    before = data_version.read(engine)
    with Session(engine) as session, session.begin():
        session.execute(
            insert(City),
            [
                {
                    "name": "Bulkstad",
                    "province": "Utrecht",
                    "latitude": 52.1,
                    "longitude": 5.1,
                    "leg": 900,
                    "joined_on": dt.date(2026, 1, 1),
                },
            ],
        )
    assert data_version.read(engine) == before + 1


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ESTAFETTE_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "estafette", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _cards(at: AppTest) -> str:
    return "\n".join(str(c.value) for c in at.caption)


def test_write_from_another_process_shows_on_next_rerun(
    monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    actors = prepare(db_url)
    at = app_as(monkeypatch, db_url, actors["coordinator"], "pages/overview.py")
    assert not at.exception
    assert "Rivierenwijk (demo)" not in _cards(at)
    # Warm every cache of this process at the current version: a second run changes nothing.
    at.run()
    assert "Rivierenwijk (demo)" not in _cards(at)

    done = _cli(db_url, "demo")
    assert done.returncode == 0, done.stderr

    at.run()
    assert not at.exception
    assert "Rivierenwijk (demo)" in _cards(at)
