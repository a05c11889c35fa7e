"""Subcommands of issue 13: ``calendar`` (ICS feed), ``report`` and ``notify``."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from estafette import calendar_feed, db, i18n, terminal, transfer
from estafette.settings import Settings
from estafette.terminal import say, say_count


def _write(out: Path, data: bytes) -> int:
    try:
        transfer.save_file(out, data)
    except OSError as exc:
        return terminal.fail(say("cannot_write", path=out, reason=exc.strerror or exc))
    print(say("wrote", path=out, size=len(data)))
    return 0


def _calendar(args: argparse.Namespace, engine: Engine) -> int:
    out = Path(args.out)
    if out.suffix.lower() != ".ics":
        return terminal.fail(say("calendar_suffix", name=out.name))
    settings = Settings.from_env()
    db.upgrade(engine)
    try:
        with Session(engine) as session:
            data = calendar_feed.build(session, args.city, terminal.language(), settings.base_url)
    except calendar_feed.CalendarError as exc:
        return terminal.fail(terminal.text(f"calendar.error.{exc.code}", detail=exc.detail))
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
        return terminal.fail(say("report_suffix", name=out.name))
    settings = Settings.from_env()
    lang = args.lang or settings.language
    db.upgrade(engine)
    try:
        with Session(engine) as session:
            data = report.build(session, args.as_of, fmt, lang, args.since, settings.stale_days)
    except report.ReportError as exc:
        return terminal.fail(i18n.translate(f"report.error.{exc.code}", lang))
    return _write(out, data)


def _notify(args: argparse.Namespace, engine: Engine) -> int:
    from estafette import reminders

    settings = Settings.from_env()
    today = args.today or dt.date.today()
    stale_days = args.stale_days or settings.stale_days
    db.upgrade(engine)
    try:
        if not args.dry_run:
            reminders.parse_smtp_url(settings.smtp_url)  # refuse a bad URL before any work
        with Session(engine) as session:
            mails = reminders.plan(session, today, stale_days, settings.base_url)
            if args.dry_run:
                print(terminal.text("notify.dry_run_header"))
                for mail in mails:
                    print(f"--- {mail.kind} → {mail.to} ({mail.language}): {mail.subject}")
                    print(mail.text)
                print(say_count("would_send", len(mails), period=reminders.period_of(today)))
                return 0
            sent = reminders.deliver(session, mails, settings.smtp_url, settings.mail_from)
    except reminders.ReminderError as exc:
        return terminal.fail(terminal.text(f"notify.error.{exc.code}", detail=exc.detail))
    print(say_count("sent", sent, period=reminders.period_of(today)))
    return 0


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
    notify = sub.add_parser("notify", help="send due e-mail reminders (for cron/systemd timers)")
    notify.add_argument("--dry-run", action="store_true", help="print what would be sent")
    notify.add_argument("--stale-days", type=int, help="default: ESTAFETTE_STALE_DAYS")
    notify.add_argument("--today", type=_date, help=argparse.SUPPRESS)
    notify.set_defaults(handler=_notify)
