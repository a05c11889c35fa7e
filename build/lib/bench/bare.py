"""The floor: a bare one-line Streamlit page, served and measured beside Estafette."""

import streamlit as st

st.write("Estafette")
