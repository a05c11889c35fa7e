"""The ``python -m estafette`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from sqlalchemy import Engine

from estafette import db, i18n, lesson_cli, seed
from estafette.settings import Settings

Handler = Callable[[argparse.Namespace, Engine], int]


def _prepare(engine: Engine) -> None:
    """Migrate, then prove the database takes writes before a writing command starts."""
    db.upgrade(engine)
    db.check_writable(engine)


def _db_upgrade(_args: argparse.Namespace, engine: Engine) -> int:
    _prepare(engine)
    print("database is up to date")
    return 0


def _seed(_args: argparse.Namespace, engine: Engine) -> int:
    _prepare(engine)
    created = seed.seed(engine)
    print("seeded the relay" if created else "seed already present; nothing duplicated")
    return 0


def _demo(_args: argparse.Namespace, engine: Engine) -> int:
    _prepare(engine)
    seed.seed(engine)
    added = seed.add_demo(engine)
    print(f"added {added} fictional demo dialogue(s), labelled '(demo)'")
    return 0


def _bench(args: argparse.Namespace, _engine: Engine) -> int:
    from estafette import bench  # imports Streamlit's test harness: only when asked for

    try:
        return bench.run(args.postgres_url, args.reruns, args.lessons)
    except (ValueError, bench.BenchError) as exc:
        print(f"estafette: {exc}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="python -m estafette", description=__doc__)
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
    bench_parser = sub.add_parser(
        "bench", help="time every page on national-scale synthetic data (temporary databases)"
    )
    bench_parser.add_argument("--postgres-url", help="also measure on this PostgreSQL server")
    bench_parser.add_argument("--reruns", type=int, default=20, help="warm reruns per page")
    bench_parser.add_argument(
        "--lessons", type=int, default=100_000, help="lessons for the search bench (0 skips)"
    )
    bench_parser.set_defaults(handler=_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; storage problems end in one readable line and exit code 2."""
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    url = args.database_url or settings.database_url
    try:
        engine = db.make_engine(url)
        db.ping(engine)
        return args.handler(args, engine)
    except db.StorageError as exc:
        message = i18n.translate(f"error.db.{exc.code}", settings.language, url=db.display_url(url))
        print(f"estafette: {message}", file=sys.stderr)
        return 2
