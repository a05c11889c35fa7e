"""Inloggen / Account: the sign-in form, optional SSO, the first-run form, and one's sessions."""

import streamlit as st

from estafette.accounts import Action, can
from ui import accounts, auth, reminders, sessions, write
from ui.core import current_actor, t
from ui.format import safe_t

actor = current_actor()
st.title(t("auth.title") if actor.is_anonymous else t("auth.nav_account"))
if st.query_params.get("afgemeld"):
    st.info(t("auth.logged_out"))
if st.query_params.get("fout"):
    st.error(
        auth.login_error(st.query_params.get("fout", ""), st.query_params.get("tot", "")),
        icon=":material/lock:",
    )

if not actor.is_anonymous:
    st.success(safe_t("auth.signed_in_as", name=actor.label, role=auth.role_label(actor)))
    if can(actor, Action.EDIT_STATUS):
        st.page_link("pages/status.py", label=t("nav.status"), icon=":material/edit_note:")
    auth.logout_form()
    st.subheader(t("sessions.title"))
    write.show_flash()
    sessions.session_list(actor)
    reminders.reminder_settings(actor)
    st.stop()

st.markdown(t("auth.intro"))
if auth.sso_configured():
    if st.button(t("auth.sso"), key="estafette.auth.sso_button", icon=":material/badge:"):
        st.login()
    st.markdown(t("auth.sso_or"))

auth.login_form(st.query_params.get("next", "/"))

if not accounts.has_coordinator():
    st.divider()
    st.subheader(t("auth.first_run_title"))
    st.markdown(t("auth.first_run_intro"))
    with st.form("estafette.auth.first_run_form"):
        name = st.text_input(t("auth.name"), key="estafette.auth.first_name")
        first_email = st.text_input(t("auth.email"), key="estafette.auth.first_email")
        first_password = st.text_input(
            t("auth.password"), type="password", key="estafette.auth.first_password"
        )
        again = st.text_input(
            t("auth.password_again"), type="password", key="estafette.auth.first_password2"
        )
        create = st.form_submit_button(t("auth.first_run_submit"))
    if create:
        if first_password != again:
            st.error(t("auth.password_mismatch"))
        elif accounts.bootstrap(first_email, first_password, name):
            st.rerun()
write.show_flash()
