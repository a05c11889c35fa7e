"""Labels the pages show: places ("Utrecht · Lombok"), a lesson's origin, safe lesson text.

One function per label, so every page names a dialogue and a lesson's origin the same way.
Dates stay in estafette.formatting (Babel); numbers in the locale files' plural forms.
"""

from __future__ import annotations

from estafette import lesson_views, textfields
from estafette.lesson_views import LessonView
from ui.core import language, t

SEPARATOR = " · "


def place_label(city: str, neighbourhood: str | None, *, undecided: bool = False) -> str:
    """ "City · neighbourhood"; without one: the city alone, or "nog te bepalen" if asked."""
    if neighbourhood:
        return f"{city}{SEPARATOR}{neighbourhood}"
    return f"{city}{SEPARATOR}{t('overview.undecided')}" if undecided else city


def origin(view: LessonView) -> str:
    """Where a lesson comes from, in the reader's language (estafette.lesson_views.origin)."""
    return lesson_views.origin(view, language())


def safe(text: str) -> str:
    """Text for st.markdown: HTML and Markdown escaped, so payloads show as text."""
    return textfields.markdown_literal(text)
