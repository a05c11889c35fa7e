"""Estafette Wijkdialoog: the router (page config, language, database gate, navigation)."""

import streamlit as st

from ui.core import language_picker, require_database, t

st.set_page_config(page_title="Estafette Wijkdialoog", page_icon=":material/sprint:", layout="wide")
language_picker()
require_database()

pages = {
    t("nav.section_relay"): [
        st.Page(
            "pages/overview.py",
            title=t("nav.overview"),
            icon=":material/dashboard:",
            url_path="overzicht",
            default=True,
        ),
        st.Page("pages/map.py", title=t("nav.map"), icon=":material/map:", url_path="kaart"),
        st.Page(
            "pages/timeline.py",
            title=t("nav.timeline"),
            icon=":material/timeline:",
            url_path="tijdlijn",
        ),
        st.Page(
            "pages/status.py",
            title=t("nav.status"),
            icon=":material/edit_note:",
            url_path="fase-bijwerken",
        ),
    ],
    t("nav.section_learning"): [
        st.Page(
            "pages/lessons.py",
            title=t("nav.lessons"),
            icon=":material/lightbulb:",
            url_path="lessen",
        ),
        st.Page(
            "pages/lesson_add.py",
            title=t("lesson_add.title"),
            icon=":material/add:",
            url_path="les-toevoegen",
        ),
        st.Page(
            "pages/leergang.py",
            title=t("nav.leergang"),
            icon=":material/school:",
            url_path="leergang",
        ),
        st.Page(
            "pages/method.py",
            title=t("nav.method"),
            icon=":material/menu_book:",
            url_path="methode",
        ),
    ],
}
st.navigation(pages).run()
