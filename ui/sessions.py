"""Sign-in sessions: one's own on the account page, and ending an account's from Beheer."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.orm import Session

from estafette import accounts, sessions
from estafette.accounts import Actor
from ui import write
from ui.auth import current_session_id
from ui.core import moment, read, t
from ui.format import safe_tn

PREFIX = "estafette.account."


def device_label(user_agent: str) -> str:
    """A short, readable name for the browser and system in a User-Agent string."""
    ua = user_agent or ""
    browser = next(
        (
            name
            for token, name in (
                ("Edg/", "Edge"),
                ("Firefox/", "Firefox"),
                ("Chrome/", "Chrome"),
                ("Safari/", "Safari"),
            )
            if token in ua
        ),
        "",
    )
    system = next(
        (
            name
            for token, name in (
                ("Windows", "Windows"),
                ("Android", "Android"),
                ("iPhone", "iPhone"),
                ("iPad", "iPad"),
                ("Mac OS X", "macOS"),
                ("Linux", "Linux"),
            )
            if token in ua
        ),
        "",
    )
    label = " · ".join(part for part in (browser, system) if part)
    return label or t("sessions.unknown_device")


def _end(actor: Actor, session_id: int) -> None:
    # A button callback: the outcome is flashed for the run that follows.
    write.attempt(
        lambda s: sessions.end_one(s, actor, session_id),
        success=t("sessions.ended_one"),
        later=True,
    )


def session_list(actor: Actor) -> None:
    """The person's open sessions (device, last seen), each with an end button."""
    user_id = actor.user_id or 0
    rows = read(lambda s: sessions.active(s, user_id, current_id=current_session_id()))
    if not rows:
        st.markdown(t("sessions.none"))
        return
    for row in rows:
        left, right = st.columns([4, 1], vertical_alignment="center")
        here = f" — **{t('sessions.this_device')}**" if row.current else ""
        left.markdown(
            t(
                "sessions.row",
                device=device_label(row.user_agent),
                method=t(f"sessions.method.{row.method}"),
                seen=moment(row.last_seen_at),
            )
            + here
        )
        right.button(
            t("sessions.end"),
            key=f"{PREFIX}end.{row.id}",
            on_click=_end,
            args=(actor, row.id),
        )


def end_all_for(actor: Actor, email: str) -> bool:
    """End every sign-in session of the account ``email`` (Beheer), saying how many."""
    return write.attempt(
        lambda s: _end_all(s, actor, email),
        success=lambda count: safe_tn("sessions.ended_all", count, email=email),
    )


def _end_all(session: Session, actor: Actor, email: str) -> int:
    return sessions.end_all_for(session, actor, accounts.find_user(session, actor, email).id)
