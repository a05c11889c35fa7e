"""Who is signed in: the session cookie resolved on every run, the login and logout forms.

Signing in and out are plain HTTP form posts (``web/auth.py``), because only an HTTP response
can set or clear the HttpOnly cookie. Every script run resolves the cookie's token against the
database, so a session ended in any process (logout in another tab, deactivation, password
reset, role change, expiry) signs this page out on its next interaction.
"""

from __future__ import annotations

import datetime as dt
import html
from urllib.parse import urlencode, urlsplit

import streamlit as st

from estafette import db, i18n, sessions
from estafette.accounts import ANONYMOUS, Actor
from ui import write
from ui.core import ACTOR_KEY, language, moment, settings, storage_message, t
from ui.format import safe_t

NOTICE_KEY = "estafette.auth.notice"
SESSION_ID_KEY = "estafette.auth.session_id"
ENDED_SEEN_KEY = "estafette.auth.ended_seen"
LOGIN_ACTION = "/auth/local/login"
LOGOUT_ACTION = "/auth/local/logout"


def request_token() -> str | None:
    """The session token the browser sent with this page (HttpOnly cookie)."""
    value = st.context.cookies.get(sessions.COOKIE_NAME)
    # Outside a browser (AppTest's stand-in client) there is no real cookie jar.
    return value if isinstance(value, str) and value else None


def sso_configured() -> bool:
    """Whether an ``[auth]`` section is configured in the Streamlit secrets."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all is the normal local case
        return False


def _forget() -> None:
    for key in (ACTOR_KEY, SESSION_ID_KEY):
        st.session_state.pop(key, None)


def _notice_for(resolved: sessions.Resolved) -> None:
    # Say once per browser tab why the person is no longer signed in.
    if resolved.session_id is None or st.session_state.get(ENDED_SEEN_KEY) == resolved.session_id:
        return
    st.session_state[ENDED_SEEN_KEY] = resolved.session_id
    reason = resolved.ended_reason or sessions.Ended.REVOKED
    st.session_state[NOTICE_KEY] = (
        f"auth.ended.{reason}",
        {"minutes": settings().session_idle_minutes, "hours": settings().session_max_hours},
    )


def gate() -> Actor:
    """The actor for this run, from the session cookie; anonymous when there is none."""
    token = request_token()
    if not token:
        _forget()
        return ANONYMOUS
    try:
        # Resolving records the visit (last seen) or the session's end: bookkeeping, not an edit.
        resolved = write.bookkeeping(
            lambda s: sessions.resolve(s, token, settings().session_policy)
        )
    except db.StorageError as exc:
        st.error(write.message(exc))
        st.stop()
    if resolved.actor is None:
        _forget()
        _notice_for(resolved)
        return ANONYMOUS
    st.session_state[ACTOR_KEY] = resolved.actor
    st.session_state[SESSION_ID_KEY] = resolved.session_id
    return resolved.actor


def current_session_id() -> int | None:
    """The id (never the token) of this browser's session, to mark it in the session list."""
    return st.session_state.get(SESSION_ID_KEY)


def role_label(actor: Actor) -> str:
    """The translated role of an actor."""
    return t(f"user.role.{actor.role.value if actor.role else 'anonymous'}")


def current_path(url_path: str) -> str:
    """The view on page ``url_path`` as a same-site path with its query (filters, language)."""
    query = urlencode(st.query_params.to_dict())
    path = "/" + url_path
    return f"{path}?{query}" if query else path


def absolute_link(url_path: str) -> str:
    """The full address of the current view, to copy and share."""
    parts = urlsplit(st.context.url or "")
    base = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    return base + current_path(url_path)


# The forms are plain HTML so that the browser posts them (and receives the cookie); the styles
# follow the app's theme so they read as part of the page. No script is involved.
_FORM_CSS = """
<style>
.est-form{display:flex;flex-direction:column;gap:.75rem;max-width:28rem}
.est-form label{display:flex;flex-direction:column;gap:.25rem;font-size:.875rem}
.est-form input[type=email],.est-form input[type=password]{font:inherit;padding:.5rem .75rem;
 border:1px solid #6b6f76;border-radius:.5rem;background:#fff;color:#1f2328}
.est-form input:focus-visible,.est-form button:focus-visible{outline:3px solid #0072B2;
 outline-offset:2px}
.est-form button{font:inherit;align-self:flex-start;padding:.5rem 1rem;border-radius:.5rem;
 border:1px solid #0072B2;cursor:pointer}
.est-form button.primary{background:#0072B2;color:#fff}
.est-form button.secondary{background:#fff;color:#1f2328;border-color:#6b6f76}
</style>
"""


def login_form(next_path: str) -> None:
    """The e-mail/password form that posts to the sign-in route."""
    esc = html.escape
    st.html(
        _FORM_CSS
        + f"""
<form class="est-form" method="post" action="{LOGIN_ACTION}" data-testid="estafette-login-form">
  <input type="hidden" name="next" value="{esc(next_path)}">
  <input type="hidden" name="lang" value="{esc(language())}">
  <label>{esc(t("auth.email"))}
    <input type="email" name="email" autocomplete="username" required>
  </label>
  <label>{esc(t("auth.password"))}
    <input type="password" name="password" autocomplete="current-password" required>
  </label>
  <button class="primary" type="submit">{esc(t("auth.submit"))}</button>
</form>
"""
    )


def logout_form(container: st.delta_generator.DeltaGenerator | None = None) -> None:
    """The sign-out button (a form post that ends the session and clears the cookie)."""
    target = container or st
    esc = html.escape
    target.html(
        _FORM_CSS
        + f"""
<form class="est-form" method="post" action="{LOGOUT_ACTION}">
  <input type="hidden" name="lang" value="{esc(language())}">
  <button class="secondary" type="submit">{esc(t("auth.logout"))}</button>
</form>
"""
    )


def sidebar(actor: Actor) -> None:
    """Who is signed in, and the logout button."""
    if actor.is_anonymous:
        return
    # Markdown, not a caption: faded caption text would fall below 4.5:1 contrast. The name
    # (or e-mail address) is the person's own text: escaped, so it is never a link.
    st.sidebar.markdown(safe_t("auth.signed_in_as", name=actor.label, role=role_label(actor)))
    logout_form(st.sidebar)


def login_error(code: str, until: str) -> str:
    """The translated reason a sign-in was refused (codes from the sign-in route)."""
    # The codes come from the address, which anyone can write: only known ones are looked up.
    if code.startswith("db_") and f"error.db.{code[3:]}" in i18n.catalog():
        return storage_message(code[3:])
    if code not in {"invalid", "locked", "inactive", "no_account"}:
        code = "invalid"
    when = ""
    if until:
        try:
            when = moment(dt.datetime.fromisoformat(until))
        except ValueError:
            when = ""
    key = "auth.error.sso_no_account" if code == "no_account" else f"auth.error.{code}"
    return t(key, until=when)


def show_notice() -> None:
    """Show (once) why the person was signed out or refused."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        key, values = notice
        st.info(t(key, **values))
