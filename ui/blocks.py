"""Read-only text as one HTML block: cards, lists, quotes and columns drawn as a single element.

Streamlit draws every ``st.markdown``, ``st.subheader`` and bordered container as an element of
its own, and every Markdown element runs a Markdown parser in the browser. De methode's five
phase cards and four lists were 25 such elements. Measured in Chromium on a page of that text
(returning visits, median of eleven, 2026-12-06): 265 ms as 25 elements, 246 ms as one
Markdown element, 217 ms as one HTML block, against 199 ms for a bare one-line page. Text that
only needs reading goes here; anything a person acts on stays a Streamlit element.

The look follows Streamlit's own (bordered container, subheader, list, block quote), and every
text is HTML-escaped: typed text shows as typed, never as markup or Markdown.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import streamlit as st

# Streamlit's measures for these elements (1.67, read off its computed styles), in the theme's
# text colour; on narrow screens the columns stack, as st.columns does.
CSS = (
    "<style>"
    ".est-blocks{display:flex;flex-direction:column;gap:1rem;color:#0E1117}"
    ".est-blocks h3{font-size:1.75rem;font-weight:600;line-height:1.2;margin:0;"
    "padding:.75rem 0 1rem}"
    ".est-blocks p{margin:0 0 1rem;line-height:1.6}"
    ".est-blocks ul{margin:0 0 1rem;padding-left:1.5rem}"
    ".est-blocks li{margin-bottom:.2rem;padding-left:.3rem;line-height:1.6}"
    ".est-blocks blockquote{margin:1rem 0;padding:0 0 0 .75rem;"
    "border-left:2px solid rgba(14,17,23,.2)}"
    ".est-blocks blockquote p{margin:0}"
    ".est-card{border:1px solid rgba(14,17,23,.2);border-radius:.5rem;padding:calc(1rem - 1px)}"
    ".est-card>:last-child,.est-column>:last-child{margin-bottom:0}"
    ".est-columns{display:grid;grid-template-columns:repeat(var(--est-columns),minmax(0,1fr));"
    "gap:1rem}"
    "@media (max-width:640px){.est-columns{grid-template-columns:minmax(0,1fr)}}"
    "</style>"
)
_BLANK_LINE = re.compile(r"\n\s*\n")


def text(value: str) -> str:
    """``value`` escaped, for use inside an element."""
    return html.escape(value)


def paragraphs(value: str) -> str:
    """A text as paragraphs (a blank line starts a new one), escaped."""
    parts = [part.strip() for part in _BLANK_LINE.split(value.strip()) if part.strip()]
    return "".join(f"<p>{text(part)}</p>" for part in parts)


def titled(items: Iterable[tuple[str, str]]) -> str:
    """Paragraphs that open with a bold title: "**title** — text", escaped."""
    return "".join(f"<p><strong>{text(title)}</strong> — {text(body)}</p>" for title, body in items)


def bullets(items: Iterable[str]) -> str:
    """A bulleted list of texts, escaped."""
    return "<ul>" + "".join(f"<li>{text(item)}</li>" for item in items) + "</ul>"


def quotes(items: Iterable[str]) -> str:
    """Each text as a block quote, escaped."""
    return "".join(f"<blockquote><p>{text(item)}</p></blockquote>" for item in items)


def section(heading: str, body: str) -> str:
    """A subheader (h3) and its ``body`` (HTML made by this module)."""
    return f"<h3>{text(heading)}</h3>{body}"


def card(heading: str, body: str) -> str:
    """A bordered card with a subheader, like ``st.container(border=True)`` around one."""
    return f'<section class="est-card">{section(heading, body)}</section>'


def note(title: str, body: str) -> str:
    """A bordered card of a bold title and its text (a card without a subheader)."""
    heading = f"<p><strong>{text(title)}</strong></p>"
    return f'<section class="est-card">{heading}{paragraphs(body)}</section>'


def columns(*contents: str) -> str:
    """Side-by-side columns of equal width (stacked on a narrow screen)."""
    cells = "".join(f'<div class="est-column">{content}</div>' for content in contents)
    return f'<div class="est-columns" style="--est-columns:{len(contents)}">{cells}</div>'


def show(*parts: str) -> None:
    """Draw ``parts`` (HTML made by this module) as one element, one below the other."""
    st.html(CSS + '<div class="est-blocks">' + "".join(parts) + "</div>")
