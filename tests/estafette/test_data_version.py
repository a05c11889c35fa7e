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

from estafette import accounts, data_version, db
from estafette.models import (
    AppMeta,
    City,
    LoginThrottle,
    PhaseRecord,
    Status,
    UserSession,
    WorkshopTheme,
)
from tests.uihelpers import app_as, html_blocks, prepare

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


ALL, STRUCTURE, CONTENT = data_version.ALL, data_version.STRUCTURE, data_version.CONTENT


@pytest.mark.parametrize(
    ("statement", "counters"),
    [
        # A status save: the record in place and its history move only the first counter.
        ('UPDATE "phase_record" SET status=%(s)s', {ALL}),
        ("INSERT INTO status_event (phase_record_id) VALUES (1)", {ALL}),
        ("INSERT INTO phase_record (dialogue_id) VALUES (1)", {ALL, STRUCTURE, CONTENT}),
        ("DELETE FROM phase_record WHERE id = 3", {ALL, STRUCTURE, CONTENT}),
        ("UPDATE dialogue SET theme = 'x'", {ALL, STRUCTURE, CONTENT}),
        ("insert or replace into city values (1)", {ALL, STRUCTURE, CONTENT}),
        ("UPDATE phase SET name = 'x'", {ALL, STRUCTURE, CONTENT}),
        ("INSERT INTO lesson (title) VALUES ('x')", {ALL, CONTENT}),
        ("UPDATE workshop_theme SET title = 'x'", {ALL, CONTENT}),
        ("INSERT INTO handover (from_dialogue_id) VALUES (1)", {ALL, CONTENT}),
        ("UPDATE user_session SET last_seen_at = now()", set()),
    ],
)
def test_writes_move_the_counters_of_what_they_change(statement: str, counters: set[int]) -> None:
    found = data_version.changed(statement)
    assert found is not None
    assert data_version.counters_for(*found) == counters
    # The rows the migrations create (0004, 0009, 0010): the ids are part of the schema.
    assert (ALL, STRUCTURE, CONTENT) == (1, 2, 3)


def test_a_status_save_leaves_the_relay_shape_and_the_content_alone(engine: Engine) -> None:
    before = data_version.read_versions(engine)
    with engine.begin() as conn:
        conn.execute(update(PhaseRecord).values(note="in place"))
    after_save = data_version.read_versions(engine)
    assert after_save == (before.all + 1, before.structure, before.content)
    with Session(engine) as session, session.begin():
        session.scalars(select(City)).first().province = "Flevoland"  # type: ignore[union-attr]
    after_city = data_version.read_versions(engine)
    assert after_city == (before.all + 2, before.structure + 1, before.content + 1)
    with engine.begin() as conn:
        conn.execute(update(WorkshopTheme).values(description="anders"))
    assert data_version.read_versions(engine) == (
        before.all + 3,
        before.structure + 1,
        before.content + 2,
    )


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


def _coordinator_overview(monkeypatch: pytest.MonkeyPatch, db_url: str) -> AppTest:
    """The overview of a signed-in coordinator, run twice: every cache of this process warm."""
    actors = prepare(db_url)
    at = app_as(monkeypatch, db_url, actors["coordinator"], "pages/overview.py")
    assert not at.exception
    at.run()
    return at


def _phases_shown(at: AppTest) -> list[str]:
    return [str(m.value) for m in at.markdown if str(m.value).startswith("### ")]


def test_status_change_elsewhere_shows_with_the_shape_still_cached(
    monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    at = _coordinator_overview(monkeypatch, db_url)
    assert "### Verbeelden" not in _phases_shown(at)
    # Another process finishes Verkennen and starts Verbeelden in every dialogue: statuses
    # change in place, the relay's shape does not (its counter stays).
    other = db.make_engine(db_url)
    try:
        shape = data_version.read_versions(other).structure
        with Session(other) as session, session.begin():
            for record in session.scalars(select(PhaseRecord)):
                position = record.phase.position
                if position == 1:
                    record.status = Status.AFGEROND.value
                elif position == 2:
                    record.status = Status.BEZIG.value
        assert data_version.read_versions(other).structure == shape
    finally:
        other.dispose()
    at.run()
    assert not at.exception
    assert set(_phases_shown(at)) == {"### Verbeelden"}


def test_a_theme_changed_elsewhere_shows_with_the_statuses_unchanged(
    monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    at = _coordinator_overview(monkeypatch, db_url)

    def themes() -> str:
        return " ".join(block.text_content() for block in html_blocks(at))

    assert "GRIJP JE KANS!" in themes() and "ANDERS BEKEKEN" not in themes()
    # Another process renames a workshop theme: nothing a status save writes, so only the
    # counters of everything else move, and the loaders keyed on them read it again.
    other = db.make_engine(db_url)
    try:
        before = data_version.read_versions(other)
        with Session(other) as session, session.begin():
            session.scalars(select(WorkshopTheme)).first().title = "ANDERS BEKEKEN"  # type: ignore[union-attr]
        after = data_version.read_versions(other)
        assert (after.content, after.structure) == (before.content + 1, before.structure)
    finally:
        other.dispose()
    at.run()
    assert not at.exception
    assert "ANDERS BEKEKEN" in themes()
