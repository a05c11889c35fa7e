"""Bad storage input: malformed or unreachable URLs, corrupt or read-only SQLite files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect

from estafette import db, textfields
from tests.factories import seeded_engine
from tests.uihelpers import as_read

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE_PG = "postgresql+psycopg://postgres@127.0.0.1:1/test"


def _cli(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "estafette", "--database-url", url, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _corrupt_file(tmp_path: Path) -> Path:
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"dit is geen database " * 400)
    return path


def _readonly_url(tmp_path: Path) -> str:
    path = tmp_path / "ro.db"
    engine = seeded_engine(f"sqlite:///{path}")
    engine.dispose()
    return f"sqlite:///file:{path}?mode=ro&uri=true"


@pytest.mark.parametrize("url", ["not a url", "mysql://x@localhost/y", "sqlite+nope:///x.db"])
def test_malformed_url(url: str) -> None:
    with pytest.raises(db.StorageError) as info:
        db.ping(db.make_engine(url))
    assert info.value.code == "malformed_url"


def test_unreachable_postgres() -> None:
    with pytest.raises(db.StorageError) as info:
        db.ping(db.make_engine(UNREACHABLE_PG))
    assert info.value.code == "unreachable"


def test_corrupt_sqlite_is_reported_and_left_untouched(tmp_path: Path) -> None:
    path = _corrupt_file(tmp_path)
    before = path.read_bytes()
    with pytest.raises(db.StorageError) as info:
        db.ping(db.make_engine(f"sqlite:///{path}"))
    assert info.value.code == "corrupt"
    assert path.read_bytes() == before


def test_readonly_sqlite_is_reported(tmp_path: Path) -> None:
    engine = db.make_engine(_readonly_url(tmp_path))
    with pytest.raises(db.StorageError) as info:
        db.ping(engine)
        db.check_writable(engine)
    assert info.value.code == "readonly"


# Each kind of broken database, with the words its Dutch message must contain.
BROKEN_DATABASES = pytest.mark.parametrize(
    ("kind", "needle"),
    [
        ("malformed", "ongeldig"),
        ("unreachable", "niet bereikbaar"),
        ("corrupt", "beschadigd"),
        ("readonly", "alleen-lezen"),
    ],
)


def _broken_url(kind: str, tmp_path: Path) -> str:
    if kind == "malformed":
        return "not a url"
    if kind == "unreachable":
        return UNREACHABLE_PG
    if kind == "corrupt":
        return f"sqlite:///{_corrupt_file(tmp_path)}"
    assert kind == "readonly", kind
    return _readonly_url(tmp_path)


def test_failed_migration_leaves_nothing_half_written(tmp_path: Path) -> None:
    # A table that collides with the first migration makes it fail part-way through.
    path = tmp_path / "clash.db"
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE status_event (id INTEGER PRIMARY KEY)")
    with pytest.raises(db.StorageError):
        db.upgrade(engine)
    assert sorted(inspect(engine).get_table_names()) == ["status_event"]


@BROKEN_DATABASES
def test_cli_exits_non_zero_with_one_line(kind: str, needle: str, tmp_path: Path) -> None:
    url = _broken_url(kind, tmp_path)
    result = _cli("seed", url=url)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert "Traceback" not in result.stderr


@BROKEN_DATABASES
def test_app_shows_dutch_message_without_traceback(
    kind: str, needle: str, tmp_path: Path, app_test
) -> None:
    url = _broken_url(kind, tmp_path)
    at = app_test(url)
    assert not at.exception
    assert len(at.error) == 1 and needle in at.error[0].value
    # The address is shown as typed: st.error renders Markdown, and a path's underscores
    # would otherwise turn part of it italic.
    assert textfields.markdown_literal(db.display_url(url)) in at.error[0].value
    assert db.display_url(url) in as_read(at.error[0].value)
