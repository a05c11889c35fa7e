"""Import and export of the status table as CSV, XLSX or JSON (the full backup: backup.py).

Imports are validated as a whole before anything is written; any bad row means nothing
changes, and every problem names its row and column. Exports are deterministic, so
export → import into an empty database → export gives byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    select,
)
from sqlalchemy.orm import Session, selectinload

from estafette import i18n, spreadsheets, textfields
from estafette.accounts import Action, Actor, require
from estafette.models import (
    City,
    Dialogue,
    Phase,
    PhaseRecord,
)

FORMATS: tuple[str, ...] = ("csv", "xlsx", "json")
MIME_TYPES: dict[str, str] = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
STATUS_COLUMNS: tuple[str, ...] = (
    "city",
    "neighbourhood",
    "theme",
    "central_question",
    "is_demo",
    "phase",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "note",
    # Last on purpose: no status is a prefix of another, so a CSV cut off anywhere in its
    # final row always shows up as a wrong column count or an unknown status.
    "status",
)
# The files speak Dutch: these are the column names people see in their spreadsheet.
HEADERS: dict[str, str] = {
    "city": "stad",
    "neighbourhood": "wijk",
    "theme": "thema",
    "central_question": "centrale_vraag",
    "is_demo": "demo",
    "phase": "fase",
    "status": "status",
    "planned_start": "geplande_start",
    "planned_end": "gepland_einde",
    "actual_start": "werkelijke_start",
    "actual_end": "werkelijk_einde",
    "note": "notitie",
}
FILE_COLUMNS: tuple[str, ...] = tuple(HEADERS[c] for c in STATUS_COLUMNS)
FROM_HEADER = {header: key for key, header in HEADERS.items()}
STATUS_FORMAT = "estafette-status"
BACKUP_FORMAT = "estafette-backup"
FORMAT_VERSION = 1
CSV_DIALECTS = spreadsheets.DIALECTS  # "nl" (";" and a BOM, for Dutch Excel) or "intl"
FIXED_ZIP_TIME = (2018, 7, 3, 0, 0, 0)  # keeps XLSX exports byte-identical
# The start-up write (db.check_writable) describes the installation, not its data.
VOLATILE_META = frozenset({"last_start"})
TRUE_WORDS = {"ja", "true", "1", "waar", "yes"}
FALSE_WORDS = {"nee", "false", "0", "onwaar", "no", ""}


@dataclass(frozen=True)
class TransferIssue:
    """One problem in an imported file: where (row, column) and what (``transfer.error.<code>``).

    ``row`` counts like a spreadsheet (the header is row 1) for CSV and XLSX, and from 1 in
    the JSON ``rows`` list; 0 means the file as a whole. ``table`` is set for backups.
    """

    row: int
    column: str
    code: str
    value: str = ""
    table: str = ""


class ImportFailed(Exception):
    """The file was refused as a whole; nothing was written."""

    def __init__(self, issues: list[TransferIssue]) -> None:
        summary = "; ".join(
            f"{i.table + ' ' if i.table else ''}row {i.row}, column {i.column}: {i.code}"
            + (f" ({i.value})" if i.value else "")
            for i in issues[:5]
        )
        super().__init__(summary + (f" and {len(issues) - 5} more" if len(issues) > 5 else ""))
        self.issues = issues


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    rows: int
    dialogues_created: int
    records_changed: int
    encoding: str = spreadsheets.UTF8


def save_file(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a file beside it, so a failure never leaves half a file.

    Raises OSError (with nothing left behind) when the file cannot be written.
    """
    partial = target.with_name(target.name + ".part")
    try:
        partial.write_bytes(data)
        partial.replace(target)
    except OSError:
        partial.unlink(missing_ok=True)
        raise


def detect_format(filename: str) -> str:
    """The format from a file name's extension."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in FORMATS:
        raise ImportFailed([TransferIssue(0, "-", "format_unknown", filename)])
    return suffix


# --- the status table ---------------------------------------------------------------------


def status_rows(session: Session) -> list[dict[str, Any]]:
    """One row per phase record in relay order, with typed values (dates, bool)."""
    stmt = (
        select(PhaseRecord)
        .join(PhaseRecord.dialogue)
        .join(Dialogue.city)
        .join(PhaseRecord.phase)
        .options(
            selectinload(PhaseRecord.phase),
            selectinload(PhaseRecord.dialogue).selectinload(Dialogue.city),
        )
        .order_by(City.leg, Dialogue.id, Phase.position)
    )
    return [
        {
            "city": r.dialogue.city.name,
            "neighbourhood": r.dialogue.neighbourhood or "",
            "theme": r.dialogue.theme or "",
            "central_question": r.dialogue.central_question or "",
            "is_demo": bool(r.dialogue.is_demo),
            "phase": r.phase.name,
            "status": r.status,
            "planned_start": r.planned_start,
            "planned_end": r.planned_end,
            "actual_start": r.actual_start,
            "actual_end": r.actual_end,
            "note": r.note or "",
        }
        for r in session.scalars(stmt)
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _csv_cell(value: Any) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if value is None:
        return ""
    if isinstance(value, str):
        return spreadsheets.export_text(value)
    return str(_plain(value))


def exported(value: Any) -> Any:
    """Stored text as any export writes it: without control characters (see textfields)."""
    return textfields.clean(value) if isinstance(value, str) else value


def export_status(
    session: Session, actor: Actor, fmt: str, *, dialect: str = spreadsheets.DEFAULT_DIALECT
) -> bytes:
    """The status table as CSV, XLSX or JSON bytes.

    ``dialect`` picks the CSV flavour: "nl" (";" with a UTF-8 BOM, what Dutch Excel opens
    correctly) or "intl" ("," without BOM). Spreadsheet cells that a program would evaluate as
    a formula are prefixed with ``'`` (spreadsheets.neutralise); the import removes it again.
    """
    require(actor, Action.EXPORT_DATA)
    rows = status_rows(session)
    if fmt == "csv":
        flavour = CSV_DIALECTS[dialect]
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=flavour.delimiter, lineterminator="\r\n")
        writer.writerow(FILE_COLUMNS)
        for row in rows:
            writer.writerow([_csv_cell(row[c]) for c in STATUS_COLUMNS])
        # The BOM makes spreadsheet programs read the file as UTF-8.
        return buffer.getvalue().encode("utf-8-sig" if flavour.bom else "utf-8")
    if fmt == "json":
        document = {
            "format": STATUS_FORMAT,
            "version": FORMAT_VERSION,
            "rows": [
                {HEADERS[c]: _plain(exported(row[c])) for c in STATUS_COLUMNS} for row in rows
            ],
        }
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "xlsx":
        return _xlsx(rows)
    raise ValueError(f"unknown format {fmt!r}")


def _xlsx(rows: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Status"
    sheet.append(list(FILE_COLUMNS))
    for row in rows:
        sheet.append(
            [
                spreadsheets.export_text(row[c]) if isinstance(row[c], str) else row[c]
                for c in STATUS_COLUMNS
            ]
        )
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str):
                # Text is text, never a formula (neutralise already made it start with "'").
                cell.data_type = "s"
    fixed = dt.datetime(*FIXED_ZIP_TIME)
    workbook.properties.created = fixed
    workbook.properties.creator = "Estafette"
    raw = io.BytesIO()
    workbook.save(raw)
    return _normalise_zip(raw.getvalue(), fixed)


def _normalise_zip(data: bytes, fixed: dt.datetime) -> bytes:
    """Rewrite an XLSX with fixed timestamps so equal content gives equal bytes."""
    stamp = fixed.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in sorted(source.infolist(), key=lambda i: i.filename):
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    content,
                )
            fresh = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fresh.compress_type = zipfile.ZIP_DEFLATED
            fresh.external_attr = 0o600 << 16
            target.writestr(fresh, content)
    return out.getvalue()


def decode(data: bytes, *, utf8_only: bool = False) -> tuple[str, str]:
    """The text and its encoding; JSON is UTF-8 by definition, CSV may be Windows-1252."""
    try:
        content, encoding = spreadsheets.decode(data)
    except spreadsheets.DecodeError as exc:
        code = "truncated" if exc.truncated else "encoding"
        raise ImportFailed([TransferIssue(exc.line, "-", code, exc.detail)]) from None
    if utf8_only and encoding != spreadsheets.UTF8:
        raise ImportFailed([TransferIssue(0, "-", "encoding", encoding)])
    return content, encoding


def _cut_off(exc: json.JSONDecodeError, content: str) -> bool:
    """Whether a JSON error means the text stops too early (rather than being malformed)."""
    # An unterminated string can only run into the end of the text (a newline inside a
    # string is a different error); an error on the last line is a missing tail.
    return exc.msg.startswith("Unterminated string") or "\n" not in content[exc.pos :].rstrip()


def load_json(data: bytes) -> Any:
    """The decoded JSON document; a broken or cut-off file is refused as a whole."""
    content, _ = decode(data, utf8_only=True)
    try:
        return json.loads(content)
    except json.JSONDecodeError as exc:
        code = "truncated" if _cut_off(exc, content) else "json_invalid"
        raise ImportFailed([TransferIssue(exc.lineno, f"{exc.colno}", code, exc.msg)]) from None


def _as_is(text: str) -> str:
    return text


def describe(issue: TransferIssue, lang: str, escape: Callable[[str], str] = _as_is) -> str:
    """The translated problem of one issue (without its place); ``escape`` for the file's text."""
    key = f"transfer.error.{issue.code}"
    if key not in i18n.catalog():
        key = f"validation.{issue.code}"
    return i18n.translate(key, lang, value=escape(str(issue.value)), field=escape(issue.column))


def issue_lines(
    issues: Iterable[TransferIssue], lang: str = "en", escape: Callable[[str], str] = _as_is
) -> list[str]:
    """One translated line per issue, naming table, row and column (for the CLI and the UI).

    Values, columns and tables come from the file: the UI shows the lines as Markdown and
    passes ``escape`` (textfields.markdown_literal), which the texts around them do not need.
    """
    lines = []
    for issue in issues:
        message = describe(issue, lang, escape)
        if issue.row <= 0 and issue.column in {"-", "format", "tables", "rows"}:
            line = i18n.translate("transfer.issue_file", lang, message=message)
        else:
            line = i18n.translate(
                "transfer.issue_line",
                lang,
                row=issue.row,
                column=escape(issue.column),
                message=message,
            )
        lines.append(f"{escape(issue.table)}: {line}" if issue.table else line)
    return lines
