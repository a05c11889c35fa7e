"""Small factories and look-ups for test data.

Cities and dialogues are written through the real domain functions; ``change`` edits a phase
record the way the app must, appending one StatusEvent per changed field (the time-travel
contract of models.py), but at any moment the test chooses.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import itertools
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import psycopg
from psycopg import sql
from sqlalchemy import Engine, make_url, select
from sqlalchemy.orm import Session

from estafette import db, seed
from estafette.cities import create_dialogue, summarise
from estafette.history import apply_change, records_frame
from estafette.models import Base, City, Dialogue, Phase, PhaseRecord, Role
from estafette.permissions import Actor
from estafette.relay import next_leg

_counter = itertools.count(1)


SeedKey = tuple[tuple[str, bool], ...]


def _key(seed_options: dict[str, bool]) -> SeedKey:
    return tuple(sorted(seed_options.items()))


# Migrated and seeded SQLite databases, one per seed option set and test process: copying one
# costs milliseconds, where migrating and seeding costs about a second per test.
_TEMPLATES: dict[SeedKey, Path] = {}
_TEMPLATE_DIR = Path(tempfile.mkdtemp(prefix="estafette-template-"))
atexit.register(shutil.rmtree, _TEMPLATE_DIR, True)


def _sqlite_file(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL without query options, else None."""
    if not url.startswith("sqlite:///") or "?" in url:
        return None
    return Path(url.removeprefix("sqlite:///"))


def _template(seed_options: dict[str, bool]) -> Path:
    key = _key(seed_options)
    if key not in _TEMPLATES:
        path = _TEMPLATE_DIR / f"template-{len(_TEMPLATES)}.db"
        engine = db.make_engine(f"sqlite:///{path}")
        db.upgrade(engine)
        seed.seed(engine, **seed_options)
        engine.dispose()
        _TEMPLATES[key] = path
    return _TEMPLATES[key]


# PostgreSQL does the same with template databases: CREATE DATABASE … TEMPLATE copies a
# migrated, seeded database in a fraction of a second. Every name carries the process id, so
# xdist workers and runs at the same time never share a database.
PG_URL = os.environ.get(
    "ESTAFETTE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PG_PREFIX = "estafette_"
_PG_TEMPLATES: dict[SeedKey, str] = {}
# Databases made by new_pg_database that nobody has used yet: None while empty, else the seed
# options of the template they are a copy of. seeded_engine takes a database out of here.
_PG_UNTOUCHED: dict[str, SeedKey | None] = {}


def pg_url(database: str) -> str:
    """The URL of the PostgreSQL database ``database`` on the test server."""
    return make_url(PG_URL).set(database=database).render_as_string(hide_password=False)


@contextlib.contextmanager
def _pg_admin() -> Iterator[psycopg.Connection]:
    """A connection to the server's own test database, for CREATE and DROP DATABASE."""
    conninfo = make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        yield conn


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _drop(conn: psycopg.Connection, name: str) -> None:
    # FORCE: a test may leave an engine with pooled connections behind.
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def drop_pg_leftovers() -> None:
    """Drop the test databases of test processes that no longer run (a crashed or killed run)."""
    with _pg_admin() as conn:
        names = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (PG_PREFIX + "%",)
        ).fetchall()
        for (name,) in names:
            pid = name.split("_")[2] if name.count("_") >= 3 else ""
            if pid.isdigit() and not _pid_alive(int(pid)):
                with contextlib.suppress(psycopg.Error):  # another worker may drop it first
                    _drop(conn, name)


def _pg_template(seed_options: dict[str, bool]) -> str:
    key = _key(seed_options)
    if key not in _PG_TEMPLATES:
        if not _PG_TEMPLATES:
            drop_pg_leftovers()
            atexit.register(_drop_pg_templates)
        name = f"{PG_PREFIX}tpl_{os.getpid()}_{len(_PG_TEMPLATES)}"
        with _pg_admin() as conn:
            _drop(conn, name)  # a process id can come back after a crash
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        engine = db.make_engine(pg_url(name))
        db.upgrade(engine)
        seed.seed(engine, **seed_options)
        # A database with open connections cannot be copied.
        engine.dispose()
        _PG_TEMPLATES[key] = name
    return _PG_TEMPLATES[key]


def _drop_pg_templates() -> None:
    # At exit; a server that went away meanwhile leaves them to drop_pg_leftovers.
    with contextlib.suppress(psycopg.Error), _pg_admin() as conn:
        for name in _PG_TEMPLATES.values():
            _drop(conn, name)


def new_pg_database(seed_options: dict[str, bool] | None = None) -> str:
    """A new PostgreSQL database: empty, or with ``seed_options`` a copy of the seeded template.

    The caller drops it (``drop_pg_database``).
    """
    name = f"{PG_PREFIX}t_{os.getpid()}_{uuid.uuid4().hex[:12]}"
    template = _pg_template(seed_options) if seed_options is not None else None
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template is not None:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with _pg_admin() as conn:
        conn.execute(statement)
    _PG_UNTOUCHED[name] = _key(seed_options) if seed_options is not None else None
    return name


def drop_pg_database(name: str) -> None:
    """Drop a database made by new_pg_database."""
    _PG_UNTOUCHED.pop(name, None)
    with _pg_admin() as conn:
        _drop(conn, name)


def _pg_is_empty(name: str) -> bool:
    conninfo = make_url(pg_url(name)).set(drivername="postgresql")
    with psycopg.connect(conninfo.render_as_string(hide_password=False)) as conn:
        return not conn.execute("SELECT 1 FROM pg_tables WHERE schemaname = 'public'").fetchone()


def _pg_from_template(url: str, seed_options: dict[str, bool]) -> bool:
    """Make the database of ``url`` a copy of the seeded template, if it is one of ours."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or parsed.database not in _PG_UNTOUCHED:
        return False
    name = parsed.database
    state = _PG_UNTOUCHED.pop(name)
    if state == _key(seed_options):
        return True  # copied from exactly that template and not used since
    if state is None and not _pg_is_empty(name):
        return False  # the test migrated or filled it itself: leave its work alone
    with _pg_admin() as conn:
        _drop(conn, name)
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(_pg_template(seed_options))
            )
        )
    return True


def seeded_engine(url: str, **seed_options: bool) -> Engine:
    """An engine on ``url``, migrated to head and seeded (``seed.seed`` options pass through).

    A new SQLite file is a copy of a migrated, seeded template (SQLite's backup API, so the
    copy is consistent whatever the template's journal mode); a new PostgreSQL database from
    new_pg_database becomes a copy of a template database. Anything else is migrated and seeded.
    """
    target = _sqlite_file(url)
    if target is not None and not target.exists():
        with (
            contextlib.closing(sqlite3.connect(_template(seed_options))) as source,
            contextlib.closing(sqlite3.connect(target)) as copy,
        ):
            source.backup(copy)
        return db.make_engine(url)
    if _pg_from_template(url, seed_options):
        return db.make_engine(url)
    engine = db.make_engine(url)
    db.upgrade(engine)
    seed.seed(engine, **seed_options)
    return engine


def relay_summary(session: Session) -> pd.DataFrame:
    """One row per dialogue as the dashboards show it now (cities.summarise of every record)."""
    return summarise(records_frame(session))


def make_city(session: Session, name: str | None = None, **fields: object) -> City:
    """A city with a free leg number and plausible Dutch coordinates."""
    n = next(_counter)
    leg = fields.pop("leg", None) or next_leg(session)
    city = City(
        name=name or f"Teststad {n}",
        province=str(fields.pop("province", "Utrecht")),
        latitude=float(fields.pop("latitude", 52.0 + n / 100)),
        longitude=float(fields.pop("longitude", 5.0 + n / 100)),
        leg=int(leg),
        joined_on=fields.pop("joined_on", dt.date(2024, 1, 1)),
    )
    session.add(city)
    session.flush()
    return city


def make_dialogue(session: Session, city: City | None = None, **fields: object) -> Dialogue:
    """A dialogue (with its five phase records) in ``city`` or in a new city."""
    city = city or make_city(session)
    return create_dialogue(session, city, **fields)  # type: ignore[arg-type]


# Test data changes are logged exactly like seeded ones.
change = apply_change


def phase(dialogue: Dialogue, position: int) -> PhaseRecord:
    """The record of phase ``position`` (1–5) of ``dialogue``."""
    return next(r for r in dialogue.records if r.phase.position == position)


def city_id(session: Session, name: str) -> int:
    """The id of the city called ``name``."""
    return session.scalar(select(City.id).where(City.name == name))


def record_id(session: Session, city: str, phase_code: str) -> int:
    """The id of the phase record of ``city``'s (only) dialogue in phase ``phase_code``."""
    stmt = (
        select(PhaseRecord.id)
        .join(PhaseRecord.dialogue)
        .join(Dialogue.city)
        .join(PhaseRecord.phase)
        .where(City.name == city, Phase.code == phase_code)
    )
    return session.scalar(stmt)


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, to prove that a refused action wrote nothing."""
    with engine.connect() as conn:
        return {
            table.name: sorted(tuple(map(repr, row)) for row in conn.execute(select(table)))
            for table in Base.metadata.sorted_tables
        }


def make_actor(role: Role | None, **fields: object) -> Actor:
    """An actor of ``role`` (None: an anonymous visitor) with a plausible address by default."""
    if role is None:
        return Actor(**fields)  # type: ignore[arg-type]
    fields.setdefault("email", f"{role.value.replace('_', '-')}@example.nl")
    if "city_ids" in fields:
        fields["city_ids"] = frozenset(fields["city_ids"])  # type: ignore[arg-type]
    return Actor(role=role, **fields)  # type: ignore[arg-type]


def coordinator(**fields: object) -> Actor:
    """A coordinator (may do everything)."""
    return make_actor(Role.COORDINATOR, **fields)


def city_lead(**fields: object) -> Actor:
    """A city lead; pass ``city_ids`` for the cities they edit."""
    return make_actor(Role.CITY_LEAD, **fields)


def trainer(**fields: object) -> Actor:
    """A trainer (reviews lessons, curates the Leergang)."""
    return make_actor(Role.TRAINER, **fields)


def anonymous() -> Actor:
    """A visitor who is not signed in."""
    return make_actor(None)
