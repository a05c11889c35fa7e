"""Placeholder page; a later issue fills it."""

import streamlit as st

from ui.core import t

st.title(t("nav.status"))
st.info(t("placeholder.status"))
st.caption(t("placeholder.coming"))
