"""Login (local accounts and optional OIDC via st.login), idle expiry and logout."""

from __future__ import annotations

import time

import streamlit as st
from sqlalchemy.orm import Session

from estafette import accounts, db
from estafette.accounts import ANONYMOUS, Actor
from ui.core import ACTOR_KEY, current_actor, database_url, engine, settings, t

SEEN_KEY = "estafette.auth.last_seen"
NOTICE_KEY = "estafette.auth.notice"
SSO_KEY = "estafette.auth.sso"


def sso_configured() -> bool:
    """Whether an ``[auth]`` section is configured in the Streamlit secrets."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all is the normal local case
        return False


def _sso_logged_in() -> bool:
    try:
        return bool(st.user.is_logged_in)
    except Exception:  # st.user is unavailable without auth configuration
        return False


def _set_actor(actor: Actor, *, sso: bool = False) -> None:
    st.session_state[ACTOR_KEY] = actor
    st.session_state[SEEN_KEY] = time.time()
    st.session_state[SSO_KEY] = sso


def sign_out(notice: str = "auth.logged_out", **values: object) -> None:
    """Forget the signed-in actor; leaves a notice for the login page."""
    was_sso = st.session_state.get(SSO_KEY, False)
    for key in (ACTOR_KEY, SEEN_KEY, SSO_KEY):
        st.session_state.pop(key, None)
    st.session_state[NOTICE_KEY] = (notice, values)
    if was_sso and _sso_logged_in():
        st.logout()


def gate() -> Actor:
    """The actor for this run: expires idle sessions, re-reads the account, maps SSO logins."""
    actor = current_actor()
    now = time.time()
    idle_minutes = settings().session_idle_minutes
    if not actor.is_anonymous:
        last = st.session_state.get(SEEN_KEY, now)
        if now - last > idle_minutes * 60:
            sign_out("auth.expired", minutes=idle_minutes)
            return ANONYMOUS
        # Re-read the account so a deactivation or new city assignment applies at once.
        with Session(engine(database_url())) as session:
            fresh = accounts.refresh_actor(session, actor)
        if fresh.is_anonymous:
            sign_out()
            return ANONYMOUS
        st.session_state[ACTOR_KEY] = fresh
        st.session_state[SEEN_KEY] = now
        return fresh
    if sso_configured() and _sso_logged_in():
        email = str(st.user.get("email") or "")
        try:
            with Session(engine(database_url())) as session:
                fresh = accounts.sso_actor(session, email)
        except accounts.LoginFailed as exc:
            st.session_state[NOTICE_KEY] = (f"auth.error.{exc.code}", {"email": email})
            return ANONYMOUS
        _set_actor(fresh, sso=True)
        return fresh
    return ANONYMOUS


def sign_in(email: str, password: str) -> Actor | None:
    """Check a local login; shows the Dutch reason and returns None when refused."""
    try:
        with db.storage_errors(), Session(engine(database_url())) as session:
            actor = accounts.authenticate(session, email, password)
    except accounts.LoginFailed as exc:
        until = exc.until.strftime("%d-%m-%Y %H:%M") if exc.until else ""
        st.error(t(f"auth.error.{exc.code}", until=until, email=email), icon=":material/lock:")
        return None
    except db.StorageError as exc:
        st.error(t(f"error.db.{exc.code}", url=db.display_url(database_url())))
        return None
    _set_actor(actor)
    return actor


def has_coordinator() -> bool:
    """Whether the first-run form is closed."""
    with Session(engine(database_url())) as session:
        return accounts.has_coordinator(session)


def bootstrap(email: str, password: str, name: str) -> Actor | None:
    """Create the first coordinator and sign them in; shows the reason when refused."""
    try:
        with db.storage_errors(), Session(engine(database_url())) as session:
            actor = accounts.bootstrap_coordinator(
                session, email=email, password=password, name=name
            )
            session.commit()
    except accounts.AccountError as exc:
        st.error(t(f"user.error.{exc.code}", **exc.values))
        return None
    except accounts.PermissionDenied:
        st.error(t("auth.first_run_closed"))
        return None
    except db.StorageError as exc:
        st.error(t(f"error.db.{exc.code}", url=db.display_url(database_url())))
        return None
    _set_actor(actor)
    return actor


def role_label(actor: Actor) -> str:
    """The translated role of an actor."""
    return t(f"user.role.{actor.role.value if actor.role else 'anonymous'}")


def sidebar(actor: Actor) -> None:
    """Who is signed in, and the logout button."""
    if actor.is_anonymous:
        return
    # Markdown, not a caption: an e-mail address becomes a link, and faded link text would
    # fall below 4.5:1 contrast.
    st.sidebar.markdown(t("auth.signed_in_as", name=actor.label, role=role_label(actor)))
    st.sidebar.button(
        t("auth.logout"), key="estafette.auth.logout", icon=":material/logout:", on_click=sign_out
    )


def show_notice() -> None:
    """Show (once) why the user was signed out or refused."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        key, values = notice
        st.info(t(key, **values))
