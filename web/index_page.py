"""The served index page: its language, its title and where the app's backend lives.

Streamlit serves one static index.html for every page address. This middleware rewrites it on
the way out:

- ``<html lang>`` follows the chosen language (WCAG 3.1.1): ``?lang=`` first, then the
  ``estafette_lang`` cookie (set by the app when the language is chosen), else the configured
  default. The app also updates the attribute in the open page when the language is switched
  (ui.core.language_picker).
- ``<title>`` names the app rather than "Streamlit" until the first script run sets it.
- The code of the elements the page draws is named for preloading (web.preload), so a first
  visit fetches it with the main bundle instead of after the page's first script run.
- ``window.__streamlit.BACKEND_BASE_URL`` tells Streamlit's frontend where the server is.
  Without it the frontend guesses from the address: on ``/kaart`` it first asks
  ``/kaart/_stcore/health``, gets a 404, waits and only then tries ``/_stcore/health``. That
  detour cost about 0.1 s on every visit to every page but the root (measured in Chromium:
  ``python -m estafette bench --browser``).
"""

from __future__ import annotations

import gzip
import html
import json
import re
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from estafette import i18n, map_page
from web.preload import links as preload_links

COOKIE = i18n.LANG_COOKIE
TITLE = "Estafette Wijkdialoog"
_HTML_LANG = re.compile(rb'<html lang="[A-Za-z-]*"', re.IGNORECASE)
_TITLE = re.compile(rb"<title>[^<]*</title>", re.IGNORECASE)
_HEAD = re.compile(rb"<head>", re.IGNORECASE)
_HEAD_END = re.compile(rb"</head>", re.IGNORECASE)


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


def backend_script(base_path: str) -> str:
    """The inline script that names the server's base address (this origin plus ``base_path``).

    The origin is taken in the browser, so the page works under whatever host and scheme a
    proxy puts in front of it; ``base_path`` is Streamlit's ``server.baseUrlPath``.
    """
    path = "/" + base_path.strip("/")
    # JSON with "<" escaped: a string literal that can never close the script element.
    literal = json.dumps(path).replace("<", "\\u003c")
    return (
        "<script>window.__streamlit=Object.assign("
        f"{{BACKEND_BASE_URL:window.location.origin+{literal}}},"
        "window.__streamlit||{});</script>"
    )


def rewrite_index(body: bytes, lang: str, base_path: str, path: str = "/") -> bytes:
    """The index page of ``path`` with its language, title, backend and element code filled in."""
    body = _HTML_LANG.sub(f'<html lang="{lang}"'.encode(), body, count=1)
    # After Streamlit's own modulepreloads: the main bundle's files are asked for first.
    body = _HEAD_END.sub(preload_links(path, base_path).encode() + b"</head>", body, count=1)
    body = _TITLE.sub(f"<title>{html.escape(TITLE)}</title>".encode(), body, count=1)
    # First thing in <head>: Streamlit's bundle reads window.__streamlit once, when it loads.
    return _HEAD.sub(b"<head>" + backend_script(base_path).encode(), body, count=1)


def _base_url_path() -> str:
    # Read per request, not at import: tests and `streamlit run --server.baseUrlPath` set it
    # after this module is imported.
    from streamlit import config

    return str(config.get_option("server.baseUrlPath") or "")


# HTML of the app's own routes (not Streamlit's index page): served as written.
OWN_DOCUMENTS = frozenset({map_page.PATH})


class IndexPageMiddleware:
    """Rewrite the HTML index page (language, title, backend address); pass all else on."""

    def __init__(self, app: ASGIApp, default: str = i18n.DEFAULT_LANGUAGE) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Buffer HTML bodies (only the small index page) and rewrite them."""
        own_document = scope.get("path") in OWN_DOCUMENTS
        if scope["type"] != "http" or scope.get("method") != "GET" or own_document:
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
            encoding = dict(start["headers"]).get(b"content-encoding", b"").lower()
            if encoding not in (b"", b"identity", b"gzip"):
                # An encoding this middleware cannot read: send the page as it is.
                await send(start)
                await send({"type": "http.response.body", "body": bytes(body)})
                return
            # Browsers ask for gzip and Streamlit compresses the index page: rewrite the text,
            # not the compressed bytes (which no pattern would ever match).
            text = gzip.decompress(bytes(body)) if encoding == b"gzip" else bytes(body)
            new = rewrite_index(text, lang, _base_url_path(), scope.get("path", "/"))
            if encoding == b"gzip":
                new = gzip.compress(new, compresslevel=6, mtime=0)
            # The rewritten page depends on the request (language): no validators of the
            # static file, so a browser never revalidates into a copy in another language.
            dropped = {b"content-length", b"etag", b"last-modified"}
            headers = [(k, v) for k, v in start["headers"] if k.lower() not in dropped]
            headers.append((b"content-length", str(len(new)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": new})

        await self.app(scope, receive, rewrite)
