"""Text in a static SVG: plotly's pseudo-HTML read as plain text, then XML-escaped once.

charts.py HTML-escapes every value for plotly, which decodes entities and reads ``<br>``,
``<b>`` and ``<extra>`` as markup. timeline_svg draws the same texts as plain SVG text:
:func:`plain` gives what plotly would show, :func:`xml` escapes it exactly once.
"""

from __future__ import annotations

import html
import re
from typing import Any

# 14 px in the SVG's 1100-unit width: about 12 px on screen in a laptop's content column.
FONT = 14
# An average glyph of the UI's sans-serif at that size, generous: labels are estimated, not
# measured (the server has no font metrics).
GLYPH = 7.6

_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_FIELD = re.compile(r"%\{(customdata\[(\d+)\]|x|y)(?:[:|][^}]*)?\}")
# What XML 1.0 cannot hold at all; dropped so that the SVG stays well-formed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def plain(text: object) -> str:
    """Plotly's pseudo-HTML as the plain text plotly shows: ``<br>`` a newline, tags dropped."""
    # Tags first, entities after: an escaped value (&lt;b&gt;) holds no "<", so what it reads
    # as survives, and only the template's own tags go.
    return html.unescape(_TAG.sub("", _BR.sub("\n", str(text))))


def xml(text: str) -> str:
    """``text`` XML-escaped once, newlines as references (no line break inside the SVG).

    A blank line would end the raw HTML block st.markdown reads the SVG as, and Markdown
    would take over the rest: a typed blank line must not reach the SVG as one.
    """
    text = _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return html.escape(text, quote=True).replace("\n", "&#10;")


def hover_text(template: str | None, custom: list[Any] | None, y: str, x: object = "") -> str:
    """A trace's hover template filled in (``%{customdata[i]}``, ``%{y}``), as plain text."""
    if not template:
        return plain(y)

    def field(match: re.Match[str]) -> str:
        if match.group(1) == "y":
            return str(y)
        if match.group(1) == "x":
            return str(x)
        index = int(match.group(2))
        return str(custom[index]) if custom is not None and index < len(custom) else ""

    # One pass: a value that itself reads "%{y}" is not filled in again.
    # An empty last value leaves a trailing line break; typed text stays as it is.
    return plain(_FIELD.sub(field, template)).rstrip("\n")


def number(value: float) -> str:
    """A coordinate with at most one decimal ("12.5", "12")."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def width(text: str, size: float = FONT) -> float:
    """About how many pixels ``text`` takes at ``size`` px (no font metrics on the server)."""
    return len(text) * GLYPH * size / FONT


def fit(text: str, room: float) -> str:
    """``text`` cut with an ellipsis to about ``room`` pixels."""
    if width(text) <= room + 0.5:
        return text
    return text[: max(3, int(room / GLYPH) - 1)].rstrip() + "…"
