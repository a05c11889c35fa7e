"""The app's own answer to an address that is no page: a Dutch (or English) 404 page.

Streamlit serves its single-page app for every unknown path and then shows its English "Page
not found" box. Page paths are known up front (the ``url_path`` of every ``st.Page`` in
app.py; a test keeps this list and app.py in step), so anything else gets a real 404 here.
"""

from __future__ import annotations

import html

from starlette.datastructures import Headers, QueryParams
from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from estafette import i18n

PAGE_PATHS = frozenset(
    {
        "inloggen",
        "overzicht",
        "kaart",
        "tijdlijn",
        "fase-bijwerken",
        "lessen",
        "les-toevoegen",
        "leergang",
        "methode",
        "beheer",
        "import-export",
        "stad",
    }
)
# First path segments that belong to Streamlit or to our own routes, never to a page.
PASSTHROUGH = frozenset(
    {"_stcore", "static", "app", "component", "media", "auth", "oauth2callback", "healthz"}
)


def is_page_or_asset(path: str) -> bool:
    """Whether ``path`` is a page, the start page, a file or a route of Streamlit's or ours."""
    segments = [s for s in path.split("/") if s]
    if not segments:
        return True
    if segments[0] in PASSTHROUGH or "." in segments[-1]:
        return True
    return len(segments) == 1 and segments[0] in PAGE_PATHS


def not_found_page(lang: str) -> str:
    """The HTML of the 404 page in ``lang``."""
    lang = i18n.normalise_language(lang)

    def t(key: str) -> str:
        return html.escape(i18n.translate(key, lang))

    return f"""<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{t("not_found.title")} · Estafette Wijkdialoog</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;
color:#1f2328;line-height:1.5}}
a{{color:#005a8c}} a:focus-visible{{outline:3px solid #0072B2;outline-offset:2px}}
</style></head>
<body><main>
<h1>{t("not_found.title")}</h1>
<p>{t("not_found.body")}</p>
<p><a href="/?lang={lang}">{t("not_found.home")}</a></p>
</main></body></html>"""


class NotFoundPages:
    """Answer GET requests for unknown page paths with the app's own 404 page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the 404 page, or pass the request on."""
        if (
            scope["type"] != "http"
            or scope.get("method") not in ("GET", "HEAD")
            or is_page_or_asset(scope.get("path", "/"))
        ):
            await self.app(scope, receive, send)
            return
        query = QueryParams(scope.get("query_string", b""))
        lang = query.get("lang") or _accept_language(Headers(scope=scope))
        response = HTMLResponse(not_found_page(lang), status_code=404)
        await response(scope, receive, send)


def _accept_language(headers: Headers) -> str:
    first = headers.get("accept-language", "").split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "nl"
