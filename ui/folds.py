"""Folded parts (an expander, a popover) whose contents are drawn only while they are open.

A folded expander or closed popover still costs every page view its contents in the browser
(Chromium, national data): the tables, forms and link box that few visits open. With a key and
``on_change="rerun"``, opening one reruns the part of the page it is in, which then draws them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from streamlit.delta_generator import DeltaGenerator


def open_key(key: str) -> str:
    """The session-state key that holds whether the folded part ``key`` is open."""
    return f"{key}.open"


def when_open(
    fold: Callable[..., Any], label: str, key: str, **options: Any
) -> DeltaGenerator | None:
    """Draw ``fold`` (``st.expander``, ``st.sidebar.popover``…); itself when open, else None."""
    box = fold(label, key=open_key(key), on_change="rerun", **options)
    return box if box.open else None
