"""Placeholder page; a later issue fills it."""

import streamlit as st

from ui.core import t

st.title(t("nav.timeline"))
st.info(t("placeholder.timeline"))
st.caption(t("placeholder.coming"))
