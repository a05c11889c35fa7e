"""The Leergang course outline and the kennismakingsworkshop it grew from."""

from __future__ import annotations

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from estafette.models.base import Base


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
