"""Placeholder page; a later issue fills it."""

import streamlit as st

from ui.core import t

st.title(t("nav.lessons"))
st.info(t("placeholder.lessons"))
st.caption(t("placeholder.coming"))
