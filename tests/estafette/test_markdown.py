"""Text people typed shows as typed wherever it goes through Markdown: one escaping for all."""

from __future__ import annotations

import pytest

from estafette import search, textfields
from tests.estafette.markdown_reader import AS_SHOWN, HOSTILE, shown


def test_reader_fails_on_markup() -> None:
    for markup in ("**vet**", "<b>", "&copy;", "$x$", "[a](b)", "- punt", "1. lijst", "    code"):
        with pytest.raises(AssertionError):
            shown(markup)


def test_hostile_text_shows_as_typed() -> None:
    assert shown(textfields.markdown_literal(HOSTILE)) == AS_SHOWN


def test_control_characters_are_dropped() -> None:
    assert shown(textfields.markdown_literal("a\x00b\r\nc")) == "ab\nc"


def test_search_highlights_hostile_text_with_the_same_escaping() -> None:
    stems = search.query_stems("bewoner")
    marked = search.highlight(f"{HOSTILE} bewoners <bewoners>", stems)
    assert marked.count("<mark>bewoners</mark>") == 2
    assert marked.replace("<mark>", "").replace("</mark>", "") == textfields.markdown_literal(
        f"{HOSTILE} bewoners <bewoners>"
    )
    assert shown(marked, ("<mark>", "</mark>")) == f"{AS_SHOWN} bewoners <bewoners>"


def test_highlight_without_stems_is_the_literal_text() -> None:
    assert search.highlight(HOSTILE, set()) == textfields.markdown_literal(HOSTILE)
