"""``<html lang>`` of the served page follows the chosen language (WCAG 3.1.1).

Streamlit serves one static index.html with ``lang="en"``. This middleware rewrites that
attribute on the way out: ``?lang=`` first, then the ``estafette_lang`` cookie (set by the app
when the language is chosen), else the configured default. The app also updates the attribute
in the open page when the language is switched (ui.core.language_picker).
"""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from estafette import i18n

COOKIE = "estafette_lang"
_HTML_LANG = re.compile(rb'<html lang="[A-Za-z-]*"', re.IGNORECASE)


def requested_language(query_string: bytes, cookie_header: str, default: str) -> str:
    """The page language for a request: ``?lang=``, else the cookie, else ``default``."""
    query = parse_qs(query_string.decode("latin-1")).get("lang", [""])[0]
    if query in i18n.LANGUAGES:
        return query
    cookies = SimpleCookie()
    try:
        cookies.load(cookie_header)
    except Exception:  # a malformed Cookie header is the client's problem, not a 500
        return i18n.normalise_language(default)
    chosen = cookies[COOKIE].value if COOKIE in cookies else default
    return i18n.normalise_language(chosen)


class HtmlLangMiddleware:
    """Rewrite ``<html lang="…">`` in HTML responses to the requested language."""

    def __init__(self, app: ASGIApp, default: str = i18n.DEFAULT_LANGUAGE) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Buffer HTML bodies (only the small index page) and fix their lang attribute."""
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        lang = requested_language(
            scope.get("query_string", b""), headers.get("cookie", ""), self.default
        )
        start: Message | None = None
        body = bytearray()

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                content_type = dict(message.get("headers", [])).get(b"content-type", b"")
                if not content_type.startswith(b"text/html"):
                    await send(message)
                    return
                start = message
                return
            if start is None:
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body"):
                return
            new = _HTML_LANG.sub(f'<html lang="{lang}"'.encode(), bytes(body), count=1)
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(new)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": new})

        await self.app(scope, receive, rewrite)
