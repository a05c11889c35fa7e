"""Estafette Wijkdialoog: the router (page config, language, database, sign-in, navigation)."""

import streamlit as st

from estafette.accounts import Action, can, may_read
from ui import auth, links
from ui.core import language_picker, require_database, settings, t

st.set_page_config(page_title="Estafette Wijkdialoog", page_icon="🏃", layout="wide")
language_picker()
require_database()
actor = auth.gate()
auth.sidebar(actor)
auth.show_notice()

readable = may_read(actor, settings().anonymous_read)
signed_in = not actor.is_anonymous


def shown(visible: bool) -> str:
    """Menu visibility; every page stays routable and enforces its own permission."""
    return "visible" if visible else "hidden"


login = st.Page(
    "pages/login.py",
    title=t("auth.nav_account") if signed_in else t("auth.nav_login"),
    icon=":material/account_circle:" if signed_in else ":material/login:",
    url_path="inloggen",
)
overview = st.Page(
    "pages/overview.py",
    title=t("nav.overview"),
    icon=":material/dashboard:",
    url_path="overzicht",
    visibility=shown(readable),
)
status = st.Page(
    "pages/status.py",
    title=t("nav.status"),
    icon=":material/edit_note:",
    url_path="fase-bijwerken",
    visibility=shown(can(actor, Action.EDIT_STATUS)),
)
lessons = st.Page(
    "pages/lessons.py",
    title=t("nav.lessons"),
    icon=":material/lightbulb:",
    url_path="lessen",
    visibility=shown(signed_in),
)
lesson_add = st.Page(
    "pages/lesson_add.py",
    title=t("lesson_add.title"),
    icon=":material/add:",
    url_path="les-toevoegen",
    visibility=shown(signed_in),
)
leergang = st.Page(
    "pages/leergang.py",
    title=t("nav.leergang"),
    icon=":material/school:",
    url_path="leergang",
    visibility=shown(signed_in),
)
admin = st.Page(
    "pages/admin.py",
    title=t("admin.nav"),
    icon=":material/settings:",
    url_path="beheer",
    visibility=shown(can(actor, Action.MANAGE_USERS)),
)
transfer = st.Page(
    "pages/transfer.py",
    title=t("transfer.nav"),
    icon=":material/swap_vert:",
    url_path="import-export",
    visibility=shown(can(actor, Action.EXPORT_DATA)),
)
# "/" has no page of its own: it opens the overview (or the sign-in page) under its own
# address, so /overzicht and / show the same page and every page has one working URL.
home = st.Page(
    lambda: st.switch_page(overview if readable else login, query_params=links.kept_params()),
    title=t("nav.overview"),
    url_path="start",
    default=True,
    visibility="hidden",
)
pages = {
    "": [home],
    t("nav.section_relay"): [
        overview,
        st.Page(
            "pages/map.py",
            title=t("nav.map"),
            icon=":material/map:",
            url_path="kaart",
            visibility=shown(readable),
        ),
        st.Page(
            "pages/timeline.py",
            title=t("nav.timeline"),
            icon=":material/timeline:",
            url_path="tijdlijn",
            visibility=shown(readable),
        ),
        st.Page(
            "pages/city.py",
            title=t("city.nav"),
            icon=":material/location_city:",
            url_path="stad",
            visibility=shown(readable),
        ),
        status,
    ],
    t("nav.section_learning"): [
        lessons,
        lesson_add,
        leergang,
        st.Page(
            "pages/method.py",
            title=t("nav.method"),
            icon=":material/menu_book:",
            url_path="methode",
            visibility=shown(readable),
        ),
    ],
    t("admin.section"): [admin, transfer, login],
}
page = st.navigation(pages)
# Pages for signed-in people (and every page when reading is for signed-in people only) lead
# a visitor through the sign-in page and then back to the linked view.
members_only = {p.url_path for p in (status, lessons, lesson_add, leergang, admin, transfer)}
must_sign_in = not readable or (not signed_in and page.url_path in members_only)
if must_sign_in and page.url_path not in {home.url_path, login.url_path}:
    next_path = auth.current_path(page.url_path)
    st.switch_page(login, query_params={"next": next_path, **links.kept_params()})
links.copy_link(page.url_path)
page.run()
