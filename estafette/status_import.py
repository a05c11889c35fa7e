"""Importing the status table (CSV, XLSX or JSON): parsed and validated as a whole first.

Any bad row means nothing changes, and every problem names its row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    select,
)
from sqlalchemy.orm import Session, selectinload

from estafette import audit, spreadsheets, textfields, transfer
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
from estafette.transfer import (
    FALSE_WORDS,
    FILE_COLUMNS,
    FROM_HEADER,
    HEADERS,
    STATUS_FORMAT,
    TRUE_WORDS,
    ImportFailed,
    ImportResult,
    TransferIssue,
    load_json,
)
from estafette.updates import PhaseUpdate, apply_update, validate


def _parse_csv(data: bytes) -> tuple[list[tuple[int, dict[str, Any]]], str]:
    content, encoding = transfer.decode(data)
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
