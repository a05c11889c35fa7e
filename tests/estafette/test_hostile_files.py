"""Hostile and foreign files through every import and export, on SQLite and PostgreSQL.

Payload classes: formula prefixes, control characters, Dutch Excel CSV (BOM or Windows-1252,
``;``, ``d-m-yyyy``), an XLSX whose declared dimension is smaller than its data, and a backup
with duplicated keys. Round trips must be byte-identical where the file is accepted, and the
database unchanged (a full dump) where it is refused, with errors naming table/row/column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from estafette import (
    backup,
    handout,
    relay,
    spreadsheets,
    status_import,
    textfields,
    transfer,
    updates,
)
from estafette.accounts import SYSTEM
from estafette.history import apply_change
from estafette.models import City, Dialogue, PhaseRecord
from tests.factories import seeded_engine, snapshot

FORMULAS = (
    '=HYPERLINK("http://example.org","klik")',
    "+31 6 12345678",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "'=al met apostrof",
    "''+dubbel",
)
DANGER = ("=", "+", "-", "@")


def _backend(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def _records(session: Session) -> list[PhaseRecord]:
    stmt = (
        select(PhaseRecord)
        .join(PhaseRecord.dialogue)
        .join(Dialogue.city)
        .order_by(City.leg, PhaseRecord.id)
    )
    return list(session.scalars(stmt))


def with_payloads(engine: Engine, notes: tuple[str, ...] = FORMULAS) -> None:
    """Notes (and a theme) holding formula payloads, as stored data."""
    with Session(engine) as session:
        utrecht = session.scalar(select(City.id).where(City.name == "Utrecht"))
        relay.add_dialogue(
            session, SYSTEM, city_id=utrecht, neighbourhood="@Zuilen", theme="=1+1 thema"
        )
        for record, note in zip(_records(session), notes, strict=False):
            apply_change(session, record, dt.datetime(2024, 1, 1), "test", note=note)
        session.commit()


def _export(engine: Engine, fmt: str, dialect: str = "nl") -> bytes:
    with Session(engine) as session:
        return transfer.export_status(session, SYSTEM, fmt, dialect=dialect)


def _import(engine: Engine, data: bytes, fmt: str) -> transfer.ImportResult:
    with Session(engine) as session:
        return status_import.import_status(session, SYSTEM, data, fmt)


# --- formula injection ---------------------------------------------------------------------


@pytest.mark.parametrize("dialect", list(transfer.CSV_DIALECTS))
def test_csv_export_holds_no_formula_cell(engine: Engine, dialect: str) -> None:
    """Read back as a spreadsheet would (csv module), no cell starts with = + - @."""
    with_payloads(engine)
    data = _export(engine, "csv", dialect)
    delimiter = transfer.CSV_DIALECTS[dialect].delimiter
    text = data.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]
    assert not [c for c in cells if c[:1] in (*DANGER, "\t", "\r")]
    # The payloads are there, neutralised with one leading apostrophe.
    assert '\'=HYPERLINK("http://example.org","klik")' in cells
    assert "'\t=1+1" in cells and "'@Zuilen" in cells and "'=1+1 thema" in cells
    assert "''=al met apostrof" in cells and "'''+dubbel" in cells


def test_xlsx_export_holds_no_formula_cell(engine: Engine) -> None:
    with_payloads(engine)
    sheet = load_workbook(io.BytesIO(_export(engine, "xlsx"))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells)
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert not [v for v in texts if v[:1] in (*DANGER, "\t", "\r")]
    assert "'-2+3+cmd|' /C calc'!A0" in texts


@pytest.mark.parametrize(
    ("fmt", "dialect"), [("csv", "nl"), ("csv", "intl"), ("xlsx", "nl"), ("json", "nl")]
)
def test_formula_payloads_round_trip_byte_identical(
    db_url: str, make_db_url: Callable[[str], str], fmt: str, dialect: str
) -> None:
    source = seeded_engine(db_url)
    with_payloads(source)
    first = _export(source, fmt, dialect)
    target = seeded_engine(make_db_url(_backend(db_url)))
    _import(target, first, fmt)
    assert _export(target, fmt, dialect) == first
    # The import removed exactly the added apostrophe: the stored notes are the payloads.
    with Session(target) as session:
        notes = {r.note for r in session.scalars(select(PhaseRecord))}
    assert set(FORMULAS) <= notes
    source.dispose()
    target.dispose()


def test_neutralise_is_one_to_one() -> None:
    samples = ["", "'", "''", "=", "'=", "''=", "a", "'a", "-", "'-1", "@", "\t", "x=1", *FORMULAS]
    for value in samples:
        quoted = spreadsheets.neutralise(value)
        assert spreadsheets.restore(quoted) == value
        assert quoted[:1] not in DANGER
    assert len({spreadsheets.neutralise(v) for v in samples}) == len(set(samples))


# --- control characters --------------------------------------------------------------------


def test_stored_control_characters_never_break_an_export(engine: Engine) -> None:
    """Rows stored before the rule (written directly) still export in every format."""
    with_payloads(engine, ("bel\x07", "\x1b[31mrood", "stx\x02byte", "a\r\nb", "ok\x0c"))
    with Session(engine) as session:
        session.execute(update(Dialogue).values(theme="thema\x01"))
        session.commit()
    exports = {fmt: _export(engine, fmt) for fmt in transfer.FORMATS}
    with Session(engine) as session:
        exports["backup"] = backup.export_backup(session, SYSTEM)
        exports["docx"] = handout.export(session, SYSTEM, "training-1", "docx")
        exports["md"] = handout.export(session, SYSTEM, "training-1", "md")
    for name, data in exports.items():
        if name in {"csv", "json", "backup", "md"}:
            text = data.decode("utf-8-sig")
            # JSON escapes are text too: no \\u0001-style escapes of forbidden characters.
            decoded = json.loads(text) if name in {"json", "backup"} else text
            assert textfields.first_forbidden(json.dumps(decoded, ensure_ascii=False)) is None
    assert "rood" in exports["csv"].decode("utf-8-sig")
    # The cleaned exports import again, and give the same bytes.
    for fmt in transfer.FORMATS:
        _import(engine, exports[fmt], fmt)
        assert _export(engine, fmt) == exports[fmt], fmt


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("char", ["\x01", "\x1b", "\x00", "\x7f", "\x85"])
def test_import_refuses_control_characters(engine: Engine, fmt: str, char: str) -> None:
    data = _export(engine, fmt)
    if fmt == "csv":
        text = data.decode("utf-8-sig").replace("Deventer", f"Deven{char}ter", 1)
        data = text.encode("utf-8-sig")
        expected = (2 + next(i for i, r in enumerate(_rows(engine)) if r == "Deventer"), "stad")
    else:
        document = json.loads(data)
        document["rows"][2]["notitie"] = f"notitie {char} met stuurteken"
        data = json.dumps(document).encode()
        expected = (3, "notitie")
    before = snapshot(engine)
    with pytest.raises(transfer.ImportFailed) as info:
        _import(engine, data, fmt)
    assert snapshot(engine) == before
    issue = info.value.issues[0]
    assert (issue.row, issue.column, issue.code) == (*expected, "control_char")
    assert issue.value == f"U+{ord(char):04X}"
    line = transfer.issue_lines(info.value.issues, "nl")[0]
    assert f"Rij {expected[0]}, kolom {expected[1]}" in line and "stuurteken" in line


def _rows(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return [row["city"] for row in transfer.status_rows(session)]


def test_forms_refuse_control_characters(engine: Engine) -> None:
    before = snapshot(engine)
    with Session(engine) as session:
        record = _records(session)[0]
        view = updates.load_record(session, record.id)
        with pytest.raises(updates.ValidationFailed) as info:
            updates.save_update(
                session, SYSTEM, view, updates.PhaseUpdate(view.status, note="a\x1bb")
            )
        assert [(i.field, i.code) for i in info.value.issues] == [("note", "control_char")]
        utrecht = session.scalar(select(City.id).where(City.name == "Utrecht"))
        with pytest.raises(textfields.TextRejected) as rejected:
            relay.add_dialogue(session, SYSTEM, city_id=utrecht, neighbourhood="Zui\x01len")
        assert rejected.value.field == "neighbourhood"
        session.rollback()
    assert snapshot(engine) == before


# --- Dutch spreadsheets --------------------------------------------------------------------


def _dutch_dates(text: str, zero_pad: bool) -> str:
    def dutch(match: re.Match[str]) -> str:
        year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
        return f"{day:02d}-{month:02d}-{year}" if zero_pad else f"{day}-{month}-{year}"

    return re.sub(r"\b(\d{4})-(\d{2})-(\d{2})\b", dutch, text)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
@pytest.mark.parametrize("zero_pad", [False, True])
def test_dutch_excel_csv_imports(
    db_url: str, make_db_url: Callable[[str], str], encoding: str, zero_pad: bool
) -> None:
    """What Excel in Dutch settings saves: ';', BOM or Windows-1252, d-m-yyyy dates."""
    source = seeded_engine(db_url)
    with Session(source) as session:
        record = _records(session)[0]
        apply_change(
            session,
            record,
            dt.datetime(2024, 1, 1),
            "test",
            note="Café ‘De Wijk’ — één € 5",
            planned_start=dt.date(2018, 7, 3),
        )
        session.commit()
    original = _export(source, "csv")
    dutch = _dutch_dates(original.decode("utf-8-sig"), zero_pad)
    assert "3-07-2018" in dutch or "3-7-2018" in dutch
    data = dutch.encode(encoding)
    target = seeded_engine(make_db_url(_backend(db_url)))
    result = _import(target, data, "csv")
    assert result.encoding == ("Windows-1252" if encoding == "cp1252" else "UTF-8")
    assert _export(target, "csv") == original
    source.dispose()
    target.dispose()


def test_a_mixed_encoding_file_is_refused(engine: Engine) -> None:
    """UTF-8 with a stray Windows-1252 byte is not guessed at: refused, nothing written."""
    data = _export(engine, "csv").removeprefix(b"\xef\xbb\xbf")
    data = data.replace(b"Deventer", "Devénter".encode(), 1).replace(b"Utrecht", b"Utr\xe9cht", 1)
    before = snapshot(engine)
    with pytest.raises(transfer.ImportFailed) as info:
        _import(engine, data, "csv")
    assert info.value.issues[0].code == "encoding"
    assert snapshot(engine) == before


def _shrink_dimension(data: bytes, ref: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content, count = re.subn(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), content
                )
                assert count == 1
            target.writestr(info, content)
    return out.getvalue()


def test_xlsx_with_too_small_dimension_reads_every_row(
    db_url: str, make_db_url: Callable[[str], str]
) -> None:
    source = seeded_engine(db_url)
    with_payloads(source)
    full = _export(source, "xlsx")
    rows = len(_rows(source))
    lying = _shrink_dimension(full, "A1:C3")
    # openpyxl's read-only mode would see only the declared 3 rows and 3 columns.
    from openpyxl import load_workbook as load

    declared = load(io.BytesIO(lying), read_only=True).active
    assert len(list(declared.iter_rows(values_only=True))) == 3
    target = seeded_engine(make_db_url(_backend(db_url)))
    result = _import(target, lying, "xlsx")
    assert result.rows == rows
    assert _export(target, "xlsx") == full
    source.dispose()
    target.dispose()


# --- backups -------------------------------------------------------------------------------


def _backup(engine: Engine) -> dict:
    with Session(engine) as session:
        return json.loads(backup.export_backup(session, SYSTEM))


@pytest.mark.parametrize(
    ("table", "change", "column"),
    [
        ("city", lambda rows: rows.append(dict(rows[0])), "id"),
        ("city", lambda rows: rows.append({**rows[0], "id": 999, "leg": 999}), "name"),
        (
            "phase_record",
            lambda rows: rows.append({**rows[0], "id": 99_999}),
            "dialogue_id, phase_id",
        ),
        ("app_meta", lambda rows: rows.append(dict(rows[0])), "key"),
    ],
)
def test_backup_with_duplicated_key_is_refused(
    engine: Engine, make_db_url: Callable[[str], str], table: str, change, column: str
) -> None:
    document = _backup(engine)
    change(document["tables"][table])
    row = len(document["tables"][table])
    # Restoring over the same database (replace) and into an empty one: both refused.
    before = snapshot(engine)
    with Session(engine) as session, pytest.raises(transfer.ImportFailed) as info:
        backup.import_backup(session, SYSTEM, json.dumps(document).encode(), replace=True)
    assert snapshot(engine) == before
    found = [(i.table, i.row, i.column, i.code) for i in info.value.issues]
    assert (table, row, column, "duplicate_key") in found
    line = transfer.issue_lines(info.value.issues, "nl")[0]
    assert line.startswith(f"{table}: Rij {row}, kolom {column}") and "dubbele sleutel" in line


def test_backup_restore_refuses_control_characters(engine: Engine) -> None:
    document = _backup(engine)
    document["tables"]["dialogue"][0]["theme"] = "thema\x1b[0m"
    before = snapshot(engine)
    with Session(engine) as session, pytest.raises(transfer.ImportFailed) as info:
        backup.import_backup(session, SYSTEM, json.dumps(document).encode(), replace=True)
    assert snapshot(engine) == before
    issue = info.value.issues[0]
    assert (issue.table, issue.row, issue.column, issue.code) == (
        "dialogue",
        1,
        "theme",
        "control_char",
    )


def _stable(engine: Engine) -> dict[str, list[tuple]]:
    """A snapshot without the CLI's start-up stamp (app_meta last_start)."""
    rows = snapshot(engine)
    rows["app_meta"] = [r for r in rows["app_meta"] if "last_start" not in r[0]]
    return rows


def test_cli_reads_dutch_excel_and_refuses_control_characters(
    make_db_url: Callable[[str], str], tmp_path, capsys, monkeypatch
) -> None:
    from estafette import cli

    monkeypatch.setenv("ESTAFETTE_LANG", "nl")
    url = make_db_url("sqlite")
    engine = seeded_engine(url)
    with_payloads(engine, (*FORMULAS, "Café ‘De Wijk’ — één"))
    exported = tmp_path / "status.csv"
    assert cli.main(["--database-url", url, "export", str(exported)]) == 0
    original = exported.read_bytes()
    dutch = tmp_path / "excel.csv"
    dutch.write_bytes(_dutch_dates(original.decode("utf-8-sig"), False).encode("cp1252"))
    capsys.readouterr()
    assert cli.main(["--database-url", url, "import", str(dutch)]) == 0
    assert "(gelezen als Windows-1252)" in capsys.readouterr().out
    again = tmp_path / "again.csv"
    assert cli.main(["--database-url", url, "export", str(again)]) == 0
    assert again.read_bytes() == original
    intl = tmp_path / "intl.csv"
    assert cli.main(["--database-url", url, "export", "--dialect", "intl", str(intl)]) == 0
    assert intl.read_bytes().startswith(b"stad,wijk,")
    # A control character: refused in one line naming row and column; nothing changes.
    broken = tmp_path / "stuurteken.csv"
    broken.write_bytes(original.replace(b"Deventer", b"Deven\x1bter", 1))
    before = _stable(engine)
    assert cli.main(["--database-url", url, "import", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "niets geïmporteerd; Rij" in err and "kolom stad" in err and "U+001B" in err
    assert _stable(engine) == before
    # The same rule on the command line's own text input.
    add = ["--database-url", url, "user", "add", "--email", "a@example.nl", "--role", "trainer"]
    password = ["--password", "fietsbel onder de appelboom"]
    assert cli.main([*add, "--name", "Anna\x07", *password]) == 1
    assert "‘Naam’ bevat een onzichtbaar stuurteken (U+0007)" in capsys.readouterr().err
    assert _stable(engine) == before
    engine.dispose()


def test_import_export_page_survives_stored_control_characters(monkeypatch, sqlite_url) -> None:
    """The page builds every download on each render: one old note must not break it."""
    from tests.uihelpers import app_as, prepare

    actors = prepare(sqlite_url)
    engine = seeded_engine(sqlite_url)
    with_payloads(engine, ("\x1b[31m=rood\x01", "\t@bel\x07"))
    engine.dispose()
    at = app_as(monkeypatch, sqlite_url, actors["coordinator"], "pages/transfer.py")
    assert not at.exception, at.exception
    buttons = list(at.get("download_button"))
    assert len(buttons) == 4
    at.radio(key="estafette.transfer.dialect").set_value("intl").run()
    assert not at.exception
