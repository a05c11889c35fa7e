"""Labels the pages show: places ("Utrecht · Lombok"), a lesson's origin, safe lesson text.

One function per label, so every page names a dialogue and a lesson's origin the same way.
Dates stay in estafette.formatting (Babel); numbers in the locale files' plural forms.
"""

from __future__ import annotations

from estafette import search
from estafette.lesson_views import LessonView
from ui.core import t

SEPARATOR = " · "


def place_label(city: str, neighbourhood: str | None, *, undecided: bool = False) -> str:
    """ "City · neighbourhood"; without one: the city alone, or "nog te bepalen" if asked."""
    if neighbourhood:
        return f"{city}{SEPARATOR}{neighbourhood}"
    return f"{city}{SEPARATOR}{t('overview.undecided')}" if undecided else city


def origin(view: LessonView) -> str:
    """Where a lesson comes from: city with leg (and dialogue), or the Leergang."""
    if view.city_name is None:
        return t("lessons.scope_leergang")
    text = t("course.export.city_leg", city=view.city_name, leg=view.city_leg)
    return f"{text}{SEPARATOR}{view.dialogue_label}" if view.dialogue_label else text


def safe(text: str) -> str:
    """Text for st.markdown: HTML and Markdown escaped, so payloads show as text."""
    return search.highlight(text, set(), markdown=True)
