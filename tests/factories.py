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
import shutil
import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from estafette import db, seed
from estafette.cities import create_dialogue
from estafette.history import apply_change
from estafette.models import Base, City, Dialogue, Phase, PhaseRecord, Role
from estafette.permissions import Actor
from estafette.relay import next_leg

_counter = itertools.count(1)


# Migrated and seeded SQLite databases, one per seed option set and test process: copying one
# costs milliseconds, where migrating and seeding costs about a second per test.
_TEMPLATES: dict[tuple[tuple[str, bool], ...], Path] = {}
_TEMPLATE_DIR = Path(tempfile.mkdtemp(prefix="estafette-template-"))
atexit.register(shutil.rmtree, _TEMPLATE_DIR, True)


def _sqlite_file(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL without query options, else None."""
    if not url.startswith("sqlite:///") or "?" in url:
        return None
    return Path(url.removeprefix("sqlite:///"))


def _template(seed_options: dict[str, bool]) -> Path:
    key = tuple(sorted(seed_options.items()))
    if key not in _TEMPLATES:
        path = _TEMPLATE_DIR / f"template-{len(_TEMPLATES)}.db"
        engine = db.make_engine(f"sqlite:///{path}")
        db.upgrade(engine)
        seed.seed(engine, **seed_options)
        engine.dispose()
        _TEMPLATES[key] = path
    return _TEMPLATES[key]


def seeded_engine(url: str, **seed_options: bool) -> Engine:
    """An engine on ``url``, migrated to head and seeded (``seed.seed`` options pass through).

    A new SQLite file is a copy of a migrated, seeded template (SQLite's backup API, so the
    copy is consistent whatever the template's journal mode); PostgreSQL schemas are migrated.
    """
    target = _sqlite_file(url)
    if target is not None and not target.exists():
        with (
            contextlib.closing(sqlite3.connect(_template(seed_options))) as source,
            contextlib.closing(sqlite3.connect(target)) as copy,
        ):
            source.backup(copy)
        return db.make_engine(url)
    engine = db.make_engine(url)
    db.upgrade(engine)
    seed.seed(engine, **seed_options)
    return engine


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
