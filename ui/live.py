"""Live dashboards: rerun the page when another session or process changed the data."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from estafette import data_version, db
from ui.core import VERSION_KEY, engine, settings

# Checked this often; with a rerun of about a second a change elsewhere shows within 5 s.
POLL_SECONDS = 2.0


def _polling() -> bool:
    """Whether this run is the fragment's own timed rerun (not a full run of the page)."""
    ctx = get_script_run_ctx()
    return bool(ctx and ctx.fragment_ids_this_run)


@st.fragment(run_every=POLL_SECONDS)
def _watch() -> None:
    if not _polling():
        # A full run has just read the version (the router does, once per run): reading it
        # again here would double the database round trips of every page view.
        return
    seen = st.session_state.get(VERSION_KEY)
    url = settings().database_url
    try:
        now = data_version.read(engine(url))
    except db.StorageError:
        # The full rerun explains a broken database; a poll must not.
        return
    if seen is not None and (seen[0] != url or seen[1].all != now):
        # Filters, selection and the page live in session state and the URL: a rerun keeps them.
        st.rerun(scope="app")


def follow() -> None:
    """Poll the data version in the background; rerun the whole page only when it changed."""
    _watch()
