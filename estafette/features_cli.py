"""Subcommands of issue 13: ``calendar`` (ICS feed), ``report`` and ``notify``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from estafette import calendar_feed, db, i18n, transfer
from estafette.settings import Settings


def _fail(message: str) -> int:
    print(f"estafette: {message}", file=sys.stderr)
    return 1


def _write(out: Path, data: bytes) -> int:
    try:
        transfer.save_file(out, data)
    except OSError as exc:
        return _fail(f"cannot write {out}: {exc.strerror or exc}")
    print(f"wrote {out} ({len(data)} bytes)")
    return 0


def _calendar(args: argparse.Namespace, engine: Engine) -> int:
    out = Path(args.out)
    if out.suffix.lower() != ".ics":
        return _fail(f"{out.name}: the calendar file must end in .ics")
    settings = Settings.from_env()
    db.upgrade(engine)
    try:
        with Session(engine) as session:
            data = calendar_feed.build(session, args.city, settings.language, settings.base_url)
    except calendar_feed.CalendarError as exc:
        return _fail(
            i18n.translate(f"calendar.error.{exc.code}", settings.language, detail=exc.detail)
        )
    return _write(out, data)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the calendar, report and notify subcommands to the main parser."""
    cal = sub.add_parser("calendar", help="planned phase dates as an iCalendar (.ics) file")
    cal.add_argument("out", help="output file (.ics)")
    cal.add_argument("--city", help="only this city (default: all)")
    cal.set_defaults(handler=_calendar)
