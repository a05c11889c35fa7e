"""One's own sign-in sessions on the account page, and ending them (also from Beheer)."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.orm import Session

from estafette import accounts, db, sessions
from estafette.accounts import Actor
from ui.auth import current_session_id
from ui.core import database_url, engine, t

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
    with db.storage_errors(), Session(engine(database_url())) as session:
        sessions.end_one(session, actor, session_id)
        session.commit()
    st.session_state[PREFIX + "flash"] = t("sessions.ended_one")


def session_list(actor: Actor) -> None:
    """The person's open sessions (device, last seen), each with an end button."""
    flash = st.session_state.pop(PREFIX + "flash", None)
    if flash:
        st.success(flash)
    with Session(engine(database_url())) as session:
        rows = sessions.active(session, actor.user_id or 0, current_id=current_session_id())
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
                seen=row.last_seen_at.strftime("%d-%m-%Y %H:%M"),
            )
            + here
        )
        right.button(
            t("sessions.end"),
            key=f"{PREFIX}end.{row.id}",
            on_click=_end,
            args=(actor, row.id),
        )


def end_all_for(actor: Actor, email: str) -> int:
    """End every session of the account ``email`` (coordinators, from Beheer)."""
    with db.storage_errors(), Session(engine(database_url())) as session:
        user = accounts.find_user(session, actor, email)
        count = sessions.end_all_for(session, actor, user.id)
        session.commit()
    return count
