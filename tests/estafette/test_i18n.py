"""The translation layer: every key exists in Dutch and English, and every used key exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from estafette import i18n

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    *ROOT.glob("app.py"),
    *ROOT.glob("pages/*.py"),
    *ROOT.glob("ui/*.py"),
    *ROOT.glob("estafette/*.py"),
    *ROOT.glob("web/*.py"),
]
# t("key"), tn("key", n), translate("key", ...), label("key") with a literal key.
LITERAL_KEY = re.compile(
    r"""\b(?:t|tn|translate|translate_count|label)\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']"""
)
# f-string key families such as t(f"error.db.{code}") or "status." + value.
FAMILY = re.compile(r"""\b(?:t|translate|label)\(\s*f["']([a-z_.]+)\.\{""")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_dutch_and_english() -> None:
    missing = [
        (key, lang)
        for key, entry in i18n.catalog().items()
        for lang in i18n.LANGUAGES
        if not entry.get(lang, "").strip()
    ]
    assert missing == []


def test_placeholders_match_between_languages() -> None:
    mismatched = [
        key
        for key, entry in i18n.catalog().items()
        if _placeholders(entry["nl"]) != _placeholders(entry["en"])
    ]
    assert mismatched == []


def test_every_used_key_exists() -> None:
    keys = set(i18n.catalog())
    used: dict[str, str] = {}
    families: set[str] = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        used.update({key: path.name for key in LITERAL_KEY.findall(text)})
        families.update(FAMILY.findall(text))
    assert len(used) > 20
    assert {key: where for key, where in used.items() if key not in keys} == {}
    for family in families:
        assert any(k.startswith(family + ".") for k in keys), family


def test_status_and_error_families_are_complete() -> None:
    keys = set(i18n.catalog())
    for status in ("niet_gestart", "bezig", "afgerond", "gepauzeerd"):
        assert f"status.{status}" in keys
    for code in ("malformed_url", "unreachable", "corrupt", "readonly", "unexpected"):
        assert f"error.db.{code}" in keys


def test_unknown_key_and_language() -> None:
    with pytest.raises(KeyError):
        i18n.translate("no.such.key", "nl")
    assert i18n.translate("nav.overview", "fr") == "Overzicht"
    assert i18n.translate("nav.overview", "en") == "Overview"


def test_counts_agree_in_number() -> None:
    assert i18n.translate_count("lessons.count", "nl", 1) == "1 les"
    assert i18n.translate_count("lessons.count", "nl", 3) == "3 lessen"
    assert i18n.translate_count("lessons.count", "en", 1) == "1 lesson"
    assert i18n.translate_count("lessons.count", "en", 0) == "0 lessons"
    assert i18n.translate_count("map.count", "nl", 1) == "1 dialoog op de kaart"
    # A key without a singular form is used for every count.
    assert i18n.translate_count("search.results", "nl", 2) == i18n.translate(
        "search.results", "nl", count=2
    )
