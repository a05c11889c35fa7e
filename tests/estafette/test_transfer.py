"""Import/export: byte-identical round trips and all-or-nothing imports of corrupt files."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from estafette import backup, cli, db, relay, seed, status_import, textfields, transfer, updates
from estafette.accounts import SYSTEM, PermissionDenied
from estafette.models import City, Dialogue, Phase, PhaseRecord, StatusEvent
from tests.estafette.markdown_reader import shown
from tests.factories import anonymous, city_lead, seeded_engine, snapshot
from tests.hostile import LINK


def populate(engine: Engine) -> None:
    """Progress beyond the seed: demo dialogues, a new dialogue, notes with tricky text."""
    seed.add_demo(engine, today=dt.date(2026, 1, 15))
    with Session(engine) as session:
        utrecht = session.scalar(select(City.id).where(City.name == "Utrecht"))
        relay.add_dialogue(
            session, SYSTEM, city_id=utrecht, neighbourhood="Overvecht", theme="Samen; sterk"
        )
        session.commit()
        rid = session.scalar(
            select(PhaseRecord.id)
            .join(PhaseRecord.dialogue)
            .join(Dialogue.city)
            .join(PhaseRecord.phase)
            .where(City.name == "Deventer", Phase.code == "verkennen", Dialogue.is_demo.is_(False))
        )
        view = updates.load_record(session, rid)
        updates.save_update(
            session,
            SYSTEM,
            view,
            updates.PhaseUpdate(
                "bezig",
                planned_start=dt.date(2018, 7, 1),
                planned_end=dt.date(2019, 3, 1),
                actual_start=view.actual_start,
                note='Regel 1\n"quote"; puntkomma, komma — é ü =SOM(1)',
            ),
        )
        # Amsterdam reaches Vervolgen and passes the baton (a JSON checklist in the backup).
        final = session.scalar(
            select(PhaseRecord.id)
            .join(PhaseRecord.dialogue)
            .join(Dialogue.city)
            .join(PhaseRecord.phase)
            .where(City.name == "Amsterdam", Phase.code == "vervolgen", Dialogue.is_demo.is_(False))
        )
        view = updates.load_record(session, final)
        updates.save_update(
            session, SYSTEM, view, updates.PhaseUpdate("bezig", actual_start=dt.date(2025, 1, 6))
        )
        relay.record_handover(
            session,
            SYSTEM,
            from_dialogue_id=view.dialogue_id,
            to_city_id=utrecht,
            handed_over_on=dt.date(2025, 2, 1),
            note="Stokje naar Utrecht",
            checklist={"lessons_shared": True},
        )
        session.commit()


@pytest.mark.parametrize("fmt", transfer.FORMATS)
def test_round_trip_is_byte_identical(
    fmt: str, db_url: str, make_db_url: Callable[[str], str]
) -> None:
    source = seeded_engine(db_url)
    populate(source)
    with Session(source) as session:
        first = transfer.export_status(session, SYSTEM, fmt)
    backend = "postgresql" if db_url.startswith("postgresql") else "sqlite"
    target = seeded_engine(make_db_url(backend))
    with Session(target) as session:
        result = status_import.import_status(session, SYSTEM, first, fmt)
        assert result.dialogues_created == 4  # 3 demo dialogues and Overvecht
    with Session(target) as session:
        second = transfer.export_status(session, SYSTEM, fmt)
    assert second == first
    # Importing the same file again changes nothing and appends no history.
    with Session(target) as session:
        events = session.scalar(select(func.count()).select_from(StatusEvent))
        again = status_import.import_status(session, SYSTEM, first, fmt)
        assert (again.records_changed, again.dialogues_created) == (0, 0)
        assert session.scalar(select(func.count()).select_from(StatusEvent)) == events
    source.dispose()
    target.dispose()


def test_xlsx_keeps_formula_like_text_as_text(sqlite_url: str) -> None:
    engine = seeded_engine(sqlite_url)
    populate(engine)
    with Session(engine) as session:
        data = transfer.export_status(session, SYSTEM, "xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    column = transfer.STATUS_COLUMNS.index("note")
    notes = [row[column].value for row in sheet.iter_rows(min_row=2)]
    assert any(n and n.endswith("=SOM(1)") for n in notes)
    assert all(row[column].data_type != "f" for row in sheet.iter_rows(min_row=2))


def test_full_backup_moves_sqlite_to_postgresql(make_db_url: Callable[[str], str]) -> None:
    source_url = make_db_url("sqlite")
    target_url = make_db_url("postgresql")
    source = seeded_engine(source_url)
    populate(source)
    with Session(source) as session:
        from estafette import accounts

        accounts.bootstrap_coordinator(
            session, email="c@example.nl", password="zeilboot op de Vecht"
        )
        session.commit()
        dump = backup.export_backup(session, SYSTEM)
    target = db.make_engine(target_url)
    db.upgrade(target)
    with Session(target) as session:
        written = backup.import_backup(session, SYSTEM, dump)
    assert written > 50
    with Session(target) as session:
        assert backup.export_backup(session, SYSTEM) == dump
        assert relay.handovers(session)[0].checklist["lessons_shared"] is True
        # Sequences continue after restored ids: a new dialogue gets a fresh id.
        utrecht = session.scalar(select(City.id).where(City.name == "Utrecht"))
        new = relay.add_dialogue(session, SYSTEM, city_id=utrecht, neighbourhood="Zuilen")
        session.commit()
        assert new.id > max(d["id"] for d in json.loads(dump)["tables"]["dialogue"])
    # A non-empty database refuses a restore unless told to replace everything.
    with Session(target) as session, pytest.raises(transfer.ImportFailed) as info:
        backup.import_backup(session, SYSTEM, dump)
    assert info.value.issues[0].code == "database_not_empty"
    with Session(target) as session:
        backup.import_backup(session, SYSTEM, dump, replace=True)
        assert backup.export_backup(session, SYSTEM) == dump


def test_cli_backup_and_restore(make_db_url, tmp_path, capsys) -> None:
    source_url, target_url = make_db_url("sqlite"), make_db_url("postgresql")
    populate(seeded_engine(source_url))
    backup_file, again = tmp_path / "backup.json", tmp_path / "again.json"
    assert cli.main(["--database-url", source_url, "export", "--all", str(backup_file)]) == 0
    assert cli.main(["--database-url", target_url, "import", str(backup_file)]) == 0
    assert cli.main(["--database-url", target_url, "export", "--all", str(again)]) == 0
    assert backup_file.read_bytes() == again.read_bytes()
    nowhere = tmp_path / "missing" / "out.json"
    assert cli.main(["--database-url", source_url, "export", "--all", str(nowhere)]) == 1
    assert "niet schrijven" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"city;phase\n")
    assert cli.main(["--database-url", target_url, "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "niets geïmporteerd" in err


# --- atomic failures -----------------------------------------------------------------------


def _exported(engine: Engine, fmt: str) -> bytes:
    with Session(engine) as session:
        return transfer.export_status(session, SYSTEM, fmt)


def _csv_replace(data: bytes, old: str, new: str, count: int = 1) -> bytes:
    return data.decode("utf-8-sig").replace(old, new, count).encode("utf-8-sig")


def _xlsx_set(data: bytes, row: int, column: str, value: object) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    index = transfer.STATUS_COLUMNS.index(column) + 1
    sheet.cell(row=row, column=index, value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_latin1(data: bytes) -> bytes:
    """The same spreadsheet with its text part saved as Latin-1 instead of UTF-8."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/") and b"Deventer" in content:
                content = content.decode("utf-8").replace("Deventer", "Devénter").encode("latin-1")
            target.writestr(info, content)
    return out.getvalue()


def _json_set(data: bytes, row: int, column: str, value: object) -> bytes:
    document = json.loads(data)
    document["rows"][row - 1][column] = value
    return json.dumps(document).encode("utf-8")


def _corrupt(fmt: str, data: bytes, kind: str) -> tuple[bytes, tuple[int, str, str]]:
    """A damaged copy of an export, and the (row, column, code) the import must report."""
    if kind == "wrong_type":
        if fmt == "csv":
            lines = data.decode("utf-8-sig").split("\r\n")
            cells = lines[3].split(";")
            cells[transfer.STATUS_COLUMNS.index("planned_start")] = "volgende week"
            lines[3] = ";".join(cells)
            return "\r\n".join(lines).encode("utf-8-sig"), (4, "geplande_start", "not_a_date")
        if fmt == "xlsx":
            return _xlsx_set(data, 4, "planned_start", 12.5), (4, "geplande_start", "not_a_date")
        return _json_set(data, 3, "demo", "misschien"), (3, "demo", "not_a_boolean")
    if kind == "unknown_city":
        if fmt == "csv":
            lines = data.decode("utf-8-sig").split("\r\n")
            lines[6] = "Atlantis" + lines[6][lines[6].index(";") :]
            return "\r\n".join(lines).encode("utf-8-sig"), (7, "stad", "city_unknown")
        if fmt == "xlsx":
            return _xlsx_set(data, 7, "city", "Atlantis"), (7, "stad", "city_unknown")
        return _json_set(data, 6, "stad", "Atlantis"), (6, "stad", "city_unknown")
    if kind == "encoding":
        if fmt == "xlsx":
            return _xlsx_latin1(data), (0, "-", "encoding")
        broken = data.replace(b"Deventer", "Dev\xe9nter".encode("latin-1"), 1)
        line = broken[: broken.index(b"\xe9")].count(b"\n") + 1
        return broken, (line, "-", "encoding")
    # truncated
    cut = data[: len(data) * 2 // 3]
    if fmt == "csv":
        # Cut off in the middle of the tenth data row, as an interrupted download would.
        lines = data.decode("utf-8-sig").split("\r\n")
        text = "\r\n".join([*lines[:10], lines[10][:12]])
        return text.encode("utf-8-sig"), (11, "", "column_count")
    if fmt == "xlsx":
        return cut, (0, "-", "xlsx_invalid")
    return cut, (-1, "", "truncated")


@pytest.mark.parametrize("kind", ["wrong_type", "unknown_city", "encoding", "truncated"])
@pytest.mark.parametrize("fmt", transfer.FORMATS)
def test_corrupt_file_changes_nothing(engine: Engine, fmt: str, kind: str) -> None:
    populate(engine)
    good = _exported(engine, fmt)
    # Make the file differ from the database, so a partial import would be visible.
    if fmt == "json":
        good = good.replace(b'"notitie": ""', b'"notitie": "gewijzigd"')
    elif fmt == "csv":
        good = _csv_replace(good, ";;;;;;niet gestart\r\n", ";;;;;gewijzigd;niet gestart\r\n", 5)
    else:
        good = _xlsx_set(good, 3, "note", "gewijzigd")
    damaged, (row, column, code) = _corrupt(fmt, good, kind)
    before = snapshot(engine)
    with Session(engine) as session, pytest.raises(transfer.ImportFailed) as info:
        status_import.import_status(session, SYSTEM, damaged, fmt)
    assert snapshot(engine) == before
    issue = info.value.issues[0]
    assert issue.code == code, info.value.issues
    if row >= 0:
        assert issue.row == row
    if column:
        assert issue.column == column
    # Every issue reads as a Dutch sentence naming its place.
    lines = transfer.issue_lines(info.value.issues, "nl")
    assert lines and all(("Rij" in line or "Bestand" in line) for line in lines)


def test_all_errors_are_listed_with_row_and_column(engine: Engine) -> None:
    data = _exported(engine, "json")
    document = json.loads(data)
    document["rows"][0]["status"] = "klaar"
    document["rows"][1]["werkelijke_start"] = "2999-01-01"
    document["rows"][2]["fase"] = "Verdwalen"
    document["rows"][3]["geplande_start"] = "2020-05-01"
    document["rows"][3]["gepland_einde"] = "2020-04-01"
    with Session(engine) as session, pytest.raises(transfer.ImportFailed) as info:
        status_import.import_status(session, SYSTEM, json.dumps(document).encode(), "json")
    found = {(i.row, i.column, i.code) for i in info.value.issues}
    assert found == {
        (1, "status", "status_unknown"),
        (2, "werkelijke_start", "in_future"),
        (2, "status", "not_started_but_started"),
        (3, "fase", "phase_unknown"),
        (4, "gepland_einde", "end_before_start"),
    }


def test_import_needs_a_coordinator_and_export_a_signed_in_user(engine: Engine) -> None:
    data = _exported(engine, "csv")
    lead = city_lead(email="l@x.nl", user_id=9, city_ids=frozenset({1}))
    with Session(engine) as session:
        with pytest.raises(PermissionDenied):
            status_import.import_status(session, lead, data, "csv")
        with pytest.raises(PermissionDenied):
            transfer.export_status(session, anonymous(), "csv")
        with pytest.raises(PermissionDenied):
            backup.export_backup(session, lead)
        assert transfer.export_status(session, lead, "csv") == data


def test_backup_with_unknown_city_reference_is_refused(make_db_url) -> None:
    source = seeded_engine(make_db_url("sqlite"))
    with Session(source) as session:
        document = json.loads(backup.export_backup(session, SYSTEM))
    document["tables"]["dialogue"][1]["city_id"] = 999
    document["tables"]["city"][0]["latitude"] = "noord"
    target = db.make_engine(make_db_url("sqlite"))
    db.upgrade(target)
    before = snapshot(target)
    with Session(target) as session, pytest.raises(transfer.ImportFailed) as info:
        backup.import_backup(session, SYSTEM, json.dumps(document).encode())
    found = {(i.table, i.row, i.column, i.code) for i in info.value.issues}
    assert ("dialogue", 2, "city_id", "city_unknown") in found
    assert ("city", 1, "latitude", "not_a_number") in found
    assert snapshot(target) == before


@pytest.mark.parametrize("fmt", transfer.FORMATS)
def test_every_cut_is_refused(sqlite_url: str, fmt: str) -> None:
    """Cutting a file off anywhere (as an interrupted download does) never imports anything."""
    engine = seeded_engine(sqlite_url)
    populate(engine)
    data = _exported(engine, fmt)
    before = snapshot(engine)
    line_ends = {i + 1 for i in range(len(data)) if data[i : i + 1] == b"\n"}
    for cut in range(1, len(data), max(1, len(data) // 60)):
        if fmt == "csv" and (cut in line_ends or data[cut - 1 : cut] == b"\r"):
            continue  # a CSV cut exactly between rows is a shorter, valid file
        with Session(engine) as session, pytest.raises(transfer.ImportFailed) as info:
            status_import.import_status(session, SYSTEM, data[:cut], fmt)
        assert info.value.issues[0].code in {
            "truncated",
            "column_count",
            "phases_missing",
            "xlsx_invalid",
            "column_missing",
            "empty",
            "status_unknown",
        }, (cut, info.value.issues)
    assert snapshot(engine) == before


def test_save_file_leaves_nothing_behind(tmp_path) -> None:
    target = tmp_path / "out.json"
    transfer.save_file(target, b"{}")
    assert target.read_bytes() == b"{}"
    transfer.save_file(target, b"[]")
    assert target.read_bytes() == b"[]"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
    with pytest.raises(OSError):
        transfer.save_file(tmp_path / "missing" / "out.json", b"{}")
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_issue_lines_escape_the_files_own_text_when_asked() -> None:
    # The page shows the lines as Markdown: a cell or column name from the file stays text.
    issue = transfer.TransferIssue(3, LINK, "not_a_date", LINK)
    plain = transfer.issue_lines([issue], "nl")[0]
    assert plain == f"Rij 3, kolom {LINK}: geen datum (JJJJ-MM-DD of D-M-JJJJ): ‘{LINK}’"
    escaped = transfer.issue_lines([issue], "nl", escape=textfields.markdown_literal)[0]
    assert shown(escaped) == plain
