"""ui.blocks: read-only text drawn as one HTML block shows exactly what was typed."""

from __future__ import annotations

import lxml.html
import pytest

from tests.hostile import MARKDOWN, SCRIPT
from ui import blocks

CORPUS = [*MARKDOWN, SCRIPT, "<script>alert(1)</script>", "&amp; & < > \" '"]


def _parse(fragment: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f"<div>{fragment}</div>")


@pytest.mark.parametrize("typed", CORPUS)
def test_every_part_shows_typed_text_as_typed(typed: str) -> None:
    body = blocks.columns(
        blocks.card(typed, blocks.paragraphs(typed)) + blocks.note(typed, typed),
        blocks.section(typed, blocks.bullets([typed]) + blocks.quotes([typed]))
        + blocks.titled([(typed, typed)]),
    )
    root = _parse(body)
    # Nothing typed became an element: only the module's own tags are there.
    tags = {element.tag for element in root.iter()}
    assert tags <= {"div", "section", "h3", "p", "ul", "li", "blockquote", "strong"}
    assert not root.xpath("//@*[starts-with(name(), 'on') or name()='href' or name()='src']")
    # Each place shows the text as typed (paragraphs split only at a blank line).
    shown = [h.text_content() for h in root.iter("h3")]
    assert shown == [typed, typed]
    assert [li.text_content() for li in root.iter("li")] == [typed]
    (quote,) = root.iter("blockquote")
    assert quote.text_content() == typed
    assert [p.text_content() for p in root.xpath("//p[strong]")] == [typed, f"{typed} — {typed}"]


def test_paragraphs_split_at_blank_lines_only() -> None:
    root = _parse(blocks.paragraphs("een\ntwee\n\n  drie  \n \n"))
    assert [p.text_content() for p in root.iter("p")] == ["een\ntwee", "drie"]
    assert blocks.paragraphs("   ") == ""


def test_columns_name_their_count_and_stack_on_narrow_screens() -> None:
    body = blocks.columns("a", "b", "c")
    root = _parse(body)
    (grid,) = root.find_class("est-columns")
    assert grid.get("style") == "--est-columns:3"
    assert [c.text_content() for c in grid.find_class("est-column")] == ["a", "b", "c"]
    assert "@media (max-width:640px)" in blocks.CSS
