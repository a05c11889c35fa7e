"""``python -m bench``: the benchmarks behind ``estafette bench`` and ``estafette bench-lessons``.

The domain's command line delegates here in a child process, so ``estafette`` never imports
this package (nor Streamlit, which the page and load benchmarks drive).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _pages(args: argparse.Namespace) -> int:
    if args.timeline and not args.browser:
        print("estafette: --timeline belongs to the browser bench (--browser)", file=sys.stderr)
        return 2
    if args.browser:
        from bench import browser

        try:
            return browser.run(timeline=args.timeline)
        except (ValueError, browser.BrowserBenchError, browser.LoadError) as exc:
            print(f"estafette: {exc}", file=sys.stderr)
            return 2
    if args.users:
        from bench import load

        try:
            return load.run(args.users, args.rounds, args.postgres_url, args.think)
        except (ValueError, load.LoadError) as exc:
            print(f"estafette: {exc}", file=sys.stderr)
            return 2
    from bench import pages
    from bench.schema import BenchError

    try:
        return pages.run(args.postgres_url, args.reruns, args.lessons)
    except (ValueError, BenchError) as exc:
        print(f"estafette: {exc}", file=sys.stderr)
        return 2


def _lessons(args: argparse.Namespace) -> int:
    from bench.lessons import format_table, lesson_search_bench
    from bench.schema import BenchError

    if args.lessons < 1:
        print("estafette: --lessons must be at least 1", file=sys.stderr)
        return 2
    try:
        rows = lesson_search_bench(None, args.lessons)
        if args.postgres_url:
            rows += lesson_search_bench(args.postgres_url, args.lessons)
    except BenchError as exc:
        print(f"estafette: {exc}", file=sys.stderr)
        return 2
    print(format_table(rows))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The benchmark subcommands, with the options ``estafette bench…`` documents."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    pages = sub.add_parser("bench", help="time every page on national-scale synthetic data")
    pages.add_argument("--postgres-url", help="also measure on this PostgreSQL server")
    pages.add_argument("--reruns", type=int, default=20, help="warm reruns per page")
    pages.add_argument("--lessons", type=int, default=100_000, help="lessons for the search bench")
    pages.add_argument("--users", type=int, default=0, help="load bench: N simulated people")
    pages.add_argument("--rounds", type=int, default=3, help="rounds per simulated person")
    pages.add_argument("--think", type=float, default=5.0, help="mean seconds between views")
    pages.add_argument("--browser", action="store_true", help="browser bench in Chromium")
    pages.add_argument(
        "--timeline", action="store_true", help="browser bench: when each step of a visit happened"
    )
    pages.set_defaults(handler=_pages)
    lessons = sub.add_parser("bench-lessons", help="time lesson search and the course export")
    lessons.add_argument("--postgres-url", help="also bench PostgreSQL (a temporary schema)")
    lessons.add_argument("--lessons", type=int, default=100_000, help="synthetic lessons")
    lessons.set_defaults(handler=_lessons)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one benchmark; bad input ends in one line and exit code 2."""
    args = build_parser().parse_args(argv)
    return args.handler(args)
