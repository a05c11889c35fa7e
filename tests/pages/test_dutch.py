"""Dutch to the last word: no replaceable Streamlit defaults, one register, real plurals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from estafette import i18n
from tests.uihelpers import app_as, prepare

ROOT = Path(__file__).resolve().parents[2]
PAGES = re.findall(r'st\.Page\(\s*"(pages/[a-z_]+\.py)"', (ROOT / "app.py").read_text())
# Streamlit's English defaults that the app can replace (placeholder=, format=, label, help=).
# What Streamlit renders that no parameter reaches ("Skip to main content", "Choose date",
# "Show password", "Page not found") is listed in the README's accessibility statement.
REPLACEABLE = (
    "Choose an option",
    "Choose options",
    "No options to select",
    "Add options",
    "Select...",
    "No results",
    "YYYY/MM/DD",
)
# Per-widget fields that carry text the user sees.
TEXT_FIELDS = ("label", "help", "placeholder", "default", "format")


def _widget_texts(at) -> list[str]:
    """Every user-visible string the app passed to the page's widgets."""
    out = []
    kinds = ("selectbox", "multiselect", "text_input", "text_area", "date_input", "number_input")
    for kind in (*kinds, "checkbox", "radio", "button"):
        for widget in getattr(at, kind):
            proto = widget.proto
            for field in TEXT_FIELDS:
                value = getattr(proto, field, None)
                if isinstance(value, str) and value:
                    out.append(value)
    return out


@pytest.mark.parametrize("role", [None, "coordinator", "city_lead", "trainer"])
def test_no_replaceable_streamlit_defaults_in_dutch(monkeypatch, sqlite_url, role) -> None:
    actors = prepare(sqlite_url)
    for page in PAGES:
        at = app_as(monkeypatch, sqlite_url, actors[role] if role else None, page)
        assert not at.exception, page
        texts = _widget_texts(at)
        shown = "\n".join([*texts, *(m.value for m in at.markdown), *(c.value for c in at.caption)])
        for phrase in REPLACEABLE:
            assert phrase not in shown, f"{page}: {phrase!r}"
        for widget in at.date_input:
            assert widget.proto.format == "DD-MM-YYYY", f"{page}: {widget.label}"
        # Without a placeholder Streamlit shows "Choose an option" in an empty choice field.
        for widget in at.multiselect:
            assert widget.proto.placeholder.strip(), f"{page}: {widget.label}"
        for widget in at.selectbox:
            if not widget.proto.HasField("default"):
                assert widget.proto.placeholder.strip(), f"{page}: {widget.label}"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_real_plural_forms(lang) -> None:
    catalog = i18n.catalog()
    for key, texts in catalog.items():
        # No "wijziging(en)" / "change(s)": a _one form instead.
        assert not re.search(r"\w\((en|n|s|es)\)", texts[lang]), (key, texts[lang])
        if "{count}" in texts["nl"] and not key.endswith("_one") and "({count})" not in texts["nl"]:
            assert f"{key}_one" in catalog, f"{key} has a count but no singular form"
    assert i18n.translate_count("status_page.saved", lang, 1, phase="P", dialogue="D") != (
        i18n.translate_count("status_page.saved", lang, 2, phase="P", dialogue="D").replace(
            "2", "1"
        )
    )


def test_one_register_je() -> None:
    formal = re.compile(r"\b(u|uw|U|Uw)\b")
    assert [k for k, v in i18n.catalog().items() if formal.search(v["nl"])] == []
