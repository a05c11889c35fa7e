"""Accounts, their cities, sign-in sessions, throttles and sent reminders."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from estafette.models.base import Base, utcnow
from estafette.models.relay import City


class Role(enum.StrEnum):
    """Roles of user accounts."""

    COORDINATOR = "coordinator"
    CITY_LEAD = "city_lead"
    TRAINER = "trainer"


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
