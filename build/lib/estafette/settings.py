"""Configuration, read from the environment only when asked for (never at import time)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


# In a checkout the shipped data sits in data/; an installed wheel carries the same files as the
# package estafette_data (see pyproject.toml). ESTAFETTE_DATA_DIR overrides both.
IN_CHECKOUT = (PROJECT_ROOT / "data" / "seed").is_dir()
DATA_DIR = Path(
    os.environ.get("ESTAFETTE_DATA_DIR")
    or (PROJECT_ROOT / "data" if IN_CHECKOUT else PROJECT_ROOT / "estafette_data")
)
SEED_DIR = DATA_DIR / "seed"
# Installed (no checkout), the default database is estafette.db in the working folder.
DEFAULT_SQLITE_PATH = (
    PROJECT_ROOT / "data" / "estafette.db" if IN_CHECKOUT else Path("estafette.db")
)
DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_SQLITE_PATH}"
PDOK_TILES = (
    "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png"
)


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from exc


def _bool(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    return raw in {"1", "true", "yes", "ja", "on"}


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session may live: idle timeout and absolute maximum."""

    idle: dt.timedelta
    absolute: dt.timedelta

    @classmethod
    def of(cls, idle_minutes: int, max_hours: int) -> SessionPolicy:
        """A policy from the two settings."""
        return cls(dt.timedelta(minutes=idle_minutes), dt.timedelta(hours=max_hours))


@dataclass(frozen=True)
class Settings:
    """All tunables of Estafette; see the configuration table in the README."""

    database_url: str = DEFAULT_DATABASE_URL
    language: str = "nl"
    stale_days: int = 30
    tile_url: str = PDOK_TILES
    anonymous_read: bool = True
    session_idle_minutes: int = 60
    session_max_hours: int = 12

    @property
    def session_policy(self) -> SessionPolicy:
        """Idle timeout and absolute maximum of a sign-in session."""
        return SessionPolicy.of(self.session_idle_minutes, self.session_max_hours)

    # Retention (``python -m estafette privacy purge``): residents' quotes and ended sessions.
    quote_retention_days: int = 1095
    session_retention_days: int = 90
    # Where the app is reachable, for links in e-mails and calendar events.
    base_url: str = ""
    # Reminders by e-mail (python -m estafette notify): smtp[s]://user:password@host:port
    smtp_url: str = ""
    mail_from: str = "estafette@localhost"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Build settings from ``ESTAFETTE_*`` environment variables."""
        env = dict(os.environ if env is None else env)
        return cls(
            database_url=env.get("ESTAFETTE_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            language=env.get("ESTAFETTE_LANG", "").strip() or "nl",
            stale_days=_int(env, "ESTAFETTE_STALE_DAYS", 30),
            tile_url=env.get("ESTAFETTE_TILE_URL", "").strip() or PDOK_TILES,
            anonymous_read=_bool(env, "ESTAFETTE_ANONYMOUS_READ", True),
            session_idle_minutes=_int(env, "ESTAFETTE_SESSION_IDLE_MINUTES", 60),
            session_max_hours=_int(env, "ESTAFETTE_SESSION_MAX_HOURS", 12),
            quote_retention_days=_int(env, "ESTAFETTE_QUOTE_RETENTION_DAYS", 1095),
            session_retention_days=_int(env, "ESTAFETTE_SESSION_RETENTION_DAYS", 90),
            base_url=env.get("ESTAFETTE_BASE_URL", "").strip(),
            smtp_url=env.get("ESTAFETTE_SMTP_URL", "").strip(),
            mail_from=env.get("ESTAFETTE_MAIL_FROM", "").strip() or "estafette@localhost",
        )
