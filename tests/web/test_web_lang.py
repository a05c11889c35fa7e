"""web.lang: the served page's <html lang> follows ?lang=, then the cookie, else Dutch."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

import web
from web.lang import HtmlLangMiddleware, requested_language

INDEX = '<!doctype html><html lang="en"><head></head><body>app</body></html>'


def _client() -> TestClient:
    app = Starlette(
        routes=[
            Route("/", lambda request: HTMLResponse(INDEX)),
            Route("/data", lambda request: JSONResponse({"html": '<html lang="en"'})),
        ]
    )
    app.add_middleware(HtmlLangMiddleware)
    return TestClient(app)


def test_index_gets_the_chosen_language() -> None:
    client = _client()
    assert '<html lang="nl">' in client.get("/").text
    assert '<html lang="en">' in client.get("/?lang=en").text
    client.cookies.set("estafette_lang", "en")
    response = client.get("/")
    assert '<html lang="en">' in response.text
    assert int(response.headers["content-length"]) == len(response.content)
    # The query beats the cookie; unknown values fall back to Dutch.
    assert '<html lang="nl">' in client.get("/?lang=nl").text
    client.cookies.set("estafette_lang", "fr")
    assert '<html lang="nl">' in client.get("/").text


def test_other_responses_are_untouched() -> None:
    assert _client().get("/data?lang=nl").json() == {"html": '<html lang="en"'}


def test_requested_language_and_registration() -> None:
    assert requested_language(b"lang=en", "", "nl") == "en"
    assert requested_language(b"", "estafette_lang=en; other=1", "nl") == "en"
    assert requested_language(b"", 'bad"cookie', "nl") == "nl"
    assert any(m.cls is HtmlLangMiddleware for m in web.middleware())
