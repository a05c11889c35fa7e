"""The HTTP layer around the Streamlit app: extra Starlette routes and middleware.

``server.py`` hands ``routes()`` and ``middleware()`` to ``st.App``. Each concern keeps its own
module here (sign-in routes, health, the calendar, security headers); this module lists them.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from web import auth, calendar, headers, health, map_frame, pages
from web.index_page import IndexPageMiddleware


def routes() -> list[BaseRoute]:
    """Every extra route, in matching order."""
    return [*health.routes(), *auth.routes(), *calendar.routes(), *map_frame.routes()]


def middleware() -> list[Middleware]:
    """Every extra middleware, outermost first."""
    return [
        *headers.middleware(),
        Middleware(IndexPageMiddleware),
        Middleware(pages.NotFoundPages),
        Middleware(auth.SsoFinishRedirect),
    ]
