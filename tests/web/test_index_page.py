"""web.index_page: the served page's language, title and backend address."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

import web
from web.index_page import IndexPageMiddleware, backend_script, requested_language

INDEX = (
    '<!doctype html><html lang="en"><head><title>Streamlit</title>'
    '<script type="module" src="./static/js/index.js"></script></head><body>app</body></html>'
)


def _client() -> TestClient:
    app = Starlette(
        routes=[
            Route("/", lambda request: HTMLResponse(INDEX)),
            Route("/data", lambda request: JSONResponse({"html": '<html lang="en"'})),
        ]
    )
    app.add_middleware(IndexPageMiddleware)
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
    assert any(m.cls is IndexPageMiddleware for m in web.middleware())


def test_index_names_the_app_and_its_backend_before_the_bundle() -> None:
    text = _client().get("/").text
    assert "<title>Estafette Wijkdialoog</title>" in text
    assert "Streamlit</title>" not in text
    # The frontend reads window.__streamlit once, when its bundle loads: the script comes first.
    assert text.index("BACKEND_BASE_URL") < text.index("index.js")


def test_backend_address_is_the_origin_plus_the_base_path() -> None:
    assert backend_script("") == (
        "<script>window.__streamlit=Object.assign("
        '{BACKEND_BASE_URL:window.location.origin+"/"},window.__streamlit||{});</script>'
    )
    assert 'window.location.origin+"/estafette"' in backend_script("/estafette/")
    # A configured path cannot break out of the script's string.
    hostile = backend_script('x"</script><script>alert(1)')
    assert hostile.count("</script>") == 1 and hostile.endswith("</script>")


def test_compressed_index_is_rewritten_too() -> None:
    # Browsers send Accept-Encoding: gzip and Streamlit compresses the index page.
    app = Starlette(routes=[Route("/kaart", lambda request: HTMLResponse(INDEX * 20))])
    # As served: Streamlit's gzip sits inside the app's own middleware (the last added is outer).
    app.add_middleware(GZipMiddleware, minimum_size=100)
    app.add_middleware(IndexPageMiddleware)
    response = TestClient(app).get("/kaart?lang=en", headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert '<html lang="en">' in response.text
    assert "BACKEND_BASE_URL" in response.text
    assert "etag" not in response.headers
