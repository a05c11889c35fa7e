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
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import (
    select,
)
from sqlalchemy.orm import Session, selectinload

from estafette import audit, i18n, spreadsheets, textfields
from estafette.accounts import Action, Actor, require
from estafette.cities import create_dialogue
from estafette.logs import log_event
from estafette.models import (
    DATE_FIELDS,
    City,
    Dialogue,
    Phase,
    PhaseRecord,
    utcnow,
)
from estafette.phases import STATUSES
from estafette.updates import PhaseUpdate, apply_update, validate

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


def _decode(data: bytes, *, utf8_only: bool = False) -> tuple[str, str]:
    """The text and its encoding; JSON is UTF-8 by definition, CSV may be Windows-1252."""
    try:
        content, encoding = spreadsheets.decode(data)
    except spreadsheets.DecodeError as exc:
        code = "truncated" if exc.truncated else "encoding"
        raise ImportFailed([TransferIssue(exc.line, "-", code, exc.detail)]) from None
    if utf8_only and encoding != spreadsheets.UTF8:
        raise ImportFailed([TransferIssue(0, "-", "encoding", encoding)])
    return content, encoding


def _parse_csv(data: bytes) -> tuple[list[tuple[int, dict[str, Any]]], str]:
    content, encoding = _decode(data)
    if not content.strip():
        raise ImportFailed([TransferIssue(0, "-", "empty")])
    delimiter = spreadsheets.sniff_delimiter(content.splitlines()[0])
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter, strict=True)
    try:
        table = list(reader)
    except csv.Error as exc:
        raise ImportFailed([TransferIssue(reader.line_num, "-", "truncated", str(exc))]) from None
    header = [h.strip() for h in table[0]]
    _check_header(header)
    rows: list[tuple[int, dict[str, Any]]] = []
    issues: list[TransferIssue] = []
    for number, cells in enumerate(table[1:], start=2):
        if not cells:
            continue
        if len(cells) != len(header):
            issues.append(
                TransferIssue(
                    number,
                    header[len(cells)] if len(cells) < len(header) else header[-1],
                    "column_count",
                    f"{len(cells)}/{len(header)}",
                )
            )
            continue
        rows.append((number, dict(zip(header, cells, strict=True))))
    if issues:
        raise ImportFailed(issues)
    return rows, encoding


def _check_header(header: list[str]) -> None:
    missing = [c for c in FILE_COLUMNS if c not in header]
    unknown = [c for c in header if c not in FILE_COLUMNS]
    issues = [TransferIssue(1, c, "column_missing") for c in missing]
    issues += [TransferIssue(1, c, "column_unknown") for c in unknown]
    if issues:
        raise ImportFailed(issues)


def _cut_off(exc: json.JSONDecodeError, content: str) -> bool:
    """Whether a JSON error means the text stops too early (rather than being malformed)."""
    # An unterminated string can only run into the end of the text (a newline inside a
    # string is a different error); an error on the last line is a missing tail.
    return exc.msg.startswith("Unterminated string") or "\n" not in content[exc.pos :].rstrip()


def load_json(data: bytes) -> Any:
    """The decoded JSON document; a broken or cut-off file is refused as a whole."""
    content, _ = _decode(data, utf8_only=True)
    try:
        return json.loads(content)
    except json.JSONDecodeError as exc:
        code = "truncated" if _cut_off(exc, content) else "json_invalid"
        raise ImportFailed([TransferIssue(exc.lineno, f"{exc.colno}", code, exc.msg)]) from None


def _parse_json(data: bytes) -> tuple[list[tuple[int, dict[str, Any]]], str]:
    document = load_json(data)
    if not isinstance(document, dict) or document.get("format") != STATUS_FORMAT:
        raise ImportFailed([TransferIssue(0, "format", "format_unknown")])
    if not isinstance(document.get("rows"), list):
        raise ImportFailed([TransferIssue(0, "rows", "format_unknown")])
    rows = []
    for number, item in enumerate(document["rows"], start=1):
        if not isinstance(item, dict):
            raise ImportFailed([TransferIssue(number, "-", "not_an_object")])
        if set(item) != set(FILE_COLUMNS):
            _check_header([*item.keys()])
        rows.append((number, item))
    return rows, spreadsheets.UTF8


def _parse_xlsx(data: bytes) -> tuple[list[tuple[int, dict[str, Any]]], str]:
    _check_xlsx_text(data)
    # A damaged zip surfaces as many different exceptions (zip, zlib, XML, KeyError...);
    # all of them mean the same thing to the person importing: the file is not readable.
    try:
        values = list(spreadsheets.xlsx_rows(data))
    except Exception as exc:
        raise ImportFailed([TransferIssue(0, "-", "xlsx_invalid", str(exc)[:80])]) from None
    if not values:
        raise ImportFailed([TransferIssue(0, "-", "empty")])
    header = [str(h).strip() if h is not None else "" for h in values[0]]
    while header and header[-1] == "":
        header.pop()
    _check_header(header)
    rows = []
    for number, cells in enumerate(values[1:], start=2):
        if all(c is None for c in cells):
            continue
        rows.append((number, dict(zip(header, cells[: len(header)], strict=False))))
    return rows, spreadsheets.UTF8


def _check_xlsx_text(data: bytes) -> None:
    """An XLSX is a zip of UTF-8 XML parts: name the part whose text is not UTF-8."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if not name.endswith((".xml", ".rels")):
                    continue
                content = archive.read(name)
                try:
                    content.decode("utf-8")
                except UnicodeDecodeError as exc:
                    line = content[: exc.start].count(b"\n") + 1
                    raise ImportFailed(
                        [
                            TransferIssue(
                                0, "-", "encoding", f"{name}, line {line}, byte {exc.start}"
                            )
                        ]
                    ) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ImportFailed([TransferIssue(0, "-", "xlsx_invalid", str(exc)[:80])]) from None


def _text_value(value: Any, column: str, row: int, issues: list[TransferIssue]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        issues.append(TransferIssue(row, column, "not_text", repr(value)[:40]))
        return ""
    try:
        value = textfields.check(column, value)
    except textfields.TextRejected as exc:
        issues.append(TransferIssue(row, column, "control_char", exc.char))
        return ""
    return value.strip() if column != "note" else value


def _date_value(value: Any, column: str, row: int, issues: list[TransferIssue]) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date()
    elif isinstance(value, dt.date):
        return value
    elif isinstance(value, str):
        try:
            return spreadsheets.parse_date(value)
        except ValueError:
            pass
    issues.append(TransferIssue(row, column, "not_a_date", str(value)[:40]))
    return None


def _bool_value(value: Any, column: str, row: int, issues: list[TransferIssue]) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    issues.append(TransferIssue(row, column, "not_a_boolean", str(value)[:40]))
    return False


@dataclass(frozen=True)
class _Row:
    number: int
    city: str
    neighbourhood: str
    theme: str
    central_question: str
    is_demo: bool
    phase: str
    update: PhaseUpdate


def _check_rows(
    session: Session, raw: list[tuple[int, dict[str, Any]]], today: dt.date
) -> list[_Row]:
    """Convert and check every row; raise ImportFailed listing every problem."""
    cities = {c.casefold(): c for c in session.scalars(select(City.name))}
    phases = list(session.scalars(select(Phase).order_by(Phase.position)))
    phase_names = {p.name.casefold(): p.name for p in phases}
    phase_names.update({p.code.casefold(): p.name for p in phases})
    issues: list[TransferIssue] = []
    rows: list[_Row] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, item in raw:
        found: list[TransferIssue] = []
        values = {
            c: _text_value(item.get(c), c, number, found)
            for c in ("city", "neighbourhood", "theme", "central_question", "phase", "status")
        }
        note = _text_value(item.get("note"), "note", number, found)
        dates = {c: _date_value(item.get(c), c, number, found) for c in DATE_FIELDS}
        is_demo = _bool_value(item.get("is_demo"), "is_demo", number, found)
        city = cities.get(values["city"].casefold())
        if city is None and not any(i.column == "city" for i in found):
            found.append(TransferIssue(number, "city", "city_unknown", values["city"]))
        phase = phase_names.get(values["phase"].casefold())
        if phase is None and not any(i.column == "phase" for i in found):
            found.append(TransferIssue(number, "phase", "phase_unknown", values["phase"]))
        if values["status"] not in STATUSES and not any(i.column == "status" for i in found):
            found.append(TransferIssue(number, "status", "status_unknown", values["status"]))
        if len(values["neighbourhood"]) > 120:
            found.append(TransferIssue(number, "neighbourhood", "too_long"))
        if len(values["theme"]) > 200:
            found.append(TransferIssue(number, "theme", "too_long"))
        update = PhaseUpdate(status=values["status"], note=note, **dates)
        if not found:
            found += [TransferIssue(number, i.field, i.code) for i in validate(update, today)]
        if city and phase:
            key = (city, values["neighbourhood"], phase)
            if key in seen:
                found.append(TransferIssue(number, "phase", "duplicate", f"{seen[key]}"))
            seen[key] = number
        issues += found
        if not found and city and phase:
            rows.append(
                _Row(
                    number,
                    city,
                    values["neighbourhood"],
                    values["theme"],
                    values["central_question"],
                    is_demo,
                    phase,
                    update,
                )
            )
    if not issues:
        issues += _check_complete(rows, [p.name for p in phases])
    if issues:
        # Name each column as it is written in the file.
        raise ImportFailed([replace(i, column=HEADERS.get(i.column, i.column)) for i in issues])
    return rows


def _check_complete(rows: list[_Row], phase_names: list[str]) -> list[TransferIssue]:
    """Every dialogue needs all phases; a missing one usually means a cut-off file."""
    by_dialogue: dict[tuple[str, str], list[_Row]] = {}
    for row in rows:
        by_dialogue.setdefault((row.city, row.neighbourhood), []).append(row)
    issues = []
    for dialogue_rows in by_dialogue.values():
        present = {r.phase for r in dialogue_rows}
        missing = [p for p in phase_names if p not in present]
        if missing:
            issues.append(
                TransferIssue(
                    dialogue_rows[-1].number, "phase", "phases_missing", ", ".join(missing)
                )
            )
    return issues


def parse_status(data: bytes, fmt: str) -> tuple[list[tuple[int, dict[str, Any]]], str]:
    """The raw rows of a status file (row number, internal column key → value) and its encoding.

    Spreadsheet cells lose the ``'`` the export put before formula-like text.
    """
    parsers = {"csv": _parse_csv, "json": _parse_json, "xlsx": _parse_xlsx}
    if fmt not in parsers:
        raise ImportFailed([TransferIssue(0, "-", "format_unknown", fmt)])
    raw, encoding = parsers[fmt](data)
    unquote = spreadsheets.restore if fmt != "json" else (lambda v: v)
    rows = [
        (number, {FROM_HEADER[k]: unquote(v) for k, v in row.items() if k in FROM_HEADER})
        for number, row in raw
    ]
    return rows, encoding


def import_status(
    session: Session,
    actor: Actor,
    data: bytes,
    fmt: str,
    *,
    today: dt.date | None = None,
) -> ImportResult:
    """Validate a whole status file, then apply it in one transaction (coordinators only).

    Dialogues are matched by city and neighbourhood and created when missing; cities must
    exist. Every changed field appends a StatusEvent with the importer as actor.
    """
    require(actor, Action.IMPORT_DATA)
    now = utcnow()
    today = today or now.date()
    try:
        raw, encoding = parse_status(data, fmt)
        rows = _check_rows(session, raw, today)
        cities = {c.name: c for c in session.scalars(select(City))}
        dialogues: dict[tuple[str, str], Dialogue] = {}
        stmt = select(Dialogue).options(
            selectinload(Dialogue.city),
            selectinload(Dialogue.records).selectinload(PhaseRecord.phase),
        )
        for dialogue in session.scalars(stmt.order_by(Dialogue.id)):
            dialogues.setdefault((dialogue.city.name, dialogue.neighbourhood or ""), dialogue)
        created = changed = 0
        for row in rows:
            key = (row.city, row.neighbourhood)
            dialogue = dialogues.get(key)
            if dialogue is None:
                dialogue = create_dialogue(
                    session, cities[row.city], neighbourhood=row.neighbourhood or None
                )
                dialogues[key] = dialogue
                created += 1
            dialogue.theme = row.theme or None
            dialogue.central_question = row.central_question or None
            dialogue.is_demo = row.is_demo
            record = next(r for r in dialogue.records if r.phase.name == row.phase)
            if apply_update(session, record, row.update, actor.label, now):
                changed += 1
        audit.record(
            session,
            actor,
            "import_status",
            fmt,
            f"rows={len(rows)} changed={changed} created={created} encoding={encoding}",
        )
        session.flush()
        session.commit()
        log_event("import", actor=actor.email, rows=len(rows), created=created, changed=changed)
        return ImportResult(len(rows), created, changed, encoding)
    except BaseException:
        session.rollback()
        raise


def describe(issue: TransferIssue, lang: str) -> str:
    """The translated problem of one issue (without its place)."""
    key = f"transfer.error.{issue.code}"
    if key not in i18n.catalog():
        key = f"validation.{issue.code}"
    return i18n.translate(key, lang, value=issue.value, field=issue.column)


def issue_lines(issues: Iterable[TransferIssue], lang: str = "en") -> list[str]:
    """One translated line per issue, naming table, row and column (for the CLI and the UI)."""
    lines = []
    for issue in issues:
        message = describe(issue, lang)
        if issue.row <= 0 and issue.column in {"-", "format", "tables", "rows"}:
            line = i18n.translate("transfer.issue_file", lang, message=message)
        else:
            line = i18n.translate(
                "transfer.issue_line", lang, row=issue.row, column=issue.column, message=message
            )
        lines.append(f"{issue.table}: {line}" if issue.table else line)
    return lines
