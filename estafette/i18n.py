"""The translation layer: every UI string is a key in estafette/locales/*.toml (nl and en)."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES: tuple[str, ...] = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
# The language last chosen in a browser (the app sets it; web.index_page reads it).
LANG_COOKIE = "estafette_lang"


@functools.cache
def catalog() -> dict[str, dict[str, str]]:
    """All keys from every catalog file: ``{key: {"nl": ..., "en": ...}}``.

    Each feature area keeps its own file, so that areas can grow without touching each other.
    """
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALES_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for key, entry in _flatten(data).items():
            if key in merged:
                raise ValueError(f"duplicate translation key {key!r} in {path.name}")
            merged[key] = entry
    return merged


def _flatten(data: dict, prefix: str = "") -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for name, value in data.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict) and any(isinstance(v, dict) for v in value.values()):
            out.update(_flatten({k: v for k, v in value.items() if isinstance(v, dict)}, key + "."))
            leaves = {k: v for k, v in value.items() if not isinstance(v, dict)}
            if leaves:
                out[key] = leaves
        elif isinstance(value, dict):
            out[key] = value
    return out


def normalise_language(lang: str | None) -> str:
    """A supported language code, defaulting to Dutch."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def translate_count(key: str, lang: str, count: int, **values: object) -> str:
    """Like translate, with Dutch/English number agreement: ``key_one`` when count is 1."""
    singular = f"{key}_one"
    chosen = singular if count == 1 and singular in catalog() else key
    return translate(chosen, lang, count=count, **values)


def translate(key: str, lang: str, **values: object) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled in."""
    entry = catalog().get(key)
    if entry is None:
        raise KeyError(f"missing translation key {key!r}")
    text = entry.get(normalise_language(lang)) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text
