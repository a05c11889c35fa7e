"""Start-up: migrate and seed when the server starts, not on the first page view.

Runs under the database's start-up lock (``db.startup_lock``), so replicas starting together
migrate and seed once. A failure is logged and never stops the server: the pages then show
the clear storage message, and ``/healthz`` answers 503 until the database is fixed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from estafette import db, seed
from estafette.logs import log_event
from estafette.settings import Settings


def prepare_database(url: str) -> None:
    """Migrate, prove writable and seed ``url`` (each step idempotent, under the lock)."""
    engine = db.make_engine(url)
    try:
        db.ping(engine)
        db.upgrade(engine)
        db.check_writable(engine)
        seeded = seed.seed(engine)
        log_event("database_ready", url=db.display_url(url), seeded_now=seeded)
    finally:
        engine.dispose()


@contextlib.asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """Prepare the database before serving (logged, never fatal)."""
    url = Settings.from_env().database_url
    try:
        await asyncio.to_thread(prepare_database, url)
    except db.StorageError as exc:
        log_event("database_not_ready", url=db.display_url(url), code=exc.code)
    yield
