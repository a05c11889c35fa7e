"""The ``python -m estafette`` command line."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from estafette import (
    accounts,
    backup,
    bench_cli,
    db,
    features_cli,
    lesson_cli,
    privacy_cli,
    seed,
    sessions,
    status_import,
    terminal,
    textfields,
    transfer,
)
from estafette.models import City, Role
from estafette.settings import Settings
from estafette.terminal import say, say_count


def _prepare(engine: Engine) -> None:
    """Migrate, then prove the database takes writes before a writing command starts."""
    db.upgrade(engine)
    db.check_writable(engine)


def _db_upgrade(_args: argparse.Namespace, engine: Engine) -> int:
    _prepare(engine)
    print(say("db_up_to_date"))
    return 0


def _seed(_args: argparse.Namespace, engine: Engine) -> int:
    _prepare(engine)
    created = seed.seed(engine)
    print(say("seeded" if created else "seed_present"))
    return 0


def _demo(_args: argparse.Namespace, engine: Engine) -> int:
    _prepare(engine)
    seed.seed(engine)
    added = seed.add_demo(engine)
    print(say_count("demo_added", added))
    return 0


class CliError(Exception):
    """A readable one-line refusal of the command line (exit code 1)."""


def _password(args: argparse.Namespace) -> str:
    """The password from --password, ESTAFETTE_PASSWORD or a prompt (never echoed)."""
    if args.password:
        return args.password
    if os.environ.get("ESTAFETTE_PASSWORD"):
        return os.environ["ESTAFETTE_PASSWORD"]
    if not sys.stdin.isatty():
        raise CliError(say("no_password"))
    first = getpass.getpass(say("password_prompt"))
    if first != getpass.getpass(say("password_again")):
        raise CliError(say("passwords_differ"))
    return first


def _city_ids(session: Session, names: list[str]) -> list[int]:
    ids = []
    for name in names:
        city = session.scalar(select(City.id).where(City.name.ilike(name.strip())))
        if city is None:
            raise CliError(say("unknown_city", name=name))
        ids.append(city)
    return ids


def _account_error(exc: accounts.AccountError) -> CliError:
    return CliError(terminal.text(f"user.error.{exc.code}", **exc.values))


@contextmanager
def _account_change(engine: Engine) -> Iterator[Session]:
    """A session for one account change: committed at the end, an AccountError as one line."""
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except accounts.AccountError as exc:
            raise _account_error(exc) from None


def _user_add(args: argparse.Namespace, engine: Engine) -> int:
    _prepare(engine)
    seed.seed(engine)
    password = None if args.sso_only else _password(args)
    with _account_change(engine) as session:
        accounts.add_user(
            session,
            accounts.SYSTEM,
            email=args.email,
            role=args.role,
            password=password,
            name=args.name or "",
            city_ids=_city_ids(session, args.city or []),
        )
    role = terminal.text(f"user.role.{args.role}")
    print(say("user_added", email=accounts.normalise_email(args.email), role=role))
    return 0


def _user_deactivate(args: argparse.Namespace, engine: Engine) -> int:
    _prepare(engine)
    with _account_change(engine) as session:
        accounts.deactivate_user(session, accounts.SYSTEM, args.email)
    print(say("user_deactivated", email=accounts.normalise_email(args.email)))
    return 0


def _user_reset(args: argparse.Namespace, engine: Engine) -> int:
    password = _password(args)
    _prepare(engine)
    with _account_change(engine) as session:
        accounts.reset_password(session, accounts.SYSTEM, args.email, password)
    print(say("password_reset", email=accounts.normalise_email(args.email)))
    return 0


def _user_set_role(args: argparse.Namespace, engine: Engine) -> int:
    _prepare(engine)
    with _account_change(engine) as session:
        accounts.set_role(
            session, accounts.SYSTEM, args.email, args.role, _city_ids(session, args.city or [])
        )
    role = terminal.text(f"user.role.{args.role}")
    print(say("role_set", email=accounts.normalise_email(args.email), role=role))
    return 0


def _user_sign_out(args: argparse.Namespace, engine: Engine) -> int:
    _prepare(engine)
    with _account_change(engine) as session:
        user = accounts.find_user(session, accounts.SYSTEM, args.email)
        count = sessions.end_all_for(session, accounts.SYSTEM, user.id)
    print(say_count("sessions_ended", count, email=accounts.normalise_email(args.email)))
    return 0


def _export(args: argparse.Namespace, engine: Engine) -> int:
    target = Path(args.file)
    db.upgrade(engine)
    with Session(engine) as session:
        if args.all:
            data = backup.export_backup(session, accounts.SYSTEM)
        else:
            try:
                fmt = transfer.detect_format(target.name)
            except transfer.ImportFailed as exc:
                raise CliError(say("export_format", name=target.name)) from exc
            data = transfer.export_status(session, accounts.SYSTEM, fmt, dialect=args.dialect)
    try:
        transfer.save_file(target, data)
    except OSError as exc:
        raise CliError(say("cannot_write", path=target, reason=exc.strerror)) from None
    print(say("wrote", path=target, size=len(data)))
    return 0


def _import(args: argparse.Namespace, engine: Engine) -> int:
    source = Path(args.file)
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise CliError(say("cannot_read", path=source, reason=exc.strerror)) from None
    _prepare(engine)
    try:
        fmt = transfer.detect_format(source.name)
        with Session(engine) as session:
            if fmt == "json" and backup.is_backup(data):
                written = backup.import_backup(session, accounts.SYSTEM, data, replace=args.replace)
                print(say_count("restored", written, path=source))
                return 0
            seed.seed(engine)
            result = status_import.import_status(session, accounts.SYSTEM, data, fmt)
    except transfer.ImportFailed as exc:
        lines = transfer.issue_lines(exc.issues, terminal.language())
        for line in lines[1:]:
            print(f"  {line}", file=sys.stderr)
        more = len(lines) - 1
        key = "import_failed_more" if more else "import_failed"
        raise CliError(say(key, name=source.name, first=lines[0], more=more)) from None
    print(
        say(
            "imported",
            rows=result.rows,
            records=result.records_changed,
            dialogues=result.dialogues_created,
            encoding=result.encoding,
        )
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="estafette", description=__doc__)
    parser.add_argument("--database-url", help="overrides ESTAFETTE_DATABASE_URL")
    sub = parser.add_subparsers(dest="command", required=True)
    db_parser = sub.add_parser("db", help="database maintenance")
    db_sub = db_parser.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="migrate the database to the newest schema").set_defaults(
        handler=_db_upgrade
    )
    sub.add_parser("seed", help="seed an empty database (idempotent)").set_defaults(handler=_seed)
    sub.add_parser("demo", help="add clearly labelled fictional progress").set_defaults(
        handler=_demo
    )
    lesson_cli.register(sub)
    privacy_cli.register(sub)
    features_cli.register(sub)
    bench_cli.register(sub)

    user = sub.add_parser("user", help="manage accounts").add_subparsers(
        dest="user_command", required=True
    )
    add = user.add_parser("add", help="add an account")
    add.add_argument("--email", required=True)
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--city", action="append", help="city a city lead edits (repeatable)")
    add.add_argument("--name", default="")
    add.add_argument("--password", help="else ESTAFETTE_PASSWORD or a prompt")
    add.add_argument("--sso-only", action="store_true", help="no password: SSO login only")
    add.set_defaults(handler=_user_add)
    deactivate = user.add_parser("deactivate", help="switch an account off")
    deactivate.add_argument("--email", required=True)
    deactivate.set_defaults(handler=_user_deactivate)
    reset = user.add_parser("reset-password", help="set a new password, lifting any lockout")
    reset.add_argument("--email", required=True)
    reset.add_argument("--password", help="else ESTAFETTE_PASSWORD or a prompt")
    reset.set_defaults(handler=_user_reset)
    set_role = user.add_parser("set-role", help="give an account another role (ends sessions)")
    set_role.add_argument("--email", required=True)
    set_role.add_argument("--role", required=True, choices=[r.value for r in Role])
    set_role.add_argument("--city", action="append", help="city a city lead edits (repeatable)")
    set_role.set_defaults(handler=_user_set_role)
    sign_out = user.add_parser("sign-out", help="end every sign-in session of an account")
    sign_out.add_argument("--email", required=True)
    sign_out.set_defaults(handler=_user_sign_out)

    export = sub.add_parser("export", help="export the status table (.csv/.xlsx/.json)")
    export.add_argument("file")
    export.add_argument("--all", action="store_true", help="full JSON backup of everything")
    export.add_argument(
        "--dialect",
        choices=list(transfer.CSV_DIALECTS),
        default="nl",
        help="CSV layout: nl = ';' with BOM for Dutch Excel (default), intl = ','",
    )
    export.set_defaults(handler=_export)
    imp = sub.add_parser("import", help="import a status table or restore a full backup")
    imp.add_argument("file")
    imp.add_argument(
        "--replace", action="store_true", help="restore a backup over a non-empty database"
    )
    imp.set_defaults(handler=_import)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; storage problems end in one readable line and exit code 2."""
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    url = args.database_url or settings.database_url
    try:
        engine = db.make_engine(url)
        db.ping(engine)
        with db.storage_errors():
            return args.handler(args, engine)
    except CliError as exc:
        print(f"estafette: {exc}", file=sys.stderr)
        return 1
    except textfields.TextRejected as exc:
        print(f"estafette: {textfields.message(exc, terminal.language())}", file=sys.stderr)
        return 1
    except db.StorageError as exc:
        # The terminal's own wording: the UI's texts ask to reload a page.
        print(f"estafette: {say(f'error.db.{exc.code}', url=db.display_url(url))}", file=sys.stderr)
        return 2
