"""The data version: counters bumped in the same transaction as every write.

Every process (each app replica, the command line) caches what it read from the database.
A cache entry is keyed on a counter, so a write anywhere shows on the next rerun everywhere:
reading the versions is one primary-key lookup per rerun.

Three counters (rows of one table):

- ``ALL`` moves with every write; a loader that reads phase statuses is keyed on it.
- ``STRUCTURE`` moves only when the relay's shape changes: cities, dialogues, phases, and phase
  records being added or removed. A status save changes phase records in place and leaves it
  alone, so the shape of the relay (which record belongs to which dialogue, city and phase,
  the names and places) is not read again after every save, in every process. That shape is
  most of what the coordinator pages read.
- ``CONTENT`` moves with every write except a status save (a phase record changed in place and
  its status events): what the workshop produced, hand-overs, cities without a dialogue. City
  leads save statuses all day; every process then recomputes only what statuses feed.

The bump is not left to the writers. ``watch(engine)`` (called by ``db.make_engine``) listens
to every statement the engine sends: ORM flushes, Core ``insert()/update()/delete()``, bulk
``executemany`` and ``text()`` alike. A transaction that changed a versioned table bumps the
counter just before it commits, inside that same transaction, so the new data and the new
version become visible together (and a rolled-back write bumps nothing). Bumping last also
keeps the counter row locked for the shortest time (one row lock at commit, never a deadlock).

Tables in ``UNVERSIONED_TABLES`` are bookkeeping that never changes what a dashboard shows
(sign-in sessions, login throttling, the start-up time, Alembic's own table). Add a table
there only if no cached page reads it.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from sqlalchemy import BigInteger, Column, Connection, Engine, Integer, MetaData, Table, event
from sqlalchemy import select as _select
from sqlalchemy.orm import Session

# Kept outside models.Base.metadata on purpose: a full backup (transfer.py) dumps every table
# of Base, and restoring an old backup must never move the counter backwards.
metadata = MetaData()
data_version = Table(
    "data_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", BigInteger, nullable=False),
)

UNVERSIONED_TABLES = frozenset(
    {"data_version", "alembic_version", "app_meta", "user_session", "login_throttle"}
)

# Row ids of the counters.
ALL = 1
STRUCTURE = 2
CONTENT = 3
# Tables whose every write changes the relay's shape; phase_record's only by insert or delete.
STRUCTURE_TABLES = frozenset({"city", "dialogue", "phase"})
STRUCTURE_VERBS = {"phase_record": frozenset({"insert", "delete", "truncate", "merge"})}
# What a status save writes (estafette.updates): the record in place and its history.
STATUS_TABLES = frozenset({"status_event"})
STATUS_VERBS = {"phase_record": frozenset({"update"})}

_DML = re.compile(
    r"""^\s*(?P<verb>
        INSERT(?:\s+OR\s+\w+)?\s+INTO | REPLACE\s+INTO | UPDATE(?:\s+OR\s+\w+)? |
        DELETE\s+FROM | MERGE\s+INTO | TRUNCATE(?:\s+TABLE)?
    )\s+(?:ONLY\s+)?(?P<table>"[^"]+"|[\w.]+)""",
    re.IGNORECASE | re.VERBOSE,
)
_DDL = re.compile(r"^\s*(CREATE|ALTER|DROP)\b", re.IGNORECASE)
_BUMP_SQL = "UPDATE data_version SET version = version + 1 WHERE id IN ({ids})"

_DIRTY = "estafette.data_version.dirty"
_SCHEMA = "estafette.data_version.schema_change"
_BOOKKEEPING = "estafette.data_version.bookkeeping"


class Versions(NamedTuple):
    """The counters as read together: every write, the relay's shape, all but statuses."""

    all: int
    structure: int
    content: int


def changed(statement: str) -> tuple[str, str] | None:
    """The verb (insert, update, delete, …) and table of a write statement, or None for a read."""
    match = _DML.match(statement)
    if match is None:
        return None
    verb = match.group("verb").split()[0].lower()
    # REPLACE INTO deletes and inserts.
    verb = "insert" if verb == "replace" else verb
    name = match.group("table").strip('"').lower()
    return verb, name.rsplit(".", 1)[-1]


def changed_table(statement: str) -> str | None:
    """The table a write statement changes (lower case, unquoted), or None for a read."""
    found = changed(statement)
    return None if found is None else found[1]


def counters_for(verb: str, table: str) -> frozenset[int]:
    """The counters a write of ``verb`` on ``table`` moves (none for bookkeeping tables)."""
    if table in UNVERSIONED_TABLES:
        return frozenset()
    if table in STATUS_TABLES or verb in STATUS_VERBS.get(table, ()):
        return frozenset({ALL})
    if table in STRUCTURE_TABLES or verb in STRUCTURE_VERBS.get(table, ()):
        return frozenset({ALL, STRUCTURE, CONTENT})
    return frozenset({ALL, CONTENT})


def _reset(conn: Connection, *_args: Any) -> None:
    conn.info.pop(_DIRTY, None)
    conn.info.pop(_SCHEMA, None)
    conn.info.pop(_BOOKKEEPING, None)


def bookkeeping(session: Session) -> None:
    """Mark the session's current transaction as sign-in bookkeeping: it bumps nothing.

    For writes to versioned tables that no page shows, such as a failed-login counter or the
    last sign-in time on ``user_account``. Only for the transaction under way.
    """
    session.connection().info[_BOOKKEEPING] = True


def _before_cursor_execute(
    conn: Connection,
    _cursor: Any,
    statement: str,
    _parameters: Any,
    _context: Any,
    _executemany: bool,
) -> None:
    found = changed(statement)
    if found is not None:
        counters = counters_for(*found)
        if counters:
            conn.info[_DIRTY] = conn.info.get(_DIRTY, frozenset()) | counters
    elif _DDL.match(statement):
        # Migrations: the counter table may not exist yet, and every process restarts
        # (or reconnects) after a schema change anyway.
        conn.info[_SCHEMA] = True


def _before_commit(conn: Connection) -> None:
    skip = conn.info.get(_SCHEMA) or conn.info.get(_BOOKKEEPING)
    counters = conn.info.get(_DIRTY)
    if counters and not skip:
        # The raw driver cursor: a statement issued through SQLAlchemy from inside its own
        # commit hook would re-enter the transaction machinery.
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        cursor = dbapi.cursor()
        try:
            cursor.execute(_BUMP_SQL.format(ids=", ".join(str(c) for c in sorted(counters))))
        finally:
            cursor.close()
    _reset(conn)


def watch(engine: Engine) -> None:
    """Make every committed write on ``engine`` bump the data version in its own transaction."""
    event.listen(engine, "before_cursor_execute", _before_cursor_execute)
    event.listen(engine, "begin", _reset)
    event.listen(engine, "rollback", _reset)
    event.listen(engine, "commit", _before_commit)


def current(conn: Connection) -> int:
    """The data version as committed now (one primary-key lookup)."""
    return int(
        conn.execute(_select(data_version.c.version).where(data_version.c.id == ALL)).scalar_one()
    )


def current_versions(conn: Connection) -> Versions:
    """Every counter as committed now (one primary-key range read)."""
    rows = dict(
        conn.execute(
            _select(data_version.c.id, data_version.c.version).where(
                data_version.c.id.in_((ALL, STRUCTURE, CONTENT))
            )
        ).all()
    )
    everything = int(rows[ALL])
    # A database from before a counter was added: every write counts as a change of it.
    return Versions(
        everything, int(rows.get(STRUCTURE, -everything)), int(rows.get(CONTENT, -everything))
    )


def read(engine: Engine) -> int:
    """The data version, on a connection of its own."""
    # Autocommit: one statement and no BEGIN/ROLLBACK round trips around it; this runs on
    # every live poll.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        return current(conn)


def read_versions(engine: Engine) -> Versions:
    """Every counter, on a connection of its own (once per page run)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        return current_versions(conn)
