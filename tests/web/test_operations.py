"""Operability: /healthz, security headers on every response, structured JSON-line logs."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

import web
from estafette import accounts, db, logs, map_assets, updates
from estafette.models import Role
from estafette.updates import PhaseUpdate
from tests.factories import coordinator, record_id
from web import headers, health

UNREACHABLE_PG = "postgresql+psycopg://postgres@127.0.0.1:1/test"
COORD = coordinator(email="coord@example.nl", user_id=2, name="Coördinator")


def _client() -> TestClient:
    page = Route("/page", lambda _r: PlainTextResponse("page"))
    return TestClient(Starlette(routes=[*web.routes(), page], middleware=web.middleware()))


def test_healthz_answers_200_with_the_schema_version(
    engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESTAFETTE_DATABASE_URL", db_url)
    response = _client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["schema"] == health.expected_schema() == body["expected_schema"]
    assert body["schema_current"] is True
    assert isinstance(body["data_version"], int)
    assert response.headers["cache-control"] == "no-store"


def test_healthz_answers_503_with_one_line_when_the_database_is_unreachable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ESTAFETTE_DATABASE_URL", UNREACHABLE_PG)
    response = _client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["reason"].startswith("database unreachable")
    assert "\n" not in body["reason"]


def test_healthz_503_before_the_schema_exists(make_db_url, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESTAFETTE_DATABASE_URL", make_db_url("sqlite"))
    response = _client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["reason"] == "database has no schema yet"


@pytest.mark.parametrize("path", ["/page", "/healthz", "/missing"])
def test_security_headers_on_every_response(path: str) -> None:
    response = _client().get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in csp
    assert "form-action 'self'" in csp
    assert "object-src 'none'" in csp


def test_the_maps_versioned_files_are_kept_a_year_and_nothing_else_is() -> None:
    leaflet = f"{map_assets.VENDOR_BASE}/leaflet/leaflet.js"
    outline = f"{map_assets.OUTLINE_BASE}/outline-0123abcd.json"
    files = Route("/app/static/{path:path}", lambda _r: PlainTextResponse("file"))
    missing = Route("/gone/{path:path}", lambda _r: PlainTextResponse("gone", status_code=404))
    app = Starlette(routes=[files, missing], middleware=web.middleware())
    client = TestClient(app)
    for path in (leaflet, outline):
        assert client.get(path).headers["cache-control"] == headers.IMMUTABLE
    # The folder names the packages' versions, so an upgrade arrives under a new address.
    assert map_assets.VERSIONS in leaflet and map_assets.install().name == map_assets.VERSIONS
    # Unversioned files and answers other than 200 are left to Streamlit's validators.
    for path in ("/app/static/vendor/leaflet/leaflet.js", "/app/static/other.json"):
        assert "cache-control" not in client.get(path).headers
    assert "immutable" not in client.get("/gone" + leaflet).headers.get("cache-control", "")
    # Under a base path too.
    assert headers.cache_control("/estafette" + leaflet) == headers.IMMUTABLE


def test_csp_allows_the_configured_tile_server_only() -> None:
    csp = headers.content_security_policy("https://tiles.example.org/{z}/{x}/{y}.png")
    img = next(d for d in csp.split("; ") if d.startswith("img-src"))
    assert "https://tiles.example.org" in img
    assert "https://service.pdok.nl" not in img
    assert "default-src 'self'" in csp


def _lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


@pytest.fixture
def fresh_logger() -> None:
    # The handler binds sys.stdout when created: make a new one under capsys.
    log = logging.getLogger(logs.LOGGER_NAME)
    for handler in list(log.handlers):
        log.removeHandler(handler)


def test_log_event_writes_one_json_line_without_secrets(
    fresh_logger: None, capsys: pytest.CaptureFixture[str]
) -> None:
    logs.log_event(
        "sign_in_failed",
        email="a@example.nl",
        password="hunter2-geheim",
        token="tok-123",
        cookie_secret="s3cr3t",
        lesson_text="Wat we leerden",
        attempts=3,
    )
    out = _lines(capsys)
    assert len(out) == 1
    line = out[0]
    assert line["event"] == "sign_in_failed" and line["level"] == "info"
    assert line["email"] == "a@example.nl" and line["attempts"] == 3
    assert dt.datetime.fromisoformat(str(line["ts"]))
    text = json.dumps(line)
    for secret in ("hunter2-geheim", "tok-123", "s3cr3t", "Wat we leerden"):
        assert secret not in text


def test_status_save_account_change_and_storage_error_are_logged(
    engine: Engine, fresh_logger: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with Session(engine) as session:
        view = updates.load_record(session, record_id(session, "Deventer", "verkennen"))
        change = PhaseUpdate(
            view.status,
            planned_start=dt.date(2018, 7, 1),
            planned_end=dt.date(2019, 1, 1),
            actual_start=view.actual_start,
            note="Geheime notitie van de stadstrekker",
        )
        updates.save_update(session, COORD, view, change, today=dt.date(2026, 11, 25))
        accounts.add_user(
            session,
            COORD,
            email="nieuw@example.nl",
            role=Role.TRAINER,
            password="een heel lang wachtwoord",
        )
        session.commit()
    with pytest.raises(db.StorageError):
        db.ping(db.make_engine(UNREACHABLE_PG))
    out = _lines(capsys)
    events = {line["event"]: line for line in out}
    assert events["status_saved"]["record_id"] == view.id
    assert "note" in events["status_saved"]["fields"]  # type: ignore[operator]
    assert events["account_added"]["email"] == "nieuw@example.nl"
    assert events["storage_error"]["code"] == "unreachable"
    assert events["storage_error"]["cause"]
    text = "\n".join(json.dumps(line) for line in out)
    assert "Geheime notitie" not in text
    assert "een heel lang wachtwoord" not in text
