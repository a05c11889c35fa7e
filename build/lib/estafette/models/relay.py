"""The relay: cities, dialogues, phases, phase records, their histories and hand-overs."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from estafette.models.base import Base, utcnow


class Status(enum.StrEnum):
    """Status of one phase of one dialogue; values are the Dutch terms users know."""

    NIET_GESTART = "niet gestart"
    BEZIG = "bezig"
    AFGEROND = "afgerond"
    GEPAUZEERD = "gepauzeerd"


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
