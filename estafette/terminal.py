"""The command line's own texts: one language per run, ESTAFETTE_LANG (Dutch by default)."""

from __future__ import annotations

import sys

from estafette import i18n
from estafette.settings import Settings


def language() -> str:
    """The command line's language: ESTAFETTE_LANG, else Dutch like the UI."""
    return i18n.normalise_language(Settings.from_env().language)


def say(key: str, **values: object) -> str:
    """The terminal text ``cli.<key>`` in the command line's language."""
    return i18n.translate(f"cli.{key}", language(), **values)


def say_count(key: str, count: int, **values: object) -> str:
    """Like say, with singular and plural (``cli.<key>_one`` when count is 1)."""
    return i18n.translate_count(f"cli.{key}", language(), count, **values)


def text(key: str, **values: object) -> str:
    """A shared (UI) text, such as a domain refusal, in the command line's language."""
    return i18n.translate(key, language(), **values)


def fail(message: str) -> int:
    """Print a one-line refusal to stderr; returns exit code 1."""
    print(f"estafette: {message}", file=sys.stderr)
    return 1
