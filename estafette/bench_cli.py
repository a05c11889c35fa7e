"""``estafette bench`` and ``estafette bench-lessons``: delegated to the top-level bench package.

The benchmarks drive Streamlit, which the domain never imports; the subcommands therefore run
``python -m bench`` in a child process (with the checkout on its path) and pass its exit code on.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from sqlalchemy import Engine

from estafette.settings import PROJECT_ROOT


def delegate(argv: list[str]) -> int:
    """Run ``python -m bench ARGV`` and return its exit code."""
    if not (PROJECT_ROOT / "bench" / "cli.py").is_file():
        print(
            "estafette: the benchmarks run from a checkout (bench/ is not installed)",
            file=sys.stderr,
        )
        return 2
    env = dict(os.environ)
    paths = [str(PROJECT_ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return subprocess.call([sys.executable, "-m", "bench", *argv], env=env)


def _options(args: argparse.Namespace, names: tuple[str, ...]) -> list[str]:
    out = []
    for name in names:
        value = getattr(args, name)
        if value is not None:
            out += [f"--{name.replace('_', '-')}", str(value)]
    return out


def _bench(args: argparse.Namespace, _engine: Engine) -> int:
    names = ("postgres_url", "reruns", "lessons", "users", "rounds", "think")
    flags = [f"--{name}" for name in ("browser", "timeline") if getattr(args, name)]
    return delegate(["bench", *_options(args, names), *flags])


def _bench_lessons(args: argparse.Namespace, _engine: Engine) -> int:
    return delegate(["bench-lessons", *_options(args, ("postgres_url", "lessons"))])


def register(sub: argparse._SubParsersAction) -> None:
    """Add the two benchmark subcommands to the main parser."""
    bench = sub.add_parser(
        "bench", help="time every page on national-scale synthetic data (temporary databases)"
    )
    bench.add_argument("--postgres-url", help="also measure on this PostgreSQL server")
    bench.add_argument("--reruns", type=int, default=20, help="warm reruns per page")
    bench.add_argument(
        "--lessons", type=int, default=100_000, help="lessons for the search bench (0 skips)"
    )
    bench.add_argument(
        "--users",
        type=int,
        default=0,
        help="load bench instead: N simulated people over Streamlit's protocol (PostgreSQL)",
    )
    bench.add_argument("--rounds", type=int, default=3, help="rounds per simulated person")
    bench.add_argument(
        "--think", type=float, default=5.0, help="mean seconds between page views (0: burst)"
    )
    bench.add_argument(
        "--browser",
        action="store_true",
        help="browser bench instead: time pages in Chromium against a bare page",
    )
    bench.add_argument(
        "--timeline",
        action="store_true",
        help="with --browser: also when each step of a returning visit happened",
    )
    bench.set_defaults(handler=_bench)
    lessons = sub.add_parser("bench-lessons", help="time lesson search and the course export")
    lessons.add_argument("--postgres-url", help="also bench PostgreSQL (a temporary schema)")
    lessons.add_argument("--lessons", type=int, default=100_000, help="synthetic lessons")
    lessons.set_defaults(handler=_bench_lessons)
