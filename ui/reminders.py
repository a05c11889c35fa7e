"""The account page's reminder preferences: e-mail reminders on or off, and their language."""

from __future__ import annotations

import streamlit as st

from estafette import i18n, reminders
from estafette.accounts import Actor
from ui import write
from ui.core import read, t


def reminder_settings(actor: Actor) -> None:
    """The signed-in person's own choice: e-mail reminders on or off, and their language."""
    if actor.user_id is None:
        return
    user_id = actor.user_id
    enabled, mail_language = read(lambda s: reminders.preferences(s, user_id))
    st.subheader(t("notify.settings_title"))
    with st.form(key="estafette.account.reminders_form"):
        wanted = st.checkbox(
            t("notify.settings_on"), value=enabled, key="estafette.account.reminders"
        )
        chosen = st.selectbox(
            t("notify.settings_language"),
            i18n.LANGUAGES,
            index=i18n.LANGUAGES.index(mail_language),
            format_func=lambda code: i18n.translate(f"lang.{code}", code),
            key="estafette.account.mail_language",
        )
        saved = st.form_submit_button(
            t("notify.settings_save"), key="estafette.account.reminders_save"
        )
    if saved and write.attempt(
        lambda s: reminders.set_preferences(s, user_id, reminders=wanted, language=chosen),
        success=t("notify.settings_saved"),
    ):
        # Confirmed right below the form, in this run: the form already shows the new choice.
        write.show_flash()
