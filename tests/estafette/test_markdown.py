"""Text people typed shows as typed wherever it goes through Markdown: one escaping for all."""

from __future__ import annotations

import pytest

from estafette import search, textfields
from tests.estafette.markdown_reader import shown
from tests.hostile import AS_SHOWN, HOSTILE, MARKDOWN, as_shown

MARKUP = ("**vet**", "<b>", "&copy;", "$x$", "[a](b)", "- punt", "1. lijst", "    code")
# Found in the text a reader has read, whatever escapes came before.
LINKS_AND_ICONS = (
    "https://x.nl",
    "HTTP://X.NL",
    "www.x.nl",
    "a@x.nl",
    ":smile:",
    ":red",
    ":material/flag:",
    "https\\://x.nl",
    "a\\@x.nl",
)


@pytest.mark.parametrize("markup", MARKUP + LINKS_AND_ICONS)
def test_reader_fails_on_markup(markup: str) -> None:
    with pytest.raises(AssertionError):
        shown(markup)


def test_hostile_text_shows_as_typed() -> None:
    assert shown(textfields.markdown_literal(HOSTILE)) == AS_SHOWN


@pytest.mark.parametrize("payload", MARKDOWN)
def test_each_payload_shows_as_typed(payload: str) -> None:
    assert shown(textfields.markdown_literal(payload)) == as_shown(payload)


def test_plain_text_stays_as_it_was() -> None:
    # Times, a colon before a space and dots keep no joiner: only the patterns above get one.
    for text in ("Utrecht · Lombok", "om 12:30 uur", "Let op: morgen", "3 jan. 2026"):
        assert textfields.markdown_literal(text) == text


def test_joiners_break_links_emoji_and_icons() -> None:
    joiner = textfields.JOINER
    assert textfields.markdown_literal("https://x.nl") == f"https:{joiner}//x.nl"
    assert textfields.markdown_literal("Www.x.nl") == f"Www{joiner}.x.nl"
    assert textfields.markdown_literal("a@x.nl") == f"a{joiner}@x.nl"
    assert textfields.markdown_literal(":smile:") == f":{joiner}smile:"
    assert textfields.markdown_literal(":red[x]") == f":{joiner}red\\[x\\]"


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
