"""Personal data (AVG/GDPR): forget a person, export a person's data, purge after retention.

Where personal data lives is listed in PRIVACY.md. Histories store people as text labels
(their name, or their e-mail address when they have no name), not as account ids, so
``forget`` replaces those labels everywhere with a pseudonym, keeps the lessons and histories,
and deletes the account with its sessions and sign-in throttle.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, String, Text, delete, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from estafette import audit
from estafette.accounts import Action, Actor, normalise_email, require
from estafette.errors import DomainError
from estafette.models import (
    Base,
    Handover,
    Lesson,
    LessonEvent,
    LessonQuote,
    LoginThrottle,
    PhaseRecord,
    StatusEvent,
    User,
    UserSession,
    utcnow,
)
from estafette.signin import email_hash

PSEUDONYM_PREFIX = "Oud-deelnemer"
# Published quotes (the workshop report) are not kept on anyone's consent: no retention.
RETAINED_BASES = ("gepubliceerd",)


class PrivacyError(DomainError, ValueError):
    """A privacy request that cannot be carried out; ``code`` picks the translated text."""

    prefix = "privacy.error"


def _identifiers(email: str, user: User | None) -> list[str]:
    """Every way histories and texts may name this person, longest first."""
    names = {normalise_email(email)}
    if user is not None:
        names.add(user.email)
        if user.name.strip():
            names.add(user.name.strip())
    return sorted((n for n in names if len(n) >= 2), key=len, reverse=True)


def _replace(text: str, identifiers: list[str], pseudonym: str) -> str:
    for ident in identifiers:
        text = re.sub(rf"(?<!\w){re.escape(ident)}(?!\w)", pseudonym, text, flags=re.IGNORECASE)
    return text


@dataclass
class ForgetReport:
    """What ``forget`` changed: rows per table and column, and the pseudonym used."""

    pseudonym: str
    account_deleted: bool = False
    changed: dict[str, int] = field(default_factory=dict)

    def add(self, where: str, count: int) -> None:
        """Count ``count`` changed rows under ``where`` (table.column or table)."""
        if count:
            self.changed[where] = self.changed.get(where, 0) + count

    def lines(self) -> list[str]:
        """One line per table.column, for the CLI and the Beheer page."""
        return [f"{where}: {count}" for where, count in sorted(self.changed.items())]


def forget(session: Session, actor: Actor, email: str) -> ForgetReport:
    """Erase a person: delete their account, sessions and throttle; pseudonymise the rest.

    Lessons and histories stay, under a pseudonym. Every text column of every table is
    searched for their e-mail address and name (as whole words), so notes and lesson texts
    that mention them are covered too. Coordinators only; the caller commits.
    """
    require(actor, Action.MANAGE_PRIVACY)
    address = normalise_email(email)
    if not address:
        raise PrivacyError("email_required")
    user = session.scalar(
        select(User).where(User.email == address).options(selectinload(User.cities))
    )
    if user is not None and actor.user_id == user.id:
        raise PrivacyError("self_forget")
    identifiers = _identifiers(address, user)
    if user is None and not _mentioned(session, identifiers):
        raise PrivacyError("unknown_person", email=address)
    pseudonym = f"{PSEUDONYM_PREFIX} {secrets.token_hex(3)}"
    report = ForgetReport(pseudonym)
    if user is not None:
        report.add(
            "user_session",
            session.execute(delete(UserSession).where(UserSession.user_id == user.id)).rowcount,
        )
        report.add(
            "lesson.author_user_id",
            session.execute(
                update(Lesson).where(Lesson.author_user_id == user.id).values(author_user_id=None)
            ).rowcount,
        )
        user.cities = []
        session.delete(user)
        session.flush()
        report.account_deleted = True
        report.add("user_account", 1)
    report.add(
        "login_throttle",
        session.execute(
            delete(LoginThrottle).where(LoginThrottle.email_hash == email_hash(address))
        ).rowcount,
    )
    report.add(
        "lesson.author_email",
        session.execute(
            update(Lesson).where(func.lower(Lesson.author_email) == address).values(author_email="")
        ).rowcount,
    )
    _scrub_texts(session, identifiers, pseudonym, report)
    _reindex_lessons(session)
    audit.record(session, actor, "privacy_forget", pseudonym, "; ".join(report.lines()))
    session.flush()
    return report


def _text_columns() -> list[tuple[Any, Any]]:
    return [
        (table, column)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, String | Text)
        and not column.primary_key
        and column.name not in {"password_hash", "token_hash", "email_hash"}
    ]


def _mentioned(session: Session, identifiers: list[str]) -> bool:
    for table, column in _text_columns():
        hits = [func.lower(column).contains(i.lower(), autoescape=True) for i in identifiers]
        if session.scalar(select(func.count()).select_from(table).where(or_(*hits))):
            return True
    return False


def _scrub_texts(
    session: Session, identifiers: list[str], pseudonym: str, report: ForgetReport
) -> None:
    """Replace the person's e-mail and name in every text column of every table."""
    session.flush()
    for table, column in _text_columns():
        keys = list(table.primary_key.columns)
        hits = [func.lower(column).contains(i.lower(), autoescape=True) for i in identifiers]
        rows = session.execute(select(*keys, column).where(or_(*hits))).all()
        count = 0
        for row in rows:
            old = row[-1]
            new = _replace(old, identifiers, pseudonym)
            if new == old:
                continue
            where = [k == v for k, v in zip(keys, row[:-1], strict=True)]
            values: dict[str, Any] = {column.name: new}
            if table.name == PhaseRecord.__tablename__:
                # The ORM's optimistic lock: a scrub is a change like any other.
                values["version"] = table.c.version + 1
            session.execute(update(table).where(*where).values(values))
            count += 1
        report.add(f"{table.name}.{column.name}", count)
    # ORM objects loaded earlier must not write old labels back.
    session.expire_all()


def _reindex_lessons(session: Session) -> None:
    """The SQLite full-text index stores lesson text too: rebuild it for every lesson."""
    from estafette.search import index_lesson

    if session.get_bind().dialect.name != "sqlite":
        return
    for lesson in session.scalars(select(Lesson)):
        index_lesson(session, lesson)


# --- right of access -----------------------------------------------------------------------


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def export_person(session: Session, actor: Actor, email: str) -> dict[str, Any]:
    """Everything stored about a person, as JSON-ready data (coordinators only)."""
    require(actor, Action.MANAGE_PRIVACY)
    address = normalise_email(email)
    user = session.scalar(
        select(User).where(User.email == address).options(selectinload(User.cities))
    )
    identifiers = _identifiers(address, user)
    if user is None and not _mentioned(session, identifiers):
        raise PrivacyError("unknown_person", email=address)
    labels = [i for i in identifiers]
    document: dict[str, Any] = {"format": "estafette-person", "email": address, "account": None}
    if user is not None:
        document["account"] = {
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "active": user.active,
            "cities": [c.name for c in user.cities],
            "created_at": _iso(user.created_at),
            "locked_until": _iso(user.locked_until),
            "has_password": user.password_hash is not None,
        }
        document["sessions"] = [
            {
                "method": s.method,
                "user_agent": s.user_agent,
                "created_at": _iso(s.created_at),
                "last_seen_at": _iso(s.last_seen_at),
                "ended_at": _iso(s.ended_at),
                "ended_reason": s.ended_reason,
            }
            for s in session.scalars(
                select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
            )
        ]
    mine = or_(
        func.lower(Lesson.author_email) == address,
        Lesson.author.in_(labels),
        *([Lesson.author_user_id == user.id] if user is not None else []),
    )
    document["lessons"] = [
        {
            "id": lesson.id,
            "title": lesson.title,
            "status": lesson.status,
            "lesson_date": _iso(lesson.lesson_date),
            "created_at": _iso(lesson.created_at),
            "quotes": [
                {"text": q.text, "consent": q.consent, "basis": q.consent_basis}
                for q in lesson.quotes
            ],
        }
        for lesson in session.scalars(select(Lesson).where(mine).order_by(Lesson.id))
    ]
    document["status_changes"] = [
        {"at": _iso(e.at), "field": e.field, "old": e.old_value, "new": e.new_value}
        for e in session.scalars(
            select(StatusEvent).where(StatusEvent.actor.in_(labels)).order_by(StatusEvent.id)
        )
    ]
    document["lesson_reviews"] = [
        {"at": _iso(e.at), "lesson_id": e.lesson_id, "to": e.to_status, "reason": e.reason}
        for e in session.scalars(
            select(LessonEvent).where(LessonEvent.actor.in_(labels)).order_by(LessonEvent.id)
        )
    ]
    document["handovers_recorded"] = [
        {"id": h.id, "handed_over_on": _iso(h.handed_over_on), "note": h.note}
        for h in session.scalars(
            select(Handover).where(Handover.recorded_by.in_(labels)).order_by(Handover.id)
        )
    ]
    document["audit_log"] = [
        {"at": _iso(e.at), "actor": e.actor, "action": e.action, "target": e.target}
        for e in session.scalars(
            select(audit.AuditEntry)
            .where(or_(audit.AuditEntry.actor.in_(labels), audit.AuditEntry.target == address))
            .order_by(audit.AuditEntry.id)
        )
    ]
    audit.record(session, actor, "privacy_export", address)
    return document


# --- retention -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeReport:
    """What ``purge`` deleted (or, in a dry run, would delete)."""

    quotes: int
    sessions: int
    throttles: int
    dry_run: bool


def purge(
    engine: Engine,
    actor: Actor,
    *,
    quote_days: int,
    session_days: int,
    dry_run: bool = False,
    now: dt.datetime | None = None,
) -> PurgeReport:
    """Delete quotes and ended sessions older than their retention period, in one transaction.

    Quotes count from when they were recorded (their lesson's creation for quotes recorded
    before consent was tracked); published quotes are kept. Sessions count from their end,
    throttles of unknown addresses from their last failure. A dry run changes nothing.
    """
    require(actor, Action.MANAGE_PRIVACY)
    if quote_days < 1 or session_days < 1:
        raise PrivacyError("retention_invalid")
    now = now or utcnow()
    quote_cutoff = now - dt.timedelta(days=quote_days)
    session_cutoff = now - dt.timedelta(days=session_days)
    with Session(engine) as session:
        recorded = func.coalesce(
            LessonQuote.created_at,
            select(Lesson.created_at).where(Lesson.id == LessonQuote.lesson_id).scalar_subquery(),
        )
        old_quotes = select(LessonQuote.id).where(
            recorded < quote_cutoff, LessonQuote.consent_basis.not_in(RETAINED_BASES)
        )
        quote_ids = list(session.scalars(old_quotes))
        old_sessions = select(UserSession.id).where(
            UserSession.ended_at.is_not(None), UserSession.ended_at < session_cutoff
        )
        session_ids = list(session.scalars(old_sessions))
        old_throttles = select(LoginThrottle.email_hash).where(
            LoginThrottle.updated_at < session_cutoff,
            or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now),
        )
        throttle_keys = list(session.scalars(old_throttles))
        report = PurgeReport(len(quote_ids), len(session_ids), len(throttle_keys), dry_run)
        if dry_run:
            return report
        session.execute(delete(LessonQuote).where(LessonQuote.id.in_(quote_ids)))
        session.execute(delete(UserSession).where(UserSession.id.in_(session_ids)))
        session.execute(delete(LoginThrottle).where(LoginThrottle.email_hash.in_(throttle_keys)))
        audit.record(
            session,
            actor,
            "privacy_purge",
            "",
            f"quotes={report.quotes} sessions={report.sessions} throttles={report.throttles}",
        )
        session.commit()
    return report
