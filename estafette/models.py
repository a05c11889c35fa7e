"""SQLAlchemy 2.x typed models of the Estafette domain."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Naive UTC now: every timestamp is stored as naive UTC on both databases."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Declarative base with the project's constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Status(enum.StrEnum):
    """Status of one phase of one dialogue; values are the Dutch terms users know."""

    NIET_GESTART = "niet gestart"
    BEZIG = "bezig"
    AFGEROND = "afgerond"
    GEPAUZEERD = "gepauzeerd"


class Role(enum.StrEnum):
    """Roles of user accounts."""

    COORDINATOR = "coordinator"
    CITY_LEAD = "city_lead"
    TRAINER = "trainer"


class AppMeta(Base):
    """Key/value facts about the installation itself, such as the seed version."""

    __tablename__ = "app_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class City(Base):
    """A municipality that runs (or will run) a leg of the relay."""

    __tablename__ = "city"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    province: Mapped[str] = mapped_column(String(60))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    leg: Mapped[int] = mapped_column(Integer, unique=True)
    joined_on: Mapped[dt.date] = mapped_column(Date)
    # Archived cities leave the dashboards but keep their history and lessons (estafette.edits).
    archived_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    dialogues: Mapped[list[Dialogue]] = relationship(
        back_populates="city", order_by="Dialogue.id", cascade="all, delete-orphan"
    )


class Dialogue(Base):
    """A wijkdialoog in one neighbourhood of a city."""

    __tablename__ = "dialogue"

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"), index=True)
    neighbourhood: Mapped[str | None] = mapped_column(String(120))
    theme: Mapped[str | None] = mapped_column(String(200))
    central_question: Mapped[str | None] = mapped_column(Text)
    # None means "at the city's own coordinates".
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    archived_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    city: Mapped[City] = relationship(back_populates="dialogues")
    records: Mapped[list[PhaseRecord]] = relationship(
        back_populates="dialogue", cascade="all, delete-orphan"
    )

    @property
    def location(self) -> tuple[float, float]:
        """Where the dialogue takes place, falling back to its city's coordinates."""
        if self.latitude is not None and self.longitude is not None:
            return (self.latitude, self.longitude)
        return (self.city.latitude, self.city.longitude)


class Phase(Base):
    """One of the five phases of the appreciative dialogue approach."""

    __tablename__ = "phase"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    position: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text, default="")


class PhaseRecord(Base):
    """The state of one phase of one dialogue."""

    __tablename__ = "phase_record"
    __table_args__ = (UniqueConstraint("dialogue_id", "phase_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(
        ForeignKey("dialogue.id", ondelete="CASCADE"), index=True
    )
    phase_id: Mapped[int] = mapped_column(ForeignKey("phase.id"))
    status: Mapped[str] = mapped_column(String(20), default=Status.NIET_GESTART.value)
    planned_start: Mapped[dt.date | None] = mapped_column(Date)
    planned_end: Mapped[dt.date | None] = mapped_column(Date)
    actual_start: Mapped[dt.date | None] = mapped_column(Date)
    actual_end: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    dialogue: Mapped[Dialogue] = relationship(back_populates="records")
    phase: Mapped[Phase] = relationship()

    # SQLAlchemy bumps `version` on every UPDATE and refuses stale writes.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class StatusEvent(Base):
    """Append-only history: who changed which field of a phase record, when, from what to what.

    ``field`` is the PhaseRecord column name (status, planned_start, planned_end, actual_start,
    actual_end, note); values are the status text, ISO dates, or None for empty. Time travel
    replays these events, so every change to a PhaseRecord must append them.
    """

    __tablename__ = "status_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    phase_record_id: Mapped[int] = mapped_column(
        ForeignKey("phase_record.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)

    record: Mapped[PhaseRecord] = relationship()


class RelayEvent(Base):
    """Append-only history of edits to a city or a dialogue (fields, archive and restore).

    ``dialogue_id`` is None for a change to the city itself. ``field`` is the column name, or
    "archived" with new_value "ja"/"nee"; values are text, ISO dates or None for empty.
    """

    __tablename__ = "relay_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"), index=True)
    dialogue_id: Mapped[int | None] = mapped_column(
        ForeignKey("dialogue.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


# The PhaseRecord columns a StatusEvent can name in ``field``.
DATE_FIELDS: tuple[str, ...] = ("planned_start", "planned_end", "actual_start", "actual_end")
TRACKED_FIELDS: tuple[str, ...] = ("status", *DATE_FIELDS, "note")


def event_text(value: object) -> str | None:
    """A field value as StatusEvent stores it: ISO date, text, or None for empty."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


class LeergangModule(Base):
    """A module of the Leergang Wijkdialoog."""

    __tablename__ = "leergang_module"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)

    topics: Mapped[list[LeergangTopic]] = relationship(
        back_populates="module", order_by="LeergangTopic.position", cascade="all, delete-orphan"
    )


class LeergangTopic(Base):
    """A topic treated in a Leergang module."""

    __tablename__ = "leergang_topic"
    __table_args__ = (UniqueConstraint("module_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("leergang_module.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))

    module: Mapped[LeergangModule] = relationship(back_populates="topics")


class Wish(Base):
    """One of the five wishes of the kennismakingsworkshop; also the themes of lessons."""

    __tablename__ = "wish"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text)


class WorkshopTheme(Base):
    """A theme the workshop participants worked on (GRIJP JE KANS! and the others)."""

    __tablename__ = "workshop_theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text)


class WorkshopOutcome(Base):
    """A listed outcome of the workshop: an ideal-neighbourhood image, a first step or a quote."""

    __tablename__ = "workshop_outcome"
    __table_args__ = (UniqueConstraint("kind", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


user_city = Table(
    "user_city",
    Base.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("city_id", ForeignKey("city.id", ondelete="CASCADE"), primary_key=True),
)


class User(Base):
    """A local (or SSO-mapped) account."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # E-mail reminders (estafette.reminders): each person may turn them off; mails in ``language``.
    reminders: Mapped[bool] = mapped_column(default=True, server_default=true())
    language: Mapped[str] = mapped_column(String(5), default="nl", server_default="nl")

    cities: Mapped[list[City]] = relationship(secondary=user_city, order_by="City.leg")


class SentReminder(Base):
    """A reminder mail that went out: the same kind goes to a person once per period."""

    __tablename__ = "sent_reminder"
    __table_args__ = (UniqueConstraint("user_id", "kind", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    # The ISO week the reminder belongs to, such as "2026-W48".
    period: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class UserSession(Base):
    """A server-side sign-in: the browser holds the token, the database only its SHA-256 hash."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    # How the person came in: "local" (password) or "sso" (OIDC through st.login).
    method: Mapped[str] = mapped_column(String(16), default="local")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Set once the session is over; why it ended (logout, idle, expired, revoked, ...).
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    ended_reason: Mapped[str | None] = mapped_column(String(32))

    user: Mapped[User] = relationship()


class LoginThrottle(Base):
    """Failed sign-ins for an e-mail address that has no account.

    Unknown addresses are locked out exactly like real ones, so that the answer never tells
    whether an address exists. Only a SHA-256 hash of the address is kept.
    """

    __tablename__ = "login_throttle"

    email_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Handover(Base):
    """Passing the baton: a dialogue that reached Vervolgen hands over to the next city."""

    __tablename__ = "handover"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"))
    to_city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"))
    handed_over_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    checklist: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    recorded_by: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# Lesson tables live in their own module; importing it here registers them on Base.metadata
# wherever the models are used (at the end, because lesson_models imports from this module).
from estafette import audit, lesson_models  # noqa: E402, F401
