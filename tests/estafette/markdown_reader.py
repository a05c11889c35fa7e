"""What a CommonMark reader (Streamlit's st.markdown, a Markdown viewer) shows of escaped text.

Not a Markdown renderer: it reads text made by textfields.markdown_literal the way a reader
would, and fails on anything in it that a reader would take as markup instead of text.
"""

from __future__ import annotations

import html
import re
import string

# Characters that are markup somewhere in a line (Markdown, GFM, Streamlit's math and
# directives) or start raw HTML and entities: in literal text each must come escaped.
ACTIVE = frozenset("\\`*_{}[]#|!~$<>&")
# What makes a line a block of its own: indented code, a list item, a heading, a quote,
# a setext underline or a thematic break.
BLOCK_START = re.compile(
    r"^(?: {4}|\t| {0,3}(?:[-+*]|\d+[.)])(?:[ \t]|$)| {0,3}[#>]| {0,3}[-=]+ *$)"
)
ENTITY = re.compile(r"&(?:amp|lt|gt);")

# What a reader links, or turns into an emoji, icon or directive, in the text it has read
# (after escapes): GFM's bare addresses, Streamlit's :name: and :name. A word joiner breaks them.
FOUND_IN_TEXT = re.compile(
    r"https?://|www\.|[-.\w+]@[-\w]|:[\w+-]+:|:[A-Za-z]|:material/", re.IGNORECASE
)
JOINER = "\u2060"


def shown(markdown: str, allowed_html: tuple[str, ...] = ()) -> str:
    """The text a reader shows for ``markdown``; AssertionError on anything read as markup."""
    for tag in allowed_html:
        markdown = markdown.replace(tag, "")
    for line in markdown.split("\n"):
        assert not BLOCK_START.match(line), f"line starts a block: {line!r}"
    out: list[str] = []
    index = 0
    while index < len(markdown):
        char = markdown[index]
        if char == "\\" and index + 1 < len(markdown) and markdown[index + 1] in string.punctuation:
            out.append(markdown[index + 1])
            index += 2
        elif entity := ENTITY.match(markdown, index):
            out.append(html.unescape(entity.group()))
            index = entity.end()
        else:
            assert char not in ACTIVE, f"bare {char!r} at {index} in {markdown!r}"
            out.append(char)
            index += 1
    text = "".join(out)
    found = FOUND_IN_TEXT.search(text)
    assert found is None, f"{found.group()!r} would become a link, emoji or icon in {text!r}"
    # A hard line break (two spaces, newline) shows as a line break; joiners show as nothing.
    return text.replace("  \n", "\n").replace(JOINER, "")
