"""ui.timeline.svg_element: the static timeline's st.html body carries the SVG unchanged."""

from __future__ import annotations

import json

import pytest

from tests.hostile import MARKDOWN, SCRIPT
from tests.uihelpers import TIMELINE_SVG, svg_of
from ui import timeline


@pytest.mark.parametrize(
    "text",
    [
        "</script><script>alert(1)</script>",
        "<!-- x -->",
        "\u2028\u2029",
        "é ñ ✓",
        SCRIPT,
        *MARKDOWN,
    ],
)
def test_the_svg_reaches_the_box_exactly_and_cannot_end_the_script(text: str) -> None:
    svg = f'{TIMELINE_SVG} role="img"><text>{text}</text></svg>'
    body = timeline.svg_element(svg)
    # One script element, ended only where the carrier ends it.
    assert body.count("<script") == 1 and body.count("</script") == 1
    assert body.endswith(timeline.SVG_SCRIPT_END)
    start = len(timeline.SVG_BOX + timeline.SVG_SCRIPT_START)
    literal = body[start : -len(timeline.SVG_SCRIPT_END)]
    assert "\u2028" not in literal and "\u2029" not in literal
    assert json.loads(literal) == svg
    assert svg_of(body) == svg
