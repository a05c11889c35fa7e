"""Inloggen: local login form, optional SSO, and the first-run form for the first coordinator."""

import streamlit as st

from estafette.accounts import Action, can
from ui import auth
from ui import city as city_ui
from ui.core import current_actor, t

actor = current_actor()
st.title(t("auth.title") if actor.is_anonymous else t("auth.nav_account"))
auth.show_notice()

if not actor.is_anonymous:
    st.success(t("auth.signed_in_as", name=actor.label, role=auth.role_label(actor)))
    if can(actor, Action.EDIT_STATUS):
        st.page_link("pages/status.py", label=t("nav.status"), icon=":material/edit_note:")
    st.button(
        t("auth.logout"),
        key="estafette.auth.logout_page",
        icon=":material/logout:",
        on_click=auth.sign_out,
    )
    city_ui.reminder_settings(actor)
    st.stop()

st.caption(t("auth.intro"))
if auth.sso_configured():
    if st.button(t("auth.sso"), key="estafette.auth.sso_button", icon=":material/badge:"):
        st.login()
    st.caption(t("auth.sso_or"))

with st.form("estafette.auth.login_form"):
    email = st.text_input(t("auth.email"), key="estafette.auth.email", autocomplete="username")
    password = st.text_input(
        t("auth.password"),
        type="password",
        key="estafette.auth.password",
        autocomplete="current-password",
    )
    submitted = st.form_submit_button(t("auth.submit"), type="primary")
if submitted and auth.sign_in(email, password):
    st.rerun()

if not auth.has_coordinator():
    st.divider()
    st.subheader(t("auth.first_run_title"))
    st.caption(t("auth.first_run_intro"))
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
        elif auth.bootstrap(first_email, first_password, name):
            st.rerun()
