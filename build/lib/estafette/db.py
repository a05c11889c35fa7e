"""Engine creation, migrations and the translation of storage failures into clear errors."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from estafette import data_version
from estafette.errors import DomainError
from estafette.logs import log_event
from estafette.models import AppMeta, utcnow

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class StorageError(DomainError):
    """A storage problem a person must fix; ``code`` picks the translated explanation."""

    prefix = "error.db"


def parse_url(raw: str) -> URL:
    """Parse a database URL, defaulting PostgreSQL to the psycopg 3 driver."""
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise StorageError("malformed_url", raw) from exc
    if url.drivername in {"postgresql", "postgres"}:
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in {"sqlite", "postgresql"}:
        raise StorageError("malformed_url", raw)
    return url


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # pysqlite's own transaction handling skips DDL; take control so that a failed
    # migration or import rolls back completely (SQLAlchemy's documented SQLite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    # WAL lets readers (the dashboard) run while a city lead saves.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")


def make_engine(raw_url: str) -> Engine:
    """Create an engine for a SQLite or PostgreSQL URL, creating the SQLite folder if needed."""
    url = parse_url(raw_url)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        try:
            engine = create_engine(url, connect_args={"timeout": 5})
        except (ArgumentError, NoSuchModuleError) as exc:
            raise StorageError("malformed_url", raw_url) from exc
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        data_version.watch(engine)
        return engine
    try:
        engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    except (ArgumentError, NoSuchModuleError) as exc:
        raise StorageError("malformed_url", raw_url) from exc
    data_version.watch(engine)
    return engine


def classify(exc: BaseException) -> StorageError:
    """Map a low-level database failure to a StorageError with a user-facing code."""
    message = str(getattr(exc, "orig", None) or exc).lower()
    if "readonly" in message or "read-only" in message or "read only" in message:
        return StorageError("readonly", message)
    if "not a database" in message or "malformed" in message or "corrupt" in message:
        return StorageError("corrupt", message)
    if isinstance(exc, OperationalError) and "unable to open" in message:
        return StorageError("unreachable", message)
    if isinstance(exc, OperationalError):
        return StorageError("unreachable", message)
    return StorageError("unexpected", message)


@contextlib.contextmanager
def storage_errors() -> Iterator[None]:
    """Re-raise database failures as StorageError so callers show one clear message."""
    try:
        yield
    except StorageError:
        raise
    except (SQLAlchemyError, sqlite3.Error) as exc:
        error = classify(exc)
        # The cause's first line only: driver messages can go on to quote the row's values.
        cause = (error.detail.splitlines() or [""])[0][:200]
        log_event("storage_error", logging.WARNING, code=error.code, cause=cause)
        raise error from exc


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations (and at ``engine`` if given)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


_held = threading.local()


def _sqlite_lock_path(engine: Engine) -> Path | None:
    database = engine.url.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(f"{database}.startup-lock")


def _pg_unlock(conn: Connection, lock: int) -> None:
    # A broken connection has lost its session, and with it the lock.
    with contextlib.suppress(SQLAlchemyError):
        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock})
        conn.commit()


@contextlib.contextmanager
def startup_lock(engine: Engine) -> Iterator[None]:
    """Let one process at a time migrate and seed this database (re-entrant within a thread).

    PostgreSQL: a session-level advisory lock per schema. SQLite: an exclusive ``flock`` on a
    file beside the database. Other processes starting at the same moment wait, then find the
    work done, so N replicas starting on an empty database end with one schema and one seed.
    """
    key = engine.url.render_as_string(hide_password=False)
    held: dict[str, int] = getattr(_held, "counts", None) or {}
    _held.counts = held
    if held.get(key):
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    with storage_errors(), contextlib.ExitStack() as stack:
        if engine.dialect.name == "postgresql":
            conn = stack.enter_context(engine.connect())
            lock_id = text("SELECT hashtext('estafette.startup.' || current_schema())::bigint")
            lock = conn.execute(lock_id).scalar_one()
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": lock})
            conn.commit()
            stack.callback(_pg_unlock, conn, lock)
        else:
            path = _sqlite_lock_path(engine)
            handle = None
            if path is not None:
                try:
                    handle = stack.enter_context(path.open("a"))
                except OSError:
                    # A read-only folder: this process cannot write, so it cannot collide
                    # either; the real error comes from the database itself.
                    handle = None
            if handle is not None:
                fcntl.flock(handle, fcntl.LOCK_EX)
                stack.callback(fcntl.flock, handle, fcntl.LOCK_UN)
        held[key] = 1
        try:
            yield
        finally:
            held.pop(key, None)


def upgrade(engine: Engine) -> None:
    """Bring the database schema to the newest migration, all or nothing (one process at a time)."""
    with storage_errors(), startup_lock(engine):
        command.upgrade(alembic_config(engine), "head")


def check_writable(engine: Engine) -> None:
    """Prove the database accepts writes by recording the start time (a real, tiny write)."""
    with storage_errors(), startup_lock(engine), Session(engine) as session, session.begin():
        meta = session.get(AppMeta, "last_start")
        if meta is None:
            session.add(AppMeta(key="last_start", value=utcnow().isoformat()))
        else:
            meta.value = utcnow().isoformat()


def ping(engine: Engine) -> None:
    """Open one connection and run a trivial query, raising StorageError when that fails."""
    with storage_errors(), engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        if engine.dialect.name == "sqlite":
            # A corrupt file only fails once a page is read, not on connect.
            conn.execute(text("PRAGMA schema_version"))


def display_url(raw: str) -> str:
    """The URL with any password masked, for messages."""
    try:
        return make_url(raw).render_as_string(hide_password=True)
    except ArgumentError:
        return raw
