"""Subcommands of issue 13: ``calendar`` (ICS feed), ``report`` and ``notify``."""

from __future__ import annotations

import argparse
import datetime as dt
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


def _date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {raw!r}") from None


def _report(args: argparse.Namespace, engine: Engine) -> int:
    from estafette import report  # matplotlib and reportlab load only when asked for

    out = Path(args.out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in report.FORMATS:
        return _fail(f"{out.name}: the report file must end in .docx or .pdf")
    settings = Settings.from_env()
    lang = args.lang or settings.language
    db.upgrade(engine)
    try:
        with Session(engine) as session:
            data = report.build(session, args.as_of, fmt, lang, args.since, settings.stale_days)
    except report.ReportError as exc:
        return _fail(i18n.translate(f"report.error.{exc.code}", lang))
    return _write(out, data)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the calendar, report and notify subcommands to the main parser."""
    cal = sub.add_parser("calendar", help="planned phase dates as an iCalendar (.ics) file")
    cal.add_argument("out", help="output file (.ics)")
    cal.add_argument("--city", help="only this city (default: all)")
    cal.set_defaults(handler=_calendar)
    rep = sub.add_parser("report", help="progress report for the steering group (.docx/.pdf)")
    rep.add_argument("out", help="output file (.docx or .pdf)")
    rep.add_argument("--as-of", type=_date, default=dt.date.today(), help="YYYY-MM-DD (today)")
    rep.add_argument("--since", type=_date, help="lessons accepted after this date (91 days)")
    rep.add_argument("--lang", choices=i18n.LANGUAGES, help="default: ESTAFETTE_LANG")
    rep.set_defaults(handler=_report)
