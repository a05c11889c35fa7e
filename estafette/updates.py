"""Status updates of phase records: validation, optimistic concurrency and the history.

Every change appends one StatusEvent per changed field (see models.StatusEvent), in the same
transaction as the change itself, so the history and the record never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace

from sqlalchemy import false, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session, contains_eager, selectinload
from sqlalchemy.orm.exc import StaleDataError

from estafette import textfields
from estafette.accounts import Action, Actor, require
from estafette.logs import log_event
from estafette.models import (
    TRACKED_FIELDS,
    Dialogue,
    Phase,
    PhaseRecord,
    Status,
    StatusEvent,
    event_text,
    utcnow,
)
from estafette.phases import STATUSES

MAX_NOTE_LENGTH = 4000
OPEN_STATUSES = frozenset({Status.BEZIG.value, Status.GEPAUZEERD.value})
STARTED_STATUSES = frozenset({Status.BEZIG.value, Status.AFGEROND.value})


@dataclass(frozen=True)
class PhaseUpdate:
    """The values a person wants a phase record to have."""

    status: str
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    actual_start: dt.date | None = None
    actual_end: dt.date | None = None
    note: str = ""


@dataclass(frozen=True)
class RecordView:
    """A phase record as loaded into a form; ``version`` is the expected version on save."""

    id: int
    dialogue_id: int
    city_id: int
    city: str
    neighbourhood: str
    phase_code: str
    phase_name: str
    position: int
    status: str
    planned_start: dt.date | None
    planned_end: dt.date | None
    actual_start: dt.date | None
    actual_end: dt.date | None
    note: str
    version: int
    updated_at: dt.datetime
    updated_by: str


@dataclass(frozen=True)
class Issue:
    """One validation problem: the field and a translation key suffix (``validation.<code>``)."""

    field: str
    code: str


class ValidationFailed(Exception):
    """The update breaks a rule; nothing was written."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(", ".join(f"{i.field}: {i.code}" for i in issues))
        self.issues = issues


class PreviousPhaseOpen(Exception):
    """Starting this phase while the previous one is still open: ask whether to close it."""

    def __init__(self, previous: RecordView) -> None:
        super().__init__(f"previous phase {previous.phase_name} is still {previous.status}")
        self.previous = previous


@dataclass(frozen=True)
class Change:
    """One field someone else changed: who, when, from what to what."""

    at: dt.datetime
    actor: str
    phase_name: str
    field: str
    old_value: str | None
    new_value: str | None


class Conflict(Exception):
    """Someone saved the record after the form was loaded; nothing was overwritten."""

    def __init__(self, changes: list[Change], current: RecordView) -> None:
        super().__init__(f"record {current.id} changed by someone else ({len(changes)} changes)")
        self.changes = changes
        self.current = current


@dataclass(frozen=True)
class SaveResult:
    """What a successful save changed."""

    record: RecordView
    changed: tuple[str, ...]
    closed_previous: RecordView | None = None


# --- validation ---------------------------------------------------------------------------


def validate(update: PhaseUpdate, today: dt.date) -> list[Issue]:
    """All rule violations of ``update`` (empty when it may be saved)."""
    issues: list[Issue] = []
    if update.status not in STATUSES:
        issues.append(Issue("status", "status_unknown"))
    if update.planned_start and update.planned_end and update.planned_end < update.planned_start:
        issues.append(Issue("planned_end", "end_before_start"))
    if update.actual_start and update.actual_end and update.actual_end < update.actual_start:
        issues.append(Issue("actual_end", "end_before_start"))
    if update.actual_start and update.actual_start > today:
        issues.append(Issue("actual_start", "in_future"))
    if update.actual_end and update.actual_end > today:
        issues.append(Issue("actual_end", "in_future"))
    if update.actual_end and not update.actual_start:
        issues.append(Issue("actual_start", "end_without_start"))
    if update.status == Status.AFGEROND and not update.actual_end:
        issues.append(Issue("actual_end", "done_needs_end"))
    if update.status == Status.NIET_GESTART and update.actual_start:
        issues.append(Issue("status", "not_started_but_started"))
    if len(update.note) > MAX_NOTE_LENGTH:
        issues.append(Issue("note", "note_too_long"))
    if textfields.first_forbidden(textfields.normalise(update.note or "")) is not None:
        issues.append(Issue("note", "control_char"))
    return issues


# --- reading ------------------------------------------------------------------------------


def _view(record: PhaseRecord) -> RecordView:
    return RecordView(
        id=record.id,
        dialogue_id=record.dialogue_id,
        city_id=record.dialogue.city_id,
        city=record.dialogue.city.name,
        neighbourhood=record.dialogue.neighbourhood or "",
        phase_code=record.phase.code,
        phase_name=record.phase.name,
        position=record.phase.position,
        status=record.status,
        planned_start=record.planned_start,
        planned_end=record.planned_end,
        actual_start=record.actual_start,
        actual_end=record.actual_end,
        note=record.note or "",
        version=record.version,
        updated_at=record.updated_at,
        updated_by=record.updated_by,
    )


def _load(session: Session, record_id: int) -> PhaseRecord:
    stmt = (
        select(PhaseRecord)
        .where(PhaseRecord.id == record_id)
        .options(
            selectinload(PhaseRecord.phase),
            selectinload(PhaseRecord.dialogue).selectinload(Dialogue.city),
        )
        .execution_options(populate_existing=True)
    )
    record = session.scalar(stmt)
    if record is None:
        raise LookupError(f"phase record {record_id} does not exist")
    return record


def load_record(session: Session, record_id: int) -> RecordView:
    """A phase record as plain data, with the version a later save must expect."""
    return _view(_load(session, record_id))


def dialogue_records(session: Session, dialogue_id: int) -> list[RecordView]:
    """The five phase records of a dialogue, in phase order."""
    # One query (the form reads this fresh on every run), not one per relationship.
    stmt = (
        select(PhaseRecord)
        .join(PhaseRecord.phase)
        .join(PhaseRecord.dialogue)
        .join(Dialogue.city)
        .where(PhaseRecord.dialogue_id == dialogue_id)
        .options(
            contains_eager(PhaseRecord.phase),
            contains_eager(PhaseRecord.dialogue).contains_eager(Dialogue.city),
        )
        .order_by(Phase.position)
    )
    return [_view(r) for r in session.scalars(stmt)]


def changes_since(session: Session, record_id: int, since: dt.datetime) -> list[Change]:
    """StatusEvents of one record after ``since``, oldest first: what someone else changed."""
    stmt = (
        select(StatusEvent, Phase.name)
        .join(StatusEvent.record)
        .join(PhaseRecord.phase)
        .where(StatusEvent.phase_record_id == record_id, StatusEvent.at > since)
        .order_by(StatusEvent.at, StatusEvent.id)
    )
    return [
        Change(e.at, e.actor, name, e.field, e.old_value, e.new_value)
        for e, name in session.execute(stmt)
    ]


# --- writing ------------------------------------------------------------------------------


def apply_update(
    session: Session,
    record: PhaseRecord,
    update: PhaseUpdate,
    actor_label: str,
    now: dt.datetime,
) -> tuple[str, ...]:
    """Set the fields that differ and append one StatusEvent per changed field."""
    changed: list[str] = []
    for name in TRACKED_FIELDS:
        old = getattr(record, name)
        new = getattr(update, name)
        if name == "note":
            old, new = old or "", new or ""
        if old == new:
            continue
        setattr(record, name, new)
        changed.append(name)
        session.add(
            StatusEvent(
                record=record,
                at=now,
                actor=actor_label,
                field=name,
                old_value=event_text(old) if name != "note" else old,
                new_value=event_text(new) if name != "note" else new,
            )
        )
    if changed:
        record.updated_at = now
        record.updated_by = actor_label
    return tuple(changed)


def _previous(session: Session, record: PhaseRecord) -> PhaseRecord | None:
    stmt = (
        select(PhaseRecord)
        .join(PhaseRecord.phase)
        .where(
            PhaseRecord.dialogue_id == record.dialogue_id,
            Phase.position == record.phase.position - 1,
        )
    )
    previous = session.scalar(stmt)
    return _load(session, previous.id) if previous is not None else None


def _conflict(session: Session, expected: RecordView) -> Conflict:
    current = _load(session, expected.id)
    changes = changes_since(session, expected.id, expected.updated_at)
    if not changes:
        # Events are the normal source; a diff covers clocks that did not move forward.
        changes = [
            Change(
                current.updated_at,
                current.updated_by,
                current.phase.name,
                f.name,
                event_text(getattr(expected, f.name)),
                event_text(getattr(current, f.name)),
            )
            for f in fields(PhaseUpdate)
            if getattr(expected, f.name) != getattr(current, f.name)
        ]
    return Conflict(changes, _view(current))


def save_update(
    session: Session,
    actor: Actor,
    expected: RecordView,
    update: PhaseUpdate,
    *,
    close_previous: bool | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> SaveResult:
    """Validate and save ``update`` to the record loaded as ``expected``, all or nothing.

    A phase that starts now without an actual start date gets today as its start.
    Raises PermissionDenied, ValidationFailed, Conflict (someone saved since ``expected`` was
    loaded) or PreviousPhaseOpen (when ``close_previous`` is None and the previous phase is
    still open; call again with True to close it in the same transaction, False to keep it).
    Commits on success and rolls back on any failure.
    """
    now = now or utcnow()
    today = today or now.date()
    if session.in_transaction():
        # The form's version is in ``expected``; an open read transaction (from loading the
        # form) would pin an old snapshot, so the save starts a fresh one.
        session.commit()
    try:
        if session.get_bind().dialect.name == "sqlite":
            # Take SQLite's write lock before reading (as BEGIN IMMEDIATE would): a
            # transaction that read first cannot wait for another writer, one that writes
            # first waits its turn and then reads the winner's version.
            session.execute(
                sql_update(PhaseRecord).where(false()).values(version=PhaseRecord.version),
                execution_options={"synchronize_session": False},
            )
        record = _load(session, expected.id)
        require(actor, Action.EDIT_STATUS, city_id=record.dialogue.city_id)
        update = replace(update, note=textfields.normalise(update.note or "").strip())
        issues = validate(update, today)
        if issues:
            raise ValidationFailed(issues)
        if record.version != expected.version:
            raise _conflict(session, expected)

        closed: PhaseRecord | None = None
        starting = record.status == Status.NIET_GESTART and update.status in STARTED_STATUSES
        if starting and update.actual_start is None:
            # A phase started without a date starts today, so the timeline can place it.
            update = replace(update, actual_start=today)
        previous = _previous(session, record) if starting else None
        if previous is not None and previous.status in OPEN_STATUSES:
            if close_previous is None:
                raise PreviousPhaseOpen(_view(previous))
            if close_previous:
                end = update.actual_start or today
                closing = PhaseUpdate(
                    status=Status.AFGEROND.value,
                    planned_start=previous.planned_start,
                    planned_end=previous.planned_end,
                    actual_start=previous.actual_start or end,
                    actual_end=end,
                    note=previous.note or "",
                )
                problems = validate(closing, today)
                if problems:
                    raise ValidationFailed([Issue("previous", p.code) for p in problems])
                apply_update(session, previous, closing, actor.label, now)
                closed = previous

        changed = apply_update(session, record, update, actor.label, now)
        # The version check in the UPDATE statement catches a save that raced past the check
        # above (PostgreSQL re-evaluates the WHERE clause after the other transaction commits).
        session.flush()
        result = SaveResult(_view(record), changed, _view(closed) if closed is not None else None)
        session.commit()
        log_event(
            "status_saved", actor=actor.email or actor.label, record_id=record.id, fields=changed
        )
        return result
    except StaleDataError:
        session.rollback()
        raise _conflict(session, expected) from None
    except BaseException:
        session.rollback()
        raise
