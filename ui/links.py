"""Addresses of views: ``?stad=<name>`` and ``?dialoog=<id>`` deep links and "copy link".

A link names what to show; the page's own widgets then keep it. A value from the address is
applied when it differs from what this tab last wrote there, so a followed link wins and a
person's later choices are not overwritten by the stale address.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st
from sqlalchemy.orm import Session

from estafette import cities
from ui import folds
from ui.auth import absolute_link
from ui.core import database_url, engine, t

CITY_PARAM = "stad"
COPY_KEY = "estafette.links.copy"
COPY_OPEN_KEY = folds.open_key(COPY_KEY)
DIALOGUE_PARAM = "dialoog"
PREFIX = "estafette.links."
# Query parameters that describe the view and travel along when "/" opens the start page.
VIEW_PARAMS = ("lang", CITY_PARAM, "city", DIALOGUE_PARAM, "phase", "status", "asof")


def kept_params() -> dict[str, list[str]]:
    """The view's query parameters, to carry over to the page the router switches to."""
    return {name: st.query_params.get_all(name) for name in VIEW_PARAMS if name in st.query_params}


def requested(param: str, consumer: str = "") -> list[str] | None:
    """The values a followed link asks ``consumer`` for, or None when nothing new is asked."""
    values = st.query_params.get_all(param)
    if not values or st.session_state.get(PREFIX + consumer + param) == values:
        return None
    return values


def written(param: str, values: list[str], consumer: str = "") -> None:
    """Remember what ``consumer`` took from (or wrote into) the address for ``param``."""
    st.session_state[PREFIX + consumer + param] = list(values)


def requested_dialogue(consumer: str) -> int | None:
    """The dialogue id a followed ``?dialoog=`` link asks ``consumer`` for (once each)."""
    values = requested(DIALOGUE_PARAM, consumer)
    if not values:
        return None
    written(DIALOGUE_PARAM, values, consumer)
    try:
        return int(values[0])
    except ValueError:
        return None


def preselect(key: str, options: Mapping[int, object] | list[int]) -> None:
    """Put the linked dialogue into the select box ``key`` when it is one of its options."""
    wanted = requested_dialogue(key)
    if wanted is not None and wanted in options:
        st.session_state[key] = wanted


def dialogue_city(dialogue_id: int) -> str | None:
    """The city of a linked dialogue (for the city filter of overview, map and timeline)."""
    with Session(engine(database_url())) as session:
        return cities.dialogue_city(session, dialogue_id)


def copy_link(url_path: str) -> None:
    """A sidebar control that shows the address of this view, with a copy button."""
    # Drawn only while open (ui.folds): a closed popover's code block was still built in the
    # browser on every page view, for a link few people copy.
    box = folds.when_open(st.sidebar.popover, t("links.copy"), COPY_KEY, icon=":material/link:")
    if box is not None:
        with box:
            st.markdown(t("links.copy_help"))
            st.code(absolute_link(url_path), language=None, wrap_lines=True)
