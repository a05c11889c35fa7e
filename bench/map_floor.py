"""The map's floor in the browser bench: the same map document, in a page that is nothing else.

A Streamlit page with a title and the national map in a frame, and no app around them: no
sidebar, navigation, filters, sign-in or live refresh. It is served by its own
``streamlit run`` beside the app and the bare page, with the map document the app serves for
the default view (estafette.map_page, the same markers, clusters, outline and assets) as a
static file. What it costs against the bare page is what any Streamlit page that shows this
map costs before the app adds anything; the browser bench prints it as a row of its own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from bench.load import Server, start_streamlit
from estafette import db, map_assets, map_page
from estafette.settings import PDOK_TILES, PROJECT_ROOT

PAGE = '''"""The map's floor: a title and the national map in a frame (bench/map_floor.py)."""

import streamlit as st

st.set_page_config(page_title="Estafette Wijkdialoog", layout="wide")
st.title("Kaart van de estafette")
st.iframe("/app/static/map.html", height=620)
'''


def build(database_url: str, folder: Path) -> Path:
    """Write the floor page and, under its static folder, the map document and its assets."""
    static = folder / "static"
    engine = db.make_engine(database_url)
    try:
        with Session(engine) as session:
            view = map_page.MapView()
            data = map_page.read(session, view)
    finally:
        engine.dispose()
    # The assets at the addresses the document names, as the app serves them.
    map_assets.install(static / "vendor" / map_assets.VERSIONS)
    outline = map_assets.outline_url(static / "outline")
    document = map_page.document(
        data,
        view,
        today=dt.date.today(),
        tile_url=PDOK_TILES,
        asset_base=map_assets.VENDOR_BASE,
        outline_url=outline,
    )
    (static / "map.html").write_text(document, encoding="utf-8")
    script = folder / "map_floor.py"
    script.write_text(PAGE, encoding="utf-8")
    return script


def serve(database_url: str, folder: Path, name: str) -> Server:
    """Build the floor page in ``folder`` and serve it with the app's Streamlit settings."""
    script = build(database_url, folder / name)
    # The project's folder as working directory: the app's .streamlit/config.toml (static
    # serving on, the runner settings) applies, as for the app and the bare page.
    return start_streamlit(script, database_url, folder, name, cwd=PROJECT_ROOT)
