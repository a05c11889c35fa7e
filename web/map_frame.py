"""``GET /kaart.html``: the relay map of one view as a document of its own (estafette.map_page).

The Kaart page shows it in a frame. The address names the view (filters, language) and the
data version, so the browser may keep the document: a returning visitor's map comes from
the browser's cache, and a write anywhere gives the page a new address on its next run.

Reading follows the dashboard's rule, as the calendar does (web.auth.may_read_dashboard). The
endpoint is a plain function, so Starlette runs it in its thread pool: building the national
map takes a tenth of a second and must not hold up the event loop.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from estafette import data_version, db, history, i18n, map_assets, map_page, sessions
from estafette.logs import log_event
from estafette.settings import Settings
from web.auth import engine, may_read_dashboard, no_store_text, sign_in_first
from web.health import storage_reason

# The address names the data version: what it served stays right for that address. private:
# with anonymous reading off the map is for signed-in people only.
CACHE_CONTROL = "private, max-age=86400"
# An address of an older version or day (a page rendered just before a write, or yesterday) gets
# the current map, which no cache may keep under the old address.
NOT_CACHED = "no-store"


@functools.lru_cache(maxsize=2)
def _events(database: Engine, version: int) -> pd.DataFrame:
    # The whole status history, for views back in time; read once per data version.
    with Session(database) as session:
        return history.events_frame(session)


@functools.lru_cache(maxsize=16)
def _document(
    database: Engine, version: int, view: map_page.MapView, today: dt.date, settings: Settings
) -> str:
    # Keyed on the database (one engine per URL), its data version and the view.
    with Session(database) as session:
        events = _events(database, version) if view.as_of is not None else None
        data = map_page.read(session, view, events)
    return map_page.document(
        data,
        view,
        today=today,
        tile_url=settings.tile_url,
        asset_base=map_assets.ensure(),
        outline_url=map_assets.outline_url(),
        link_base=settings.base_url or "/",
    )


def map_document(request: Request) -> Response:
    """The map of the view the query names, or why not (sign-in or 403, 503 no database)."""
    settings = Settings.from_env()
    params = {name: request.query_params.getlist(name) for name in request.query_params}
    view = map_page.MapView.from_query(params)
    try:
        with db.storage_errors():
            if not may_read_dashboard(settings, request.cookies.get(sessions.COOKIE_NAME)):
                return sign_in_first(request, view.lang) or no_store_text(
                    i18n.translate("map.sign_in_required", view.lang), 403
                )
            database = engine()
            version = data_version.read(database)
            today = dt.date.today()
            body = _document(database, version, view, today, settings)
    except db.StorageError as exc:
        log_event("storage_error", logging.ERROR, during="map", cause=exc.code)
        return no_store_text(storage_reason(exc), 503)
    current = map_page.made_for(params) == (version, today.isoformat())
    cache = CACHE_CONTROL if current else NOT_CACHED
    return HTMLResponse(body, headers={"Cache-Control": cache})


def routes() -> list[Route]:
    """The map route."""
    return [Route(map_page.PATH, map_document, methods=["GET"])]
