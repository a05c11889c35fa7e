"""Models of lessons learned and of the Leergang course material they end up in."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from estafette.models.base import Base, utcnow
from estafette.models.course import LeergangModule, LeergangTopic, Wish
from estafette.models.relay import City, Dialogue, Phase


class LessonStatus(enum.StrEnum):
    """Where a lesson is in the review workflow; values are the Dutch terms users know."""

    VOORGESTELD = "voorgesteld"
    GEACCEPTEERD = "geaccepteerd"
    OPGENOMEN = "opgenomen"
    AFGEWEZEN = "afgewezen"


class LessonScope(enum.StrEnum):
    """Whose lesson it is: a city (and maybe one of its dialogues) or the Leergang itself."""

    STAD = "stad"
    LEERGANG = "leergang"


lesson_wish = Table(
    "lesson_wish",
    Base.metadata,
    Column("lesson_id", ForeignKey("lesson.id", ondelete="CASCADE"), primary_key=True),
    Column("wish_id", ForeignKey("wish.id", ondelete="CASCADE"), primary_key=True),
)


class Lesson(Base):
    """A lesson learned, in the appreciative frame: what worked first, then what could change."""

    __tablename__ = "lesson"
    __table_args__ = (Index("ix_lesson_phase_id_id", "phase_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    situation: Mapped[str] = mapped_column(Text, default="")
    what_worked: Mapped[str] = mapped_column(Text, default="")
    would_repeat: Mapped[str] = mapped_column(Text, default="")
    would_change: Mapped[str] = mapped_column(Text, default="")
    recommendation: Mapped[str] = mapped_column(Text, default="")
    # Indexed with id (ix_lesson_phase_id_id): a search within one phase walks the newest
    # lessons of that phase instead of the newest lessons of every phase.
    phase_id: Mapped[int] = mapped_column(ForeignKey("phase.id"))
    scope: Mapped[str] = mapped_column(String(20), default=LessonScope.STAD.value)
    city_id: Mapped[int | None] = mapped_column(
        ForeignKey("city.id", ondelete="SET NULL"), index=True
    )
    dialogue_id: Mapped[int | None] = mapped_column(
        ForeignKey("dialogue.id", ondelete="SET NULL"), index=True
    )
    author: Mapped[str] = mapped_column(String(200), default="")
    author_email: Mapped[str] = mapped_column(String(254), default="")
    author_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    lesson_date: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(
        String(20), default=LessonStatus.VOORGESTELD.value, index=True
    )
    rejection_reason: Mapped[str | None] = mapped_column(Text)

    phase: Mapped[Phase] = relationship()
    city: Mapped[City | None] = relationship()
    dialogue: Mapped[Dialogue | None] = relationship()
    wishes: Mapped[list[Wish]] = relationship(secondary=lesson_wish, order_by="Wish.position")
    tags: Mapped[list[LessonTag]] = relationship(
        back_populates="lesson", cascade="all, delete-orphan", order_by="LessonTag.tag"
    )
    quotes: Mapped[list[LessonQuote]] = relationship(
        back_populates="lesson", cascade="all, delete-orphan", order_by="LessonQuote.id"
    )
    events: Mapped[list[LessonEvent]] = relationship(
        back_populates="lesson", cascade="all, delete-orphan", order_by="LessonEvent.id"
    )
    course_items: Mapped[list[CourseItem]] = relationship(
        back_populates="lesson", cascade="all, delete-orphan"
    )


class LessonTag(Base):
    """A free tag on a lesson."""

    __tablename__ = "lesson_tag"
    __table_args__ = (UniqueConstraint("lesson_id", "tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"))
    tag: Mapped[str] = mapped_column(String(60), index=True)

    lesson: Mapped[Lesson] = relationship(back_populates="tags")


class LessonQuote(Base):
    """A resident's quote; only quotes with recorded consent ever leave the lesson's page.

    Consent is recorded with who recorded it, when, and on what basis (CONSENT_BASES in
    lessons.py). Quotes are deleted after the retention period (``privacy purge``).
    """

    __tablename__ = "lesson_quote"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    consent: Mapped[bool] = mapped_column(default=False)
    consent_basis: Mapped[str] = mapped_column(String(40), default="")
    consent_recorded_by: Mapped[str] = mapped_column(String(200), default="")
    consent_recorded_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # When the quote was recorded: the start of its retention period (None: before 0005).
    created_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=utcnow)

    lesson: Mapped[Lesson] = relationship(back_populates="quotes")


class LessonEvent(Base):
    """Append-only history of a lesson: who moved it from which status to which, and why."""

    __tablename__ = "lesson_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")

    lesson: Mapped[Lesson] = relationship(back_populates="events")


class CourseVersion(Base):
    """A version of a module's course material; the newest one is the one trainers edit."""

    __tablename__ = "course_version"
    __table_args__ = (UniqueConstraint("module_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("leergang_module.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200), default="")

    module: Mapped[LeergangModule] = relationship()
    items: Mapped[list[CourseItem]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="CourseItem.position"
    )


class CourseItem(Base):
    """A lesson placed under a topic of a module, at a position, in one course version."""

    __tablename__ = "course_item"
    __table_args__ = (UniqueConstraint("course_version_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_version_id: Mapped[int] = mapped_column(
        ForeignKey("course_version.id", ondelete="CASCADE"), index=True
    )
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("leergang_topic.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)

    version: Mapped[CourseVersion] = relationship(back_populates="items")
    lesson: Mapped[Lesson] = relationship(back_populates="course_items")
    topic: Mapped[LeergangTopic] = relationship()
