"""The served application: Streamlit's ASGI app around the router ``app.py``.

``streamlit run server.py`` detects the ``st.App`` below and serves ``app.py`` with the extra
routes (sign-in, health) and middleware of the ``web`` package; the database is migrated and
seeded at start-up (``web.startup``).
"""

import streamlit as st

import web
from web import startup

app = st.App("app.py", routes=web.routes(), middleware=web.middleware(), lifespan=startup.lifespan)
