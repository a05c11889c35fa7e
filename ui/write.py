"""The one way the UI writes: run a domain action, translate a refusal, clear caches, flash.

``attempt`` opens a session, runs the action, commits (the UI is the boundary that commits;
see docs/architecture.md), reads the new data version so cached loaders see the write, and
keeps a confirmation for the next rerun (``flash``/``show_flash``, the UI's only flash). A
refusal (any DomainError, a rejected text, a storage problem) is shown as one translated
message and nothing is written; refusals a page shows its own way (the status page's conflict
and its question about the previous phase) go to the page's handlers instead.

``bookkeeping`` is the one other commit: what a read must record (a session's last-seen time,
its end when it ran out). It is not a person's change, so it clears no cache and confirms
nothing. No other module in ui/ or pages/ commits (tests/test_layers.py checks it).

The sign-out notice (ui.auth.show_notice) is not a write's outcome and stays with the gate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, TypeVar

import streamlit as st
from sqlalchemy.orm import Session

from estafette import db, textfields
from estafette.errors import DomainError
from estafette.permissions import PermissionDenied
from ui.core import database_url, engine, language, read_data_version, storage_message, t
from ui.format import safe_t

T = TypeVar("T")
FLASH_KEY = "estafette.write.flash"
Kind = Literal["success", "error"]
# A confirmation: one text, or a function of the action's result giving one or several texts.
Success = str | Callable[[Any], str | Sequence[str]] | None
# Refusals the caller shows its own way: exception type -> what to do with it.
Handlers = Mapping[type[Exception], Callable[[Any], None]]


def message(exc: Exception, *, denied: str | None = None) -> str:
    """The translated text of a refusal (Markdown); ``denied`` overrides the permission text.

    A refusal's values are often what someone typed or imported (a name, an address, a cell):
    they are escaped, so st.error shows them as text.
    """
    if isinstance(exc, PermissionDenied) and denied:
        return t(denied)
    if isinstance(exc, textfields.TextRejected):
        return textfields.message(exc, language())
    if isinstance(exc, db.StorageError):
        return storage_message(exc.code)
    if isinstance(exc, DomainError):
        return safe_t(exc.key, **exc.values)
    raise TypeError(f"not a domain refusal: {exc!r}")


def _run(
    action: Callable[[Session], T],
    success: Success,
    denied: str | None,
    handle: Handlers | None,
    later: bool,
) -> tuple[bool, T | None]:
    handlers = dict(handle or {})
    try:
        with db.storage_errors(), Session(engine(database_url())) as session:
            result = action(session)
            session.commit()
    except (*handlers, DomainError, textfields.TextRejected) as exc:
        handler = next((h for kind, h in handlers.items() if isinstance(exc, kind)), None)
        if handler is not None:
            handler(exc)
        elif later:
            flash(message(exc, denied=denied), kind="error")
        else:
            icon = ":material/block:" if isinstance(exc, PermissionDenied) else ":material/error:"
            st.error(message(exc, denied=denied), icon=icon)
        return False, None
    # This run's loaders now read at the new version; other sessions see it on their next run.
    read_data_version()
    if success is not None:
        texts = success(result) if callable(success) else success
        flash(*([texts] if isinstance(texts, str) else texts))
    return True, result


def attempt(
    action: Callable[[Session], object],
    *,
    success: Success = None,
    denied: str | None = None,
    handle: Handlers | None = None,
    later: bool = False,
) -> bool:
    """Run ``action`` in one committed transaction; True when it was, False when refused.

    ``success`` is flashed after the commit (a text, or a function of the action's result);
    ``denied`` names the page's own text for a permission refusal; ``handle`` maps refusals
    the caller shows itself to a handler; ``later`` flashes a refusal instead of showing it
    now (for widget callbacks, which run before the page is drawn).
    """
    return _run(action, success, denied, handle, later)[0]


def perform(
    action: Callable[[Session], T],
    *,
    success: Success = None,
    denied: str | None = None,
    handle: Handlers | None = None,
    later: bool = False,
) -> T | None:
    """Like ``attempt``, but the action's result (plain data), or None when refused."""
    return _run(action, success, denied, handle, later)[1]


def bookkeeping(action: Callable[[Session], T]) -> T:
    """Commit what a read must record; raises db.StorageError for the caller to show."""
    with db.storage_errors(), Session(engine(database_url())) as session:
        result = action(session)
        session.commit()
    return result


def flash(*texts: str, kind: Kind = "success") -> None:
    """Show ``texts`` after the next rerun (pages rerun after a write); replaces any pending."""
    st.session_state[FLASH_KEY] = (kind, list(texts))


def show_flash() -> None:
    """Show (once) the outcome of the last write: its confirmations or its refusal."""
    kind, texts = st.session_state.pop(FLASH_KEY, ("success", []))
    for text in filter(None, texts):
        if kind == "error":
            st.error(text, icon=":material/error:")
        else:
            st.success(text, icon=":material/check_circle:")
