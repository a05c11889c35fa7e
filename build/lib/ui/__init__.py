"""Streamlit glue shared by app.py and the pages: engine, language, loaders, messages."""
