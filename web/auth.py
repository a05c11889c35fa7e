"""Sign-in over plain HTTP, so that the browser can hold the session in an HttpOnly cookie.

- ``POST /auth/local/login``: e-mail and password from the login page's form; on success a
  session row and the cookie, then a redirect to the page the person wanted.
- ``POST /auth/local/logout``: ends the session (and an SSO identity cookie) and clears it all.
- ``GET /auth/sso/finish``: Streamlit's OIDC callback ends here (see ``SsoFinishRedirect``);
  maps the identity to an account and opens the same kind of session as a local sign-in.

Both POSTs refuse requests from another origin (CSRF): the browser's Origin header (or, failing
that, the Referer) must name this host.
"""

from __future__ import annotations

import functools
import json
import logging
from urllib.parse import parse_qs, urlencode, urlsplit

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from estafette import accounts, data_version, db, i18n, sessions, signin
from estafette.accounts import ANONYMOUS, may_read
from estafette.logs import log_event
from estafette.settings import Settings

LOGIN_PATH = "/auth/local/login"
LOGOUT_PATH = "/auth/local/logout"
SSO_FINISH_PATH = "/auth/sso/finish"
LOGIN_PAGE = "/inloggen"
MAX_FORM_BYTES = 16 * 1024
# Streamlit's own OIDC identity cookies (st.login); cleared on logout and refused SSO.
STREAMLIT_AUTH_COOKIES = ("_streamlit_user", "_streamlit_user_tokens")


@functools.cache
def _engine(url: str) -> Engine:
    return db.make_engine(url)


def engine() -> Engine:
    """The engine of the configured database (one pool per process for these routes)."""
    return _engine(Settings.from_env().database_url)


def may_read_dashboard(settings: Settings, token: str | None) -> bool:
    """Whether a request may read the dashboard: public reading, or a valid session cookie.

    For the routes beside the pages (the calendar, the map): the pages' own rule
    (``accounts.may_read``), with the session resolved in the database as the pages do.
    """
    if may_read(ANONYMOUS, settings.anonymous_read):
        return True
    if not token:
        return False
    with Session(engine()) as session:
        # Resolving records the visit (last seen) or the session's end: bookkeeping, not an edit.
        data_version.bookkeeping(session)
        resolved = sessions.resolve(session, token, settings.session_policy)
        session.commit()
    return resolved.actor is not None and may_read(resolved.actor, settings.anonymous_read)


def no_store_text(body: str, status: int) -> PlainTextResponse:
    """A one-line answer of a route beside the pages (a refusal, 404 or 503), never kept."""
    return PlainTextResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def sign_in_first(request: Request, lang: str) -> Response | None:
    """A browser asking for a page: off to the sign-in page and back here (else None)."""
    if "text/html" not in request.headers.get("accept", ""):
        return None
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    login = f"{LOGIN_PAGE}?{urlencode({'lang': lang, 'next': here})}"
    return RedirectResponse(login, status_code=303, headers={"Cache-Control": "no-store"})


def is_https(request: Request) -> bool:
    """Whether the browser talks HTTPS to us, directly or through a proxy that says so."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return (forwarded or request.url.scheme) == "https"


def _host(request: Request) -> str:
    forwarded = request.headers.get("x-forwarded-host", "").split(",")[0].strip()
    host = forwarded or request.headers.get("host", "")
    return (urlsplit(f"//{host}").hostname or "").lower()


def same_origin(request: Request) -> bool:
    """Whether the POST comes from a page of this site (Origin, else Referer, names our host)."""
    source = request.headers.get("origin") or request.headers.get("referer") or ""
    if not source or source == "null":
        return False
    return bool(_host(request)) and (urlsplit(source).hostname or "").lower() == _host(request)


def safe_next(raw: str | None) -> str:
    """A same-site path to go to after signing in; anything else becomes the start page."""
    raw = (raw or "").strip()
    if (
        not raw.startswith("/")
        or raw.startswith("//")
        or "\\" in raw
        or any(ord(c) < 32 for c in raw)
    ):
        return "/"
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return "/"
    return raw


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    parsed = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    return {key: values[0] for key, values in parsed.items()}


def _login_page(lang: str, **params: str) -> str:
    query = {"lang": i18n.normalise_language(lang), **{k: v for k, v in params.items() if v}}
    return f"{LOGIN_PAGE}?{urlencode(query)}"


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    """Hand the browser its session token: HttpOnly, SameSite=Lax, Secure over HTTPS."""
    settings = Settings.from_env()
    response.set_cookie(
        sessions.COOKIE_NAME,
        token,
        max_age=int(settings.session_policy.absolute.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_https(request),
    )


def _clear_cookies(response: Response, request: Request) -> None:
    response.delete_cookie(sessions.COOKIE_NAME, path="/", httponly=True, samesite="lax")
    for name in request.cookies:
        if name.startswith(STREAMLIT_AUTH_COOKIES):
            response.delete_cookie(name, path="/")


def _refused() -> PlainTextResponse:
    return PlainTextResponse(
        "Verzoek geweigerd: het kwam niet van deze website. / Request refused: it did not "
        "come from this site.",
        status_code=403,
    )


def _sign_in(email: str, password: str, user_agent: str) -> str:
    with db.storage_errors(), Session(engine()) as session:
        # Failed-login counters are no dashboard data: they must not invalidate every cache.
        data_version.bookkeeping(session)
        actor = signin.authenticate(session, email, password)
        token = sessions.start(session, actor, method="local", user_agent=user_agent)
        session.commit()
        return token


async def login(request: Request) -> Response:
    """Check the login form; set the session cookie or go back to the form with the reason."""
    if not same_origin(request):
        log_event("sign_in_refused", logging.WARNING, reason="foreign_origin")
        return _refused()
    form = await _form(request)
    lang = form.get("lang", "")
    target = safe_next(form.get("next"))
    try:
        token = await run_in_threadpool(
            _sign_in,
            form.get("email", ""),
            form.get("password", ""),
            request.headers.get("user-agent", ""),
        )
    except accounts.LoginFailed as exc:
        log_event(
            "lockout" if exc.code == "locked" else "sign_in_failed",
            logging.WARNING,
            reason=exc.code,
            email_hash=signin.email_hash(form.get("email", "")),
        )
        until = exc.until.strftime("%Y-%m-%dT%H:%M") if exc.until else ""
        return RedirectResponse(
            _login_page(lang, fout=exc.code, tot=until, next=target), status_code=303
        )
    except db.StorageError as exc:
        log_event("storage_error", logging.ERROR, during="sign_in", cause=exc.code)
        return RedirectResponse(_login_page(lang, fout=f"db_{exc.code}"), status_code=303)
    log_event("sign_in", method="local", email=accounts.normalise_email(form.get("email", "")))
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, request, token)
    return response


def _sign_out(token: str | None) -> None:
    with db.storage_errors(), Session(engine()) as session:
        sessions.end(session, token, sessions.Ended.LOGOUT)
        session.commit()


async def logout(request: Request) -> Response:
    """End this browser's session everywhere and clear its cookies."""
    if not same_origin(request):
        return _refused()
    form = await _form(request)
    try:
        await run_in_threadpool(_sign_out, request.cookies.get(sessions.COOKIE_NAME))
    except db.StorageError as exc:
        log_event("storage_error", logging.ERROR, during="sign_out", cause=exc.code)
    response = RedirectResponse(_login_page(form.get("lang", ""), afgemeld="1"), status_code=303)
    _clear_cookies(response, request)
    return response


def _sso_email(request: Request) -> str:
    # Streamlit keeps the OIDC identity in its own signed cookie; read it with its own helper.
    from streamlit.web.server.starlette.starlette_auth_routes import (
        _get_cookie_value_from_request,
    )

    raw = _get_cookie_value_from_request(request, "_streamlit_user")
    if not raw:
        return ""
    try:
        info = json.loads(raw)
    except (TypeError, ValueError):
        return ""
    return str(info.get("email") or "") if info.get("is_logged_in") else ""


def _sso_session(email: str, user_agent: str) -> str:
    with db.storage_errors(), Session(engine()) as session:
        actor = accounts.sso_actor(session, email)
        token = sessions.start(session, actor, method="sso", user_agent=user_agent)
        session.commit()
        return token


async def sso_finish(request: Request) -> Response:
    """Turn a fresh OIDC identity into an Estafette session (same cookie as a local sign-in)."""
    email = _sso_email(request)
    lang = request.query_params.get("lang", "")
    if not email:
        return RedirectResponse(_login_page(lang, fout="no_account"), status_code=303)
    try:
        token = await run_in_threadpool(_sso_session, email, request.headers.get("user-agent", ""))
    except accounts.LoginFailed as exc:
        log_event("sign_in_failed", logging.WARNING, method="sso", reason=exc.code)
        response = RedirectResponse(_login_page(lang, fout=exc.code), status_code=303)
        _clear_cookies(response, request)
        return response
    except db.StorageError as exc:
        log_event("storage_error", logging.ERROR, during="sso_sign_in", cause=exc.code)
        return RedirectResponse(_login_page(lang, fout=f"db_{exc.code}"), status_code=303)
    log_event("sign_in", method="sso", email=accounts.normalise_email(email))
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(response, request, token)
    return response


class SsoFinishRedirect:
    """Send the browser from Streamlit's OIDC callback on to ``/auth/sso/finish``.

    Streamlit's callback sets its identity cookie and redirects to ``/``; pointing that redirect
    at our route lets every sign-in, whichever door, end in the same server-side session.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass requests on; rewrite the callback's redirect once it set an identity."""
        if scope["type"] != "http" or not scope.get("path", "").endswith("/oauth2callback"):
            await self.app(scope, receive, send)
            return

        async def rewrite(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (302, 303, 307):
                headers = message.get("headers", [])
                sets_identity = any(
                    name == b"set-cookie" and value.startswith(b"_streamlit_user=")
                    for name, value in headers
                )
                if sets_identity:
                    message["headers"] = [
                        (name, SSO_FINISH_PATH.encode() if name == b"location" else value)
                        for name, value in headers
                    ]
            await send(message)

        await self.app(scope, receive, rewrite)


def routes() -> list[BaseRoute]:
    """The sign-in routes."""
    return [
        Route(LOGIN_PATH, login, methods=["POST"]),
        Route(LOGOUT_PATH, logout, methods=["POST"]),
        Route(SSO_FINISH_PATH, sso_finish, methods=["GET"]),
    ]
