"""The served application: Streamlit's ASGI app around the router ``app.py``.

``streamlit run server.py`` detects the ``st.App`` below and serves ``app.py`` with the extra
routes (sign-in, health) and middleware of the ``web`` package.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

import web
from web import startup

# app.py declares its pages with st.navigation. Without this, Streamlit sees the pages/ folder
# beside app.py and runs the first script run of the process in its old folder-based
# multipage mode: raw file names flash in the sidebar and a deep link such as /tijdlijn gets
# the "Page not found" box. The flag is only ever read while it is still unset (None).
PagesManager.uses_pages_directory = False
# Compiled page scripts stay cached when the last visitor leaves (the source cannot change).
startup.keep_compiled_scripts()

app = st.App("app.py", routes=web.routes(), middleware=web.middleware(), lifespan=startup.lifespan)
