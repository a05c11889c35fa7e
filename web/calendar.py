"""``GET /agenda.ics``: the relay's planned phase dates as an iCalendar file.

Query: ``stad=<city name>`` (optional; every city without it) and ``lang=nl|en``. The Tijdlijn
and the Stad page link here. A route of its own rather than a deferred ``st.download_button``:
Streamlit keeps a deferred file referenced by no session, and the next script run to end in any
session (the timeline's 2 s poll, any other visitor) may delete it before the browser fetched it.

Reading follows the dashboard's rule (``accounts.may_read``): everyone when anonymous reading is
on, so a calendar app can subscribe to the address without a cookie; otherwise the request needs
a valid session cookie, and a browser without one is sent to the sign-in page and back here.

The endpoint is a plain function, so Starlette runs it in its thread pool: the national calendar
takes about a second to write and must not hold up the event loop.
"""

from __future__ import annotations

import functools
import logging

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from estafette import calendar_feed, data_version, db, i18n, sessions
from estafette.logs import log_event
from estafette.settings import Settings
from web.auth import engine, may_read_dashboard, no_store_text, sign_in_first
from web.health import storage_reason

# private: with anonymous reading off the file is for signed-in people only. no-store: a click
# right after a save must show the new dates; the cache below makes a repeated request cheap.
CACHE_CONTROL = "private, no-store"


@functools.lru_cache(maxsize=32)
def _file(database: Engine, version: int, city: str | None, lang: str, base_url: str) -> bytes:
    # Keyed on the database (one engine per URL) and its data version: a write anywhere makes
    # the next request build afresh.
    with Session(database) as session:
        return calendar_feed.build(session, city, lang, base_url)


def calendar_file(settings: Settings, city: str | None, lang: str) -> bytes:
    """The .ics file (one city or all) as of the current data version."""
    database = engine()
    return _file(database, data_version.read(database), city, lang, settings.base_url)


def _refused(request: Request, lang: str) -> Response:
    # A person in a browser signs in and comes back; a calendar app or script gets a plain 403.
    return sign_in_first(request, lang) or no_store_text(
        i18n.translate("calendar.sign_in_required", lang), 403
    )


def agenda(request: Request) -> Response:
    """The calendar file, or why not (403 or sign-in, 404 unknown city, 503 no database)."""
    settings = Settings.from_env()
    params = request.query_params
    lang = i18n.normalise_language(params.get(calendar_feed.LANG_PARAM) or settings.language)
    city = params.get(calendar_feed.CITY_PARAM, "").strip() or None
    try:
        with db.storage_errors():
            if not may_read_dashboard(settings, request.cookies.get(sessions.COOKIE_NAME)):
                return _refused(request, lang)
            body = calendar_file(settings, city, lang)
    except calendar_feed.CalendarError as exc:
        return no_store_text(i18n.translate(exc.key, lang, **exc.values), 404)
    except db.StorageError as exc:
        log_event("storage_error", logging.ERROR, during="calendar", cause=exc.code)
        return no_store_text(storage_reason(exc), 503)
    disposition = f'attachment; filename="{calendar_feed.file_name(city)}"'
    return Response(
        body,
        media_type=calendar_feed.MIME_TYPE,  # Starlette adds "; charset=utf-8" to text types
        headers={"Content-Disposition": disposition, "Cache-Control": CACHE_CONTROL},
    )


def routes() -> list[Route]:
    """The calendar route."""
    return [Route(calendar_feed.FEED_PATH, agenda, methods=["GET"])]
