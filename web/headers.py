"""Security headers on every HTTP response, with a CSP fitted to what the app really loads.

What the pages load (checked with the browser journeys in tests/browser):
- Streamlit's own bundle, fonts and styles from this origin; its styles are injected inline.
- The map: a document of its own (/kaart.html, folium's Leaflet page with inline scripts) in
  a frame of the page; Leaflet and friends come from /app/static/vendor; tiles are images
  from the configured tile server (and OpenStreetMap as the second base map). The page hears
  its clicks through a Streamlit v2 component, whose inline module Streamlit loads from a
  ``blob:`` URL.
- The timeline is inline SVG (presentation attributes and hatch patterns, no script, no
  links), put into the page by one line of inline script (ui.timeline.svg_element, allowed
  by 'unsafe-inline'); only its opt-in interactive chart (Plotly, the toggle under it) draws
  with inline styles and ``data:``/``blob:`` images.
- The sign-in form posts to /auth/local/login on this origin (form-action 'self').

The map's assets (estafette.map_assets: Leaflet and friends in a folder named after their
versions, the outline under a content hash) get a year of caching here: their address changes
whenever their content does. Streamlit serves ./static with validators only, which leaves the
browser to guess how long they stay fresh (a tenth of their age: minutes after a deployment),
so a returning visitor's map asked for every file again.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from estafette import map_assets
from estafette.maps import OSM_TILES
from estafette.settings import Settings


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def content_security_policy(tile_url: str) -> str:
    """The Content-Security-Policy for a given tile server."""
    tiles = " ".join(sorted({o for o in (_origin(tile_url), _origin(OSM_TILES)) if o}))
    directives = {
        "default-src": "'self'",
        # 'unsafe-inline': the folium map's inline scripts in its document. blob: Streamlit
        # imports a v2 component's inline module from a blob URL (the map's click bridge);
        # only a script already running on this origin can make one.
        "script-src": "'self' 'unsafe-inline' blob:",
        "style-src": "'self' 'unsafe-inline'",
        "img-src": f"'self' data: blob: {tiles}".strip(),
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "media-src": "'self' blob: data:",
        "worker-src": "'self' blob:",
        "frame-src": "'self' blob: data:",
        "frame-ancestors": "'self'",
        "form-action": "'self'",
        "base-uri": "'self'",
        "object-src": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


# Files whose address names their content: kept by any cache for a year, never asked again.
IMMUTABLE = "public, max-age=31536000, immutable"
VERSIONED = (f"{map_assets.VENDOR_BASE}/", f"{map_assets.OUTLINE_BASE}/outline-")


def cache_control(path: str) -> str | None:
    """The Cache-Control for a static file of the app's, when its address names its content."""
    # The path may come under Streamlit's base path (server.baseUrlPath).
    return IMMUTABLE if any(part in path for part in VERSIONED) else None


def security_headers(tile_url: str) -> dict[str, str]:
    """Every header the middleware adds."""
    return {
        "Content-Security-Policy": content_security_policy(tile_url),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Frame-Options": "SAMEORIGIN",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    }


class SecurityHeaders:
    """Pure ASGI middleware: adds the headers to every HTTP response (not to WebSockets)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = security_headers(Settings.from_env().tile_url)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers when the response starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        caching = cache_control(scope.get("path", ""))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value
                if caching and message.get("status") == 200:
                    headers["Cache-Control"] = caching
            await send(message)

        await self.app(scope, receive, send_with_headers)


def middleware() -> list[Middleware]:
    """The security-headers middleware."""
    return [Middleware(SecurityHeaders)]
