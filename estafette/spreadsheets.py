"""Spreadsheet cells as Dutch offices read and write them, and as attackers would abuse them.

- Formula injection (OWASP "CSV injection"): a cell that starts with ``= + - @``, tab or
  carriage return is evaluated by spreadsheet programs. ``neutralise`` prefixes such cells
  with ``'``; ``restore`` removes exactly that prefix, so export → import → export is
  byte-identical. A text that itself starts with ``'`` followed by such a cell gets one more
  ``'``, which keeps the mapping one-to-one.
- Files from Dutch Excel: ``;`` as separator, a UTF-8 byte order mark or Windows-1252 text, and
  dates written as ``3-7-2018`` or ``03-07-2018``.
- XLSX files whose declared sheet dimension is smaller than the data really there.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from estafette import textfields

# What makes a spreadsheet program treat a cell as a formula (OWASP CSV injection advice).
FORMULA_STARTS = frozenset("=+-@\t\r")
QUOTE = "'"

UTF8 = "UTF-8"
WINDOWS_1252 = "Windows-1252"


@dataclass(frozen=True)
class Dialect:
    """A CSV flavour: separator and whether the bytes start with a UTF-8 byte order mark."""

    code: str
    delimiter: str
    bom: bool


# Dutch Excel splits on ";" and needs the BOM to read UTF-8; "intl" is plain RFC 4180.
DIALECTS: dict[str, Dialect] = {
    "nl": Dialect("nl", ";", True),
    "intl": Dialect("intl", ",", False),
}
DEFAULT_DIALECT = "nl"


def _needs_quote(text: str) -> bool:
    if not text:
        return False
    if text[0] in FORMULA_STARTS:
        return True
    return text[0] == QUOTE and _needs_quote(text[1:])


def neutralise(value: Any) -> Any:
    """A cell value a spreadsheet shows as text: formula-like strings get a leading ``'``."""
    if isinstance(value, str) and _needs_quote(value):
        return QUOTE + value
    return value


def restore(value: Any) -> Any:
    """Undo ``neutralise`` exactly: drop the ``'`` it added, and nothing else."""
    if isinstance(value, str) and value.startswith(QUOTE) and _needs_quote(value[1:]):
        return value[1:]
    return value


def export_text(value: str) -> str:
    """A stored text as it goes into a spreadsheet cell: cleaned, then neutralised."""
    return neutralise(textfields.clean(value))


# --- reading text files --------------------------------------------------------------------


class DecodeError(ValueError):
    """The bytes are not text in a supported encoding; ``line`` and ``detail`` say where."""

    def __init__(self, line: int, detail: str, truncated: bool = False) -> None:
        super().__init__(detail)
        self.line = line
        self.detail = detail
        self.truncated = truncated


# A valid UTF-8 sequence of a non-ASCII character: if a file holds these, it is UTF-8.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding used: UTF-8 (with or without BOM) or Windows-1252.

    A file that starts with a BOM, or holds valid UTF-8 sequences, is UTF-8 and must be so
    throughout; a mix is refused rather than guessed.
    """
    try:
        return data.decode("utf-8-sig"), UTF8
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        if exc.reason == "unexpected end of data":
            # The file stops in the middle of a character: it was cut off.
            raise DecodeError(line, exc.reason, truncated=True) from None
        utf8_error = DecodeError(line, f"byte {exc.start}: 0x{data[exc.start]:02x}")
        if data.startswith(b"\xef\xbb\xbf") or _UTF8_SEQUENCE.search(data):
            raise utf8_error from None
    try:
        return data.decode("cp1252"), WINDOWS_1252
    except UnicodeDecodeError:
        raise utf8_error from None


def sniff_delimiter(header_line: str) -> str:
    """``;`` or ``,``, whichever separates the header line (Dutch Excel writes ``;``)."""
    return ";" if header_line.count(";") >= header_line.count(",") else ","


# --- dates --------------------------------------------------------------------------------

_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$")


def parse_date(text: str) -> dt.date:
    """An ISO date (2018-07-03) or a Dutch one (3-7-2018, 03-07-2018, 3/7/2018).

    Raises ValueError for anything else.
    """
    text = text.strip()
    match = _DUTCH_DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text)
    raise ValueError(f"not a date: {text!r}")


# --- XLSX ---------------------------------------------------------------------------------


def xlsx_rows(data: bytes) -> Iterator[tuple[Any, ...]]:
    """The values of every row really present on the first sheet.

    openpyxl's read-only mode trusts the sheet's declared ``<dimension>``; a file written by
    another program may declare fewer rows or columns than it holds, so the dimension is reset
    and the rows are read as they are in the XML.
    """
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        rows = list(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()
    width = max((len(r) for r in rows), default=0)
    # Without a dimension, rows end at their last cell: pad them to a common width.
    yield from (tuple(r) + (None,) * (width - len(r)) for r in rows)
