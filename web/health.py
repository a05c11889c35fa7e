"""``/healthz``: 200 with the schema version when the database answers, else 503 and why."""

from __future__ import annotations

import threading

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from estafette import data_version, db
from estafette.logs import log_event
from estafette.settings import Settings

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def _engine(url: str) -> Engine:
    # One small pool per URL for the probe; the app's own engine lives in Streamlit's cache.
    with _lock:
        if url not in _engines:
            _engines[url] = db.make_engine(url)
        return _engines[url]


def expected_schema() -> str:
    """The newest migration this code ships (what ``db upgrade`` brings a database to)."""
    return str(ScriptDirectory.from_config(db.alembic_config()).get_current_head())


def storage_reason(exc: db.StorageError) -> str:
    """Why the database cannot answer, on one line (the driver's first line, shortened)."""
    return f"database {exc.code}: {(exc.detail.splitlines() or [''])[0][:200]}"


def check(url: str) -> tuple[int, dict[str, object]]:
    """Probe the database at ``url``: (HTTP status, JSON body)."""
    try:
        engine = _engine(url)
        with db.storage_errors(), engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            if not inspect(conn).has_table("alembic_version"):
                return 503, {"status": "unavailable", "reason": "database has no schema yet"}
            schema = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            has_version = inspect(conn).has_table("data_version")
            version = data_version.current(conn) if has_version else None
    except db.StorageError as exc:
        return 503, {"status": "unavailable", "reason": storage_reason(exc)}
    expected = expected_schema()
    return 200, {
        "status": "ok",
        "schema": schema,
        "expected_schema": expected,
        "schema_current": schema == expected,
        "data_version": version,
    }


def healthz(_request: Request) -> JSONResponse:
    """The health answer for load balancers and operators (sync: runs in a worker thread)."""
    status, body = check(Settings.from_env().database_url)
    if status != 200:
        log_event("health_failed", reason=body["reason"])
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def routes() -> list[Route]:
    """The health route."""
    return [Route("/healthz", healthz, methods=["GET"])]
