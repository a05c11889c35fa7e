"""Placeholder page; a later issue fills it."""

import streamlit as st

from ui.core import t

st.title(t("nav.map"))
st.info(t("placeholder.map"))
st.caption(t("placeholder.coming"))
