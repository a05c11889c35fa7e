"""Labels the pages show: places ("Utrecht · Lombok"), a lesson's origin, text made safe.

One function per label, so every page names a dialogue and a lesson's origin the same way.
Dates stay in estafette.formatting (Babel); numbers in the locale files' plural forms.

Streamlit renders Markdown in st.markdown, st.caption, titles, alerts, and in the label of
every widget, expander, tab and page link. Text that people typed or imported goes into any
of those through ``safe`` (or ``safe_t`` / ``safe_tn`` for a translation with such values),
so it shows as typed: never as a link, formatting, an emoji or an icon. Select box options are
plain text and stay as they are; tables are plain HTML (ui/tables.py).
"""

from __future__ import annotations

from estafette import lesson_views, textfields
from estafette.lesson_views import LessonView
from ui.core import language, t, tn

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
    """Text for anything that renders Markdown: HTML and Markdown escaped, shown as typed."""
    return textfields.markdown_literal(text)


def _safe_values(values: dict[str, object]) -> dict[str, object]:
    # Only the values: a translation's own text is ours, and may use Markdown on purpose.
    return {name: safe(v) if isinstance(v, str) else v for name, v in values.items()}


def safe_t(key: str, **values: object) -> str:
    """``t(key, ...)`` for a Markdown-rendering call: every text value escaped, the template not."""
    return t(key, **_safe_values(values))


def safe_tn(key: str, count: int, **values: object) -> str:
    """``tn(key, count, ...)`` with every text value escaped (see ``safe_t``)."""
    return tn(key, count, **_safe_values(values))
