"""Estafette Wijkdialoog: the router (page config, language, database, login gate, navigation)."""

import streamlit as st

from estafette.accounts import Action, can, may_read
from ui import auth
from ui.core import language_picker, require_database, settings, t

st.set_page_config(page_title="Estafette Wijkdialoog", page_icon="🏃", layout="wide")
language_picker()
require_database()
actor = auth.gate()
auth.sidebar(actor)

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
    default=not readable,
)
pages = {
    t("nav.section_relay"): [
        st.Page(
            "pages/overview.py",
            title=t("nav.overview"),
            icon=":material/dashboard:",
            url_path="overzicht",
            default=readable,
            visibility=shown(readable),
        ),
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
        st.Page(
            "pages/status.py",
            title=t("nav.status"),
            icon=":material/edit_note:",
            url_path="fase-bijwerken",
            visibility=shown(can(actor, Action.EDIT_STATUS)),
        ),
    ],
    t("nav.section_learning"): [
        st.Page(
            "pages/lessons.py",
            title=t("nav.lessons"),
            icon=":material/lightbulb:",
            url_path="lessen",
            visibility=shown(signed_in),
        ),
        st.Page(
            "pages/lesson_add.py",
            title=t("lesson_add.title"),
            icon=":material/add:",
            url_path="les-toevoegen",
            visibility=shown(signed_in),
        ),
        st.Page(
            "pages/leergang.py",
            title=t("nav.leergang"),
            icon=":material/school:",
            url_path="leergang",
            visibility=shown(signed_in),
        ),
        st.Page(
            "pages/method.py",
            title=t("nav.method"),
            icon=":material/menu_book:",
            url_path="methode",
            visibility=shown(readable),
        ),
    ],
    t("admin.section"): [
        st.Page(
            "pages/admin.py",
            title=t("admin.nav"),
            icon=":material/settings:",
            url_path="beheer",
            visibility=shown(can(actor, Action.MANAGE_USERS)),
        ),
        st.Page(
            "pages/transfer.py",
            title=t("transfer.nav"),
            icon=":material/swap_vert:",
            url_path="import-export",
            visibility=shown(can(actor, Action.EXPORT_DATA)),
        ),
        login,
    ],
}
page = st.navigation(pages)
if not readable and page.url_path != login.url_path:
    # Reading is for signed-in users only here: every other page leads to the login form.
    st.switch_page(login)
page.run()
