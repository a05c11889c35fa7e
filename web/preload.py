"""The code of the elements a page draws, named in its served index page so it loads at once.

Streamlit's frontend loads the code of most elements (widgets, HTML, frames, components) only
when the first one arrives over the WebSocket: on a first visit that is after the main bundle
has run and the page's script has answered, a second round of requests for every element type
the page draws. The served index page (web.index_page) names that code as
``<link rel="modulepreload">``, so the browser fetches and compiles it while the main bundle
loads. Measured in Chromium (national data, first visits, median of seven, 2026-12-06): Kaart
1.46 -> 1.28 s and Overzicht 1.41 -> 1.22 s, returning visits level. (Preloading the map's own
assets as well made no difference, 1.38 -> 1.36 s, and is not done.)

The files are Streamlit's own, found by the element's name in its static folder
(``Multiselect.<hash>.js``) together with every file they import. A Streamlit release that
renames them leaves a page without its preloads, never broken; tests/web/test_preload.py
fails then, and checks that each page's list matches the elements it draws.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import streamlit

# Streamlit's built frontend: the index page's own modules and the lazily loaded ones.
STATIC_JS = Path(streamlit.__file__).parent / "static" / "static" / "js"
ENTRY = "index"
_IMPORT = re.compile(r'(?:from|import)\s*"\./([A-Za-z0-9_.-]+\.js)"')

# The elements (by the name Streamlit's AppTest gives them: st.toggle is "toggle", a v2
# component "bidi_component") whose code is loaded lazily, and the file that holds it.
ELEMENT_CODE = {
    "bidi_component": "BidiComponent",
    "button": "Button",
    "checkbox": "Checkbox",
    "toggle": "Checkbox",
    "date_input": "DateInput",
    "download_button": "DownloadButton",
    "html": "Html",
    "iframe": "IFrame",
    "link_button": "LinkButton",
    "multiselect": "Multiselect",
    "number_input": "NumberInput",
    "page_link": "PageLink",
    "progress": "Progress",
    "radio": "Radio",
    "selectbox": "Selectbox",
    "text_input": "TextInput",
}

# What each page draws when it opens at national scale (the sidebar's language choice and
# filters included). Checked against the pages themselves by tests/web/test_preload.py.
PAGE_ELEMENTS: dict[str, frozenset[str]] = {
    "overzicht": frozenset(
        {"radio", "multiselect", "toggle", "selectbox", "number_input", "html", "progress"}
    ),
    "kaart": frozenset({"radio", "multiselect", "toggle", "iframe", "bidi_component", "selectbox"}),
    "tijdlijn": frozenset(
        {"radio", "multiselect", "toggle", "number_input", "html", "selectbox", "link_button"}
    ),
    "methode": frozenset({"radio", "html"}),
}
# The start page ("/") opens the overview.
PAGE_ELEMENTS[""] = PAGE_ELEMENTS["overzicht"]


def _file(name: str) -> str | None:
    """The built file of a named module (``Multiselect.<hash>.js``), if Streamlit has one."""
    found = sorted(STATIC_JS.glob(f"{name}.*.js"))
    return next((f.name for f in found if re.fullmatch(rf"{name}\.[\w-]+\.js", f.name)), None)


@cache
def _closure(name: str) -> frozenset[str]:
    """The file of module ``name`` and every file it imports, directly or not."""
    first = _file(name)
    todo = [first] if first else []
    seen: set[str] = set()
    while todo:
        file = todo.pop()
        if file in seen or not (STATIC_JS / file).is_file():
            continue
        seen.add(file)
        todo.extend(_IMPORT.findall((STATIC_JS / file).read_text(encoding="utf-8")))
    return frozenset(seen)


@cache
def files(page: str) -> tuple[str, ...]:
    """The files to preload for a page (its URL path without slashes), beyond the main bundle."""
    elements = PAGE_ELEMENTS.get(page, frozenset())
    wanted: set[str] = set()
    for element in elements:
        wanted |= _closure(ELEMENT_CODE[element])
    return tuple(sorted(wanted - _closure(ENTRY)))


def page_of(path: str, base_path: str = "") -> str | None:
    """The page a request path names ("" for the start page), or None for any other path."""
    base = "/" + base_path.strip("/") if base_path.strip("/") else ""
    if base and not (path == base or path.startswith(base + "/")):
        return None
    rest = path[len(base) :].strip("/")
    return None if "/" in rest else rest


def links(path: str, base_path: str = "") -> str:
    """The ``<link rel="modulepreload">`` tags for the page at ``path`` (none for other paths).

    The addresses are relative, as the index page's own: they resolve under any base path.
    """
    page = page_of(path, base_path)
    if page is None:
        return ""
    return "".join(
        f'<link rel="modulepreload" crossorigin href="./static/js/{name}">' for name in files(page)
    )
