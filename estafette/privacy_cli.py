"""Subcommands for personal data: ``privacy forget``, ``privacy export`` and ``privacy purge``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from estafette import db, i18n, privacy, transfer
from estafette.accounts import SYSTEM
from estafette.settings import Settings
from estafette.terminal import say

T = TypeVar("T")


def _refused(exc: privacy.PrivacyError) -> int:
    lang = Settings.from_env().language
    print(
        f"estafette: {i18n.translate(f'privacy.error.{exc.code}', lang, **exc.values)}",
        file=sys.stderr,
    )
    return 1


def _in_session(engine: Engine, action: Callable[[Session], T]) -> T:
    """Run one privacy action on the migrated database in one committed transaction."""
    db.upgrade(engine)
    with Session(engine) as session:
        result = action(session)
        session.commit()
    return result


def _forget(args: argparse.Namespace, engine: Engine) -> int:
    try:
        report = _in_session(engine, lambda s: privacy.forget(s, SYSTEM, args.email))
    except privacy.PrivacyError as exc:
        return _refused(exc)
    account = say("account_deleted" if report.account_deleted else "no_account")
    print(
        say("forgot", email=args.email.strip().lower(), account=account, pseudonym=report.pseudonym)
    )
    for line in report.lines():
        print(f"  {line}")
    return 0


def _export(args: argparse.Namespace, engine: Engine) -> int:
    try:
        document = _in_session(engine, lambda s: privacy.export_person(s, SYSTEM, args.email))
    except privacy.PrivacyError as exc:
        return _refused(exc)
    data = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if args.out:
        try:
            transfer.save_file(Path(args.out), data)
        except OSError as exc:
            reason = exc.strerror
            print(
                f"estafette: {say('cannot_write', path=args.out, reason=reason)}", file=sys.stderr
            )
            return 1
        print(say("wrote", path=args.out, size=len(data)))
    else:
        sys.stdout.write(data.decode("utf-8"))
    return 0


def _purge(args: argparse.Namespace, engine: Engine) -> int:
    db.upgrade(engine)
    settings = Settings.from_env()
    try:
        report = privacy.purge(
            engine,
            SYSTEM,
            quote_days=settings.quote_retention_days,
            session_days=settings.session_retention_days,
            dry_run=args.dry_run,
        )
    except privacy.PrivacyError as exc:
        return _refused(exc)
    print(
        say(
            "purge_dry_run" if report.dry_run else "purged",
            quotes=report.quotes,
            quote_days=settings.quote_retention_days,
            sessions=report.sessions,
            throttles=report.throttles,
            session_days=settings.session_retention_days,
        )
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the privacy subcommands to the main parser."""
    parser = sub.add_parser("privacy", help="personal data: forget, export, purge (AVG)")
    commands = parser.add_subparsers(dest="privacy_command", required=True)
    forget = commands.add_parser(
        "forget", help="erase a person: delete the account, pseudonymise lessons and histories"
    )
    forget.add_argument("--email", required=True)
    forget.set_defaults(handler=_forget)
    export = commands.add_parser("export", help="a person's data as JSON (right of access)")
    export.add_argument("--email", required=True)
    export.add_argument("--out", help="file to write (default: standard output)")
    export.set_defaults(handler=_export)
    purge = commands.add_parser(
        "purge",
        help="delete quotes and ended sessions past ESTAFETTE_QUOTE_RETENTION_DAYS / "
        "ESTAFETTE_SESSION_RETENTION_DAYS (for cron)",
    )
    purge.add_argument("--dry-run", action="store_true", help="only report what would go")
    purge.set_defaults(handler=_purge)
