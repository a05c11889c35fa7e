"""The one rule for text that people type or import, and the one way to show it in Markdown.

Every way in (forms, status import, backup restore, command line) calls ``check``: no control
characters but newline and tab. A refusal names the field, so the message can say where the
character is. Text stored before this rule existed may still hold such characters, so every
export passes text through ``clean`` as a last line of defence (an XLSX or DOCX writer would
otherwise raise on them).

Every way out through Markdown (the pages' st.markdown, captions and labels, the Markdown
handout) passes text through ``markdown_literal``, so that what people typed shows as typed:
never as markup, a link, an emoji or an icon.
"""

from __future__ import annotations

import re

# Newline and tab are ordinary text; carriage returns are normalised to newlines first.
# C0 and C1 controls, DEL, lone surrogates and the XML non-characters U+FFFE/U+FFFF.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class TextRejected(ValueError):
    """A text field holds a forbidden character; ``field`` names it, ``char`` shows it (U+XXXX)."""

    def __init__(self, field: str, char: str, position: int) -> None:
        self.field = field
        self.char = f"U+{ord(char):04X}"
        self.position = position
        super().__init__(f"{field}: control character {self.char} at position {position + 1}")


def normalise(value: str) -> str:
    """Line ends as newlines only (Windows and old-Mac line ends become ``\\n``)."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def first_forbidden(value: str) -> int | None:
    """The index of the first forbidden character of ``value``, or None when it is clean."""
    match = _FORBIDDEN.search(value)
    return match.start() if match else None


def check(field: str, value: str | None) -> str:
    """``value`` with normalised line ends; raises TextRejected when it holds a control character.

    ``None`` stays ``None``'s text form: an empty string.
    """
    if value is None:
        return ""
    value = normalise(value)
    position = first_forbidden(value)
    if position is not None:
        raise TextRejected(field, value[position], position)
    return value


def check_all(**fields: str | None) -> dict[str, str]:
    """``check`` for several fields at once (keyword = field name); the first problem raises."""
    return {name: check(name, value) for name, value in fields.items()}


def clean(value: str) -> str:
    """``value`` without forbidden characters (for exports of data stored before the rule)."""
    return _FORBIDDEN.sub("", normalise(value))


def message(exc: TextRejected, lang: str) -> str:
    """The translated refusal, naming the field as the form or file shows it."""
    from estafette import i18n  # late: i18n is only needed once something was refused

    key = f"text.field.{exc.field}"
    field = i18n.translate(key, lang) if key in i18n.catalog() else exc.field
    return i18n.translate("text.error.control_char", lang, field=field, char=exc.char)


# Markdown syntax anywhere in a line: emphasis, code, links and images, tables, strikethrough,
# Streamlit's math ($) and directives (:red[…] needs the bracket), headings, escapes.
_MD_INLINE = re.compile(r"[\\`*_{}\[\]#|!~$]")
# Markdown syntax only at the start of a line: indentation (four spaces make a code block,
# where escapes would show), list items, setext underlines, ordered lists.
_MD_LINE_START = re.compile(r"^([ \t]*)(?:([-+=])|\d+([.)]))?", re.MULTILINE)
# Raw HTML, entities, autolinks and block quotes: entities instead. A newline becomes a hard
# line break, so the reader's line breaks stay.
_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "  \n"}
_MD_ENTITY = re.compile("[&<>\n]")
# Patterns found in the text after escapes are read, so no escape can stop them: GFM links bare
# addresses (https://…, www.…, name@host), and Streamlit reads :name: as an emoji or icon and
# :name as a directive (:red[…]). A word joiner (U+2060: no width, no line break, invisible)
# after such a colon, after "www" and before "@" breaks each one; the text reads the same.
JOINER = "\u2060"
_MD_JOIN_AFTER = re.compile(r":(?=[A-Za-z/]|[\w+-]+:)")
_MD_JOIN_BEFORE = re.compile(r"@|(?<=www)\.", re.IGNORECASE)


def markdown_pieces(text: str) -> list[str]:
    """``markdown_literal`` per character: piece i is character i of ``text``, escaped.

    For search highlights, which wrap some words in <mark> after escaping.
    """
    pieces = list(text)
    for match in _MD_LINE_START.finditer(text):
        for index in range(*match.span(1)):
            pieces[index] = ""
        marker = match.start(2) if match.group(2) else match.start(3)
        if marker >= 0:
            pieces[marker] = "\\" + text[marker]
    for match in _MD_INLINE.finditer(text):
        pieces[match.start()] = "\\" + match.group()
    for match in _MD_ENTITY.finditer(text):
        pieces[match.start()] = _MD_ENTITIES[match.group()]
    for match in _MD_JOIN_AFTER.finditer(text):
        pieces[match.start()] += JOINER
    for match in _MD_JOIN_BEFORE.finditer(text):
        pieces[match.start()] = JOINER + pieces[match.start()]
    return pieces


def markdown_literal(text: str) -> str:
    """``text`` for Markdown (also st.markdown with HTML allowed): shown exactly as typed.

    Also for every Streamlit text that renders Markdown: captions, labels, st.table cells.
    """
    return "".join(markdown_pieces(clean(text)))
