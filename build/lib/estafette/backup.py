"""The full JSON backup: every table exported as data, restored all-or-nothing.

A restore is validated as a whole before anything is written; the file names its format and
version, so a status table is never mistaken for a backup.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from estafette import audit, search, textfields, transfer
from estafette.accounts import Action, Actor, require
from estafette.logs import log_event
from estafette.models import (
    AppMeta,
    Base,
)
from estafette.transfer import (
    BACKUP_FORMAT,
    FORMAT_VERSION,
    VOLATILE_META,
    ImportFailed,
    TransferIssue,
)


def _tables() -> list[Table]:
    # The audit log is not part of the data a backup carries: a restore must not rewrite it.
    return [t for t in Base.metadata.sorted_tables if t.name != audit.AuditEntry.__tablename__]


def _dump_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    # Text stored before the control-character rule must still restore (see textfields).
    return transfer.exported(value)


def backup_document(session: Session) -> dict[str, Any]:
    """Every row of every table as JSON-ready data (ordered by primary key)."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in _tables():
        stmt = select(table).order_by(*table.primary_key.columns)
        if table.name == AppMeta.__tablename__:
            stmt = stmt.where(table.c.key.not_in(VOLATILE_META))
        tables[table.name] = [
            {k: _dump_value(v) for k, v in row._mapping.items()} for row in session.execute(stmt)
        ]
    return {"format": BACKUP_FORMAT, "version": FORMAT_VERSION, "tables": tables}


def export_backup(session: Session, actor: Actor) -> bytes:
    """The full backup as JSON bytes (coordinators only: it holds the account hashes)."""
    require(actor, Action.EXPORT_BACKUP)
    text_ = json.dumps(backup_document(session), ensure_ascii=False, indent=1, sort_keys=False)
    return (text_ + "\n").encode("utf-8")


def _load_value(column: Any, value: Any) -> tuple[Any, str | None]:
    """Convert a JSON value for ``column``; returns (value, error code or None)."""
    if value is None:
        return None, None
    kind = column.type
    if isinstance(kind, Boolean):
        return (value, None) if isinstance(value, bool) else (None, "not_a_boolean")
    if isinstance(kind, Integer):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return (value, None) if ok else (None, "not_a_number")
    if isinstance(kind, Float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return (float(value), None) if ok else (None, "not_a_number")
    if isinstance(kind, DateTime):
        try:
            return dt.datetime.fromisoformat(value), None
        except (TypeError, ValueError):
            return None, "not_a_datetime"
    if isinstance(kind, Date):
        try:
            return dt.date.fromisoformat(value), None
        except (TypeError, ValueError):
            return None, "not_a_date"
    if isinstance(kind, JSON):
        return value, None
    if isinstance(kind, String | Text):
        if not isinstance(value, str):
            return None, "not_text"
        if textfields.first_forbidden(value) is not None:
            return None, "control_char"
        length = getattr(kind, "length", None)
        return (value, None) if not length or len(value) <= length else (None, "too_long")
    return value, None


def _check_backup(document: Any) -> dict[str, list[dict[str, Any]]]:
    if not isinstance(document, dict) or document.get("format") != BACKUP_FORMAT:
        raise ImportFailed([TransferIssue(0, "format", "format_unknown")])
    raw_tables = document.get("tables")
    if not isinstance(raw_tables, dict):
        raise ImportFailed([TransferIssue(0, "tables", "format_unknown")])
    known = {t.name: t for t in _tables()}
    issues = [
        TransferIssue(0, "-", "table_unknown", name) for name in raw_tables if name not in known
    ]
    converted: dict[str, list[dict[str, Any]]] = {}
    keys: dict[tuple[str, str], set[Any]] = {}
    for table in _tables():
        unique_sets = _unique_column_sets(table)
        seen: dict[tuple[str, ...], dict[tuple[Any, ...], int]] = {u: {} for u in unique_sets}
        rows = raw_tables.get(table.name, [])
        if not isinstance(rows, list):
            issues.append(TransferIssue(0, "-", "format_unknown", table.name))
            continue
        out = []
        for number, item in enumerate(rows, start=1):
            if not isinstance(item, dict):
                issues.append(TransferIssue(number, "-", "not_an_object", table=table.name))
                continue
            for name in item:
                if name not in table.c:
                    issues.append(TransferIssue(number, name, "column_unknown", table=table.name))
            row: dict[str, Any] = {}
            for column in table.columns:
                value, error = _load_value(column, item.get(column.name))
                if error:
                    shown = str(item.get(column.name))[:40]
                    issues.append(TransferIssue(number, column.name, error, shown, table.name))
                    continue
                if value is None and not column.nullable:
                    issues.append(TransferIssue(number, column.name, "required", table=table.name))
                    continue
                for fk in column.foreign_keys:
                    target = (fk.column.table.name, fk.column.name)
                    if value is not None and value not in keys.get(target, set()):
                        code = "city_unknown" if target[0] == "city" else "reference_unknown"
                        issues.append(
                            TransferIssue(number, column.name, code, str(value), table.name)
                        )
                row[column.name] = value
            issues += _duplicates(table.name, number, row, seen)
            # Remember the values other tables may refer to (only keys are ever referred to).
            for column in table.columns:
                if column.primary_key or column.unique:
                    keys.setdefault((table.name, column.name), set()).add(row.get(column.name))
            out.append(row)
        converted[table.name] = out
    if issues:
        raise ImportFailed(issues)
    return converted


def _unique_column_sets(table: Table) -> list[tuple[str, ...]]:
    """The primary key and every unique column or constraint of ``table``, as column names."""
    sets = [tuple(c.name for c in table.primary_key.columns)]
    sets += [(c.name,) for c in table.columns if c.unique]
    sets += [
        tuple(c.name for c in constraint.columns)
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
    ]
    return list(dict.fromkeys(s for s in sets if s))


def _duplicates(
    table: str,
    number: int,
    row: dict[str, Any],
    seen: dict[tuple[str, ...], dict[tuple[Any, ...], int]],
) -> list[TransferIssue]:
    """A row whose key (or unique value) an earlier row of the same table already has."""
    issues = []
    for columns, values in seen.items():
        key = tuple(row.get(c) for c in columns)
        if any(v is None for v in key):
            continue  # NULLs never collide in a unique constraint
        if key in values:
            shown = ", ".join(f"{c}={v}" for c, v in zip(columns, key, strict=True))
            issues.append(
                TransferIssue(
                    number, ", ".join(columns), "duplicate_key", f"{shown}; {values[key]}", table
                )
            )
        else:
            values[key] = number
    return issues


def _is_empty(session: Session) -> bool:
    for table in _tables():
        stmt = select(func.count()).select_from(table)
        if table.name == AppMeta.__tablename__:
            stmt = stmt.where(table.c.key.not_in(VOLATILE_META))
        if session.scalar(stmt):
            return False
    return True


def import_backup(session: Session, actor: Actor, data: bytes, *, replace: bool = False) -> int:
    """Restore a full backup into an empty database (or replace everything), all or nothing.

    Returns the number of rows written. The database must already have the schema.
    """
    require(actor, Action.IMPORT_DATA)
    document = transfer.load_json(data)
    tables = _check_backup(document)
    try:
        if not _is_empty(session):
            if not replace:
                raise ImportFailed([TransferIssue(0, "-", "database_not_empty")])
            for table in reversed(_tables()):
                session.execute(delete(table))
        else:
            session.execute(delete(AppMeta.__table__))
        written = 0
        for table in _tables():
            rows = tables[table.name]
            if rows:
                try:
                    with session.begin_nested():
                        session.execute(insert(table), rows)
                except IntegrityError as exc:
                    # The checks above should catch every clash; name the table if one slips by.
                    detail = str(exc.orig).splitlines()[0][:120]
                    raise ImportFailed(
                        [TransferIssue(0, "-", "integrity", detail, table.name)]
                    ) from None
                written += len(rows)
        _reset_sequences(session)
        audit.record(session, actor, "restore", "", f"rows={written} replace={replace}")
        # The full-text index lives outside the tables above: rebuild it for the restored lessons.
        search.reindex_all(session)
        session.commit()
        log_event("restore", actor=actor.email, rows=written, replace=replace)
        return written
    except BaseException:
        session.rollback()
        raise


def _reset_sequences(session: Session) -> None:
    """PostgreSQL sequences must continue after the restored ids."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in _tables():
        if "id" in table.c and table.c.id.primary_key:
            session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence(:t, 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 1), "
                    f"(SELECT MAX(id) FROM {table.name}) IS NOT NULL)"
                ),
                {"t": table.name},
            )


def is_backup(data: bytes) -> bool:
    """Whether a JSON file is a full backup (rather than a status table)."""
    head = data[:200].decode("utf-8", errors="ignore")
    return f'"{BACKUP_FORMAT}"' in head
