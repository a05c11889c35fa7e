"""The one way the UI writes: run a domain action, translate a refusal, clear caches, flash.

``perform`` opens a session, runs the action, commits (the UI is the boundary that commits;
see docs/architecture.md), clears the cached loaders and keeps a confirmation for the next
rerun. A refusal (any DomainError, a rejected text, a storage problem) is shown as one
translated message and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from sqlalchemy.orm import Session

from estafette import db, textfields
from estafette.errors import DomainError
from estafette.permissions import PermissionDenied
from ui.core import database_url, engine, language, t

T = TypeVar("T")
FLASH_KEY = "estafette.flash"


def message(exc: Exception, *, denied: str | None = None) -> str:
    """The translated text of a refusal; ``denied`` overrides the generic permission text."""
    if isinstance(exc, PermissionDenied) and denied:
        return t(denied)
    if isinstance(exc, textfields.TextRejected):
        return textfields.message(exc, language())
    if isinstance(exc, db.StorageError):
        return t(exc.key, url=db.display_url(database_url()))
    if isinstance(exc, DomainError):
        return t(exc.key, **exc.values)
    raise TypeError(f"not a domain refusal: {exc!r}")


def attempt(
    action: Callable[[Session], T], *, success: str | None = None, denied: str | None = None
) -> tuple[bool, T | None]:
    """Run ``action`` in one committed transaction: (True, result), or (False, None) shown.

    ``action`` must return plain data: the session is closed afterwards.
    """
    from ui import loaders

    try:
        with db.storage_errors(), Session(engine(database_url())) as session:
            result = action(session)
            session.commit()
    except (DomainError, textfields.TextRejected) as exc:
        icon = ":material/block:" if isinstance(exc, PermissionDenied) else ":material/error:"
        st.error(message(exc, denied=denied), icon=icon)
        return False, None
    loaders.clear()
    if success:
        flash(success)
    return True, result


def perform(
    action: Callable[[Session], T], *, success: str | None = None, denied: str | None = None
) -> T | None:
    """``attempt`` for callers that only need the result (None when refused)."""
    return attempt(action, success=success, denied=denied)[1]


def flash(text: str) -> None:
    """Show ``text`` as a confirmation after the next rerun (pages rerun after a write)."""
    st.session_state[FLASH_KEY] = text


def show_flash() -> None:
    """Show (once) the confirmation of the last write."""
    text = st.session_state.pop(FLASH_KEY, None)
    if text:
        st.success(text, icon=":material/check_circle:")
