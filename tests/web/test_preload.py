"""web.preload: each page's element code, named in its served index page for preloading."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from streamlit.testing.v1 import AppTest

from bench import data
from web import preload
from web.index_page import IndexPageMiddleware

PAGE_FILES = {
    "overzicht": "pages/overview.py",
    "kaart": "pages/map.py",
    "tijdlijn": "pages/timeline.py",
    "methode": "pages/method.py",
}


def test_every_element_has_its_file_in_this_streamlit() -> None:
    # A Streamlit release that renames its element files fails here (the pages still work).
    for element, name in preload.ELEMENT_CODE.items():
        assert preload._file(name), f"no {name}.*.js for {element} in {preload.STATIC_JS}"
    assert preload._file(preload.ENTRY)


@pytest.mark.parametrize("page", sorted(preload.PAGE_ELEMENTS))
def test_a_page_preloads_real_files_beyond_the_main_bundle(page: str) -> None:
    files = preload.files(page)
    assert files, page
    main_bundle = preload._closure(preload.ENTRY)
    for name in files:
        assert (preload.STATIC_JS / name).is_file()
        assert name not in main_bundle
    # Each element's own file is there, with what it imports.
    for element in preload.PAGE_ELEMENTS[page]:
        assert preload._file(preload.ELEMENT_CODE[element]) in files


def _drawn(at: AppTest) -> set[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        kind = getattr(node, "type", None)
        if kind in preload.ELEMENT_CODE:
            found.add(kind)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


@pytest.fixture(scope="module")
def national_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('preload') / 'national.db'}"
    data.prepare(url, national=True)
    return url


@pytest.mark.parametrize("page", sorted(PAGE_FILES))
def test_the_list_is_what_the_page_draws_at_national_scale(
    app_test: Callable[..., AppTest], national_url: str, page: str
) -> None:
    # As the browser bench's visitor sees it: not signed in, the page as it opens.
    at = app_test(national_url, page=PAGE_FILES[page])
    assert not at.exception
    assert _drawn(at) == preload.PAGE_ELEMENTS[page]


def _client() -> TestClient:
    index = (
        "<!doctype html><html lang='en'><head><title>Streamlit</title></head><body></body></html>"
    )
    app = Starlette(routes=[Route("/{path:path}", lambda request: HTMLResponse(index))])
    app.add_middleware(IndexPageMiddleware)
    return TestClient(app)


def test_the_index_page_names_the_files_of_its_page_only() -> None:
    client = _client()
    kaart = client.get("/kaart").text
    for name in preload.files("kaart"):
        assert f'<link rel="modulepreload" crossorigin href="./static/js/{name}">' in kaart
    # Before </head>, relative like Streamlit's own (any base path works).
    assert kaart.index("modulepreload") < kaart.index("</head>")
    assert "BidiComponent" in kaart and "BidiComponent" not in client.get("/overzicht").text
    assert client.get("/").text.count("modulepreload") == len(preload.files("overzicht"))
    for other in ("/fase-bijwerken", "/bestaat-niet", "/kaart/extra"):
        assert "modulepreload" not in client.get(other).text


def test_pages_under_a_base_path() -> None:
    assert preload.page_of("/estafette/kaart", "/estafette/") == "kaart"
    assert preload.page_of("/estafette", "estafette") == ""
    assert preload.page_of("/kaart", "/estafette") is None
    assert preload.page_of("/kaart") == "kaart" and preload.page_of("/") == ""
    assert preload.links("/app/static/x.js") == ""


def test_files_come_from_streamlits_own_folder() -> None:
    assert preload.STATIC_JS.is_dir()
    assert Path(preload.STATIC_JS, preload._file(preload.ENTRY) or "").is_file()
