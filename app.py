"""Estafette Wijkdialoog: the router (page config, language, database, login gate, navigation)."""

import streamlit as st

from estafette.accounts import Action, can, may_read
from ui import auth
from ui.core import language_picker, require_database, settings, t

st.set_page_config(page_title="Estafette Wijkdialoog", page_icon=":material/sprint:", layout="wide")
language_picker()
require_database()
actor = auth.gate()
auth.sidebar(actor)

readable = may_read(actor, settings().anonymous_read)
login = st.Page(
    "pages/login.py",
    title=t("auth.nav_login") if actor.is_anonymous else t("auth.nav_account"),
    icon=":material/login:" if actor.is_anonymous else ":material/account_circle:",
    url_path="inloggen",
    default=not readable,
)
relay = [
    st.Page(
        "pages/overview.py",
        title=t("nav.overview"),
        icon=":material/dashboard:",
        url_path="overzicht",
        default=readable,
    ),
    st.Page("pages/map.py", title=t("nav.map"), icon=":material/map:", url_path="kaart"),
    st.Page(
        "pages/timeline.py",
        title=t("nav.timeline"),
        icon=":material/timeline:",
        url_path="tijdlijn",
    ),
]
if can(actor, Action.EDIT_STATUS):
    relay.append(
        st.Page(
            "pages/status.py",
            title=t("nav.status"),
            icon=":material/edit_note:",
            url_path="fase-bijwerken",
        )
    )
learning = [
    st.Page(
        "pages/method.py", title=t("nav.method"), icon=":material/menu_book:", url_path="methode"
    )
]
if not actor.is_anonymous:
    learning[:0] = [
        st.Page(
            "pages/lessons.py",
            title=t("nav.lessons"),
            icon=":material/lightbulb:",
            url_path="lessen",
        ),
        st.Page(
            "pages/leergang.py",
            title=t("nav.leergang"),
            icon=":material/school:",
            url_path="leergang",
        ),
    ]
manage = []
if can(actor, Action.MANAGE_USERS):
    manage.append(
        st.Page(
            "pages/admin.py", title=t("admin.nav"), icon=":material/settings:", url_path="beheer"
        )
    )
if can(actor, Action.EXPORT_DATA):
    manage.append(
        st.Page(
            "pages/transfer.py",
            title=t("transfer.nav"),
            icon=":material/swap_vert:",
            url_path="import-export",
        )
    )
manage.append(login)

if readable:
    pages = {
        t("nav.section_relay"): relay,
        t("nav.section_learning"): learning,
        t("admin.section"): manage,
    }
else:
    pages = {"": [login]}
st.navigation(pages).run()
