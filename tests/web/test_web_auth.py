"""The sign-in routes over real HTTP (Starlette's test client) on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.testclient import TestClient

import web
from estafette import db, sessions
from estafette.models import UserSession
from tests.uihelpers import PASSWORD, prepare
from web import auth as web_auth
from web import pages as web_pages

HOST = "estafette.test"
ORIGIN = f"http://{HOST}"


@pytest.fixture
def client(db_url: str, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    """The app's extra routes and middleware on a prepared database (no Streamlit runtime)."""
    prepare(db_url)
    monkeypatch.setenv("ESTAFETTE_DATABASE_URL", db_url)
    web_auth._engine.cache_clear()
    app = Starlette(routes=web.routes(), middleware=[Middleware(web_pages.NotFoundPages)])
    with TestClient(app, base_url=ORIGIN, follow_redirects=False) as test_client:
        yield test_client
    web_auth._engine.cache_clear()


def login(client: TestClient, email: str, password: str, **headers: str):
    """POST the login form as the browser does (same origin unless overridden)."""
    return client.post(
        web_auth.LOGIN_PATH,
        data={"email": email, "password": password, "next": "/fase-bijwerken?lang=nl"},
        headers={"origin": ORIGIN, **headers},
    )


def session_rows(db_url: str) -> list[UserSession]:
    engine = db.make_engine(db_url)
    with Session(engine) as session:
        rows = list(session.scalars(select(UserSession)))
    engine.dispose()
    return rows


def test_login_sets_an_httponly_lax_cookie_and_stores_only_the_hash(client, db_url) -> None:
    response = login(client, "lead@deventer.nl", PASSWORD, **{"user-agent": "Firefox/140"})
    assert response.status_code == 303
    assert response.headers["location"] == "/fase-bijwerken?lang=nl"
    cookie = response.headers["set-cookie"]
    token = response.cookies[sessions.COOKIE_NAME]
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in attributes and "samesite=lax" in attributes and "path=/" in attributes
    assert "secure" not in attributes
    assert token not in response.headers["location"]
    rows = session_rows(db_url)
    assert [r.token_hash for r in rows] == [sessions.hash_token(token)]
    assert rows[0].user_agent == "Firefox/140" and rows[0].method == "local"


def test_cookie_is_secure_behind_an_https_proxy(client) -> None:
    response = login(client, "lead@deventer.nl", PASSWORD, **{"x-forwarded-proto": "https"})
    assert response.status_code == 303
    assert "secure" in [p.strip().lower() for p in response.headers["set-cookie"].split(";")]


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://evil.example"},
        {"origin": "null"},
        {"origin": "", "referer": "http://evil.example/form"},
        {"origin": ""},
    ],
)
def test_login_from_a_foreign_origin_is_refused(client, db_url, headers) -> None:
    response = client.post(
        web_auth.LOGIN_PATH,
        data={"email": "lead@deventer.nl", "password": PASSWORD},
        headers={k: v for k, v in headers.items() if v},
    )
    assert response.status_code == 403
    assert sessions.COOKIE_NAME not in response.cookies
    assert session_rows(db_url) == []


def test_same_origin_referer_is_enough_without_origin(client) -> None:
    response = client.post(
        web_auth.LOGIN_PATH,
        data={"email": "lead@deventer.nl", "password": PASSWORD},
        headers={"referer": f"{ORIGIN}/inloggen"},
    )
    assert response.status_code == 303 and sessions.COOKIE_NAME in response.cookies


def test_five_wrong_passwords_lock_and_unknown_addresses_look_the_same(client, db_url) -> None:
    answers = {}
    for email in ("lead@deventer.nl", "niemand@deventer.nl"):
        answers[email] = []
        for _ in range(6):
            response = login(client, email, "verkeerd wachtwoord")
            assert response.status_code == 303
            assert sessions.COOKIE_NAME not in response.cookies
            # The lockout's end differs only by when the attempts were made.
            location = re.sub(r"tot=[^&]+", "tot=T", response.headers["location"])
            answers[email].append((response.status_code, location))
    assert answers["lead@deventer.nl"] == answers["niemand@deventer.nl"]
    locations = [location for _, location in answers["lead@deventer.nl"]]
    assert all("fout=invalid" in loc for loc in locations[:4])
    assert all("fout=locked" in loc and "tot=" in loc for loc in locations[4:])
    # Locked: even the right password is refused now.
    assert "fout=locked" in login(client, "lead@deventer.nl", PASSWORD).headers["location"]
    assert session_rows(db_url) == []


def test_next_must_stay_on_this_site(client) -> None:
    for target, expected in (
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("/kaart?stad=Utrecht", "/kaart?stad=Utrecht"),
    ):
        response = client.post(
            web_auth.LOGIN_PATH,
            data={"email": "lead@deventer.nl", "password": PASSWORD, "next": target},
            headers={"origin": ORIGIN},
        )
        assert response.headers["location"] == expected


def test_logout_ends_the_session_and_clears_the_cookie(client, db_url) -> None:
    token = login(client, "lead@deventer.nl", PASSWORD).cookies[sessions.COOKIE_NAME]
    client.cookies.set(sessions.COOKIE_NAME, token)
    foreign = client.post(web_auth.LOGOUT_PATH, headers={"origin": "http://evil.example"})
    assert foreign.status_code == 403
    assert session_rows(db_url)[0].ended_at is None
    response = client.post(web_auth.LOGOUT_PATH, data={"lang": "en"}, headers={"origin": ORIGIN})
    assert response.status_code == 303
    assert response.headers["location"] == "/inloggen?lang=en&afgemeld=1"
    assert f'{sessions.COOKIE_NAME}=""' in response.headers["set-cookie"]
    (row,) = session_rows(db_url)
    assert row.ended_at is not None and row.ended_reason == sessions.Ended.LOGOUT


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_unknown_address_gets_the_apps_own_page(client, lang: str) -> None:
    response = client.get(f"/bestaat-niet?lang={lang}")
    assert response.status_code == 404
    assert f'<html lang="{lang}">' in response.text
    expected = {"nl": "Pagina niet gevonden", "en": "Page not found"}[lang]
    assert expected in response.text


def test_page_paths_match_the_router() -> None:
    import ast

    from tests.uihelpers import ROOT

    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    declared = {
        kw.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page"
        for kw in node.keywords
        if kw.arg == "url_path" and isinstance(kw.value, ast.Constant)
    }
    # "start" is the hidden default page: Streamlit serves it at "/", never under its name.
    assert declared - {"start"} == set(web_pages.PAGE_PATHS)
    for path in declared - {"start"}:
        assert web_pages.is_page_or_asset(f"/{path}")
    for path in ("/", "/favicon.png", "/_stcore/health", "/app/static/vendor/leaflet.js"):
        assert web_pages.is_page_or_asset(path)
    for path in ("/overzicht/extra", "/start", "/wp-admin"):
        assert not web_pages.is_page_or_asset(path)
