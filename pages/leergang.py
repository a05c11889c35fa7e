"""Leergang: the modules and their topics."""

import streamlit as st

from ui import loaders
from ui.core import database_url, t

st.title(t("leergang.title"))
st.caption(t("leergang.intro"))
for module in loaders.modules(database_url()):
    with st.container(border=True):
        st.subheader(module.name)
        st.write(module.description)
        st.markdown(f"**{t('leergang.topics')}**")
        st.markdown("\n".join(f"- {topic}" for topic in module.topics))
