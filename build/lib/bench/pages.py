"""``estafette bench``: page timings with AppTest on seeded and national-scale data.

This is a benchmark, not a test; it lives outside the domain because it drives Streamlit.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from bench.data import prepare
from bench.lessons import format_table, lesson_search_bench
from bench.schema import postgres_schema
from estafette import db, report
from estafette.settings import PROJECT_ROOT

PAGES = {
    "floor (methode)": "pages/method.py",
    "overzicht": "pages/overview.py",
    "kaart": "pages/map.py",
    "tijdlijn": "pages/timeline.py",
    # Time travel replays the whole status history: the heaviest view there is.
    "kaart, peildatum 30-06-2022": "pages/map.py?asof=2022-06-30",
}
TARGET_RERUN_MS = 100.0
TARGET_FIRST_MS = 1000.0
TARGET_RATIO = 3.0


@dataclass
class Timing:
    """First run and warm reruns of one page on one dataset, in milliseconds."""

    dataset: str
    page: str
    first_ms: float
    reruns_ms: list[float]

    @property
    def median_ms(self) -> float:
        """Median warm rerun."""
        return statistics.median(self.reruns_ms)

    @property
    def p90_ms(self) -> float:
        """90th percentile warm rerun."""
        ordered = sorted(self.reruns_ms)
        return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


@contextmanager
def _sqlite_database(folder: Path, name: str) -> Iterator[str]:
    yield f"sqlite:///{folder / f'{name}.db'}"


REPORT_TARGET_S = 10.0


def time_report(url: str) -> dict[str, float]:
    """Seconds to build the steering-group report (estafette.report) as DOCX and as PDF."""
    engine = db.make_engine(url)
    try:
        seconds = {}
        with Session(engine) as session:
            for fmt in report.FORMATS:
                started = time.perf_counter()
                report.build(session, dt.date.today(), fmt)
                seconds[fmt] = time.perf_counter() - started
        return seconds
    finally:
        engine.dispose()


def table(timings: list[Timing]) -> str:
    """The results as a Markdown table, with the national/seeded ratio per page."""
    seeded = {t.page: t.median_ms for t in timings if t.dataset.startswith("seed")}
    lines = [
        "| dataset | page | first run (ms) | rerun median (ms) | rerun p90 (ms) | × seeded |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for t in timings:
        ratio = t.median_ms / seeded[t.page] if t.page in seeded else float("nan")
        lines.append(
            f"| {t.dataset} | {t.page} | {t.first_ms:.0f} | {t.median_ms:.1f} | {t.p90_ms:.1f} "
            f"| {ratio:.2f} |"
        )
    return "\n".join(lines)


def verdict(timings: list[Timing]) -> list[str]:
    """One line per target that was missed (empty when every target is met)."""
    seeded = {t.page: t.median_ms for t in timings if t.dataset.startswith("seed")}
    missed = []
    for t in timings:
        if t.dataset.startswith("seed"):
            continue
        if t.median_ms > TARGET_RERUN_MS:
            missed.append(f"{t.dataset}/{t.page}: rerun median {t.median_ms:.0f} ms > 100 ms")
        if t.first_ms > TARGET_FIRST_MS:
            missed.append(f"{t.dataset}/{t.page}: first run {t.first_ms:.0f} ms > 1 s")
        if t.median_ms > TARGET_RATIO * seeded[t.page]:
            missed.append(
                f"{t.dataset}/{t.page}: rerun {t.median_ms / seeded[t.page]:.1f}× seeded > 3×"
            )
    return missed


def run(postgres_url: str | None = None, reruns: int = 20, lessons: int = 100_000) -> int:
    """Generate the data sets, time every page, print the table; 0 when every target is met."""
    if reruns < 1:
        raise ValueError("--reruns must be at least 1")
    if lessons < 0:
        raise ValueError("--lessons must be 0 (skip) or more")
    if postgres_url is not None:
        try:
            backend = db.parse_url(postgres_url).get_backend_name()
        except db.StorageError:
            backend = ""
        if backend != "postgresql":
            raise ValueError(f"--postgres-url must be a postgresql:// URL, got {postgres_url}")
        # Fail before minutes of SQLite work, not after.
        with postgres_schema(postgres_url):
            pass
    timings: list[Timing] = []
    reports: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="estafette-bench-") as tmp:
        folder = Path(tmp)
        plans: list[tuple[str, object, bool]] = [
            ("seed (sqlite)", _sqlite_database(folder, "seed"), False),
            ("national (sqlite)", _sqlite_database(folder, "national"), True),
        ]
        if postgres_url:
            plans.append(("national (postgresql)", postgres_schema(postgres_url), True))
        for dataset, database, national in plans:
            with database as url:  # type: ignore[attr-defined]
                sizes, seconds = prepare(url, national)
                print(
                    f"{dataset}: {sizes['municipalities']} municipalities, "
                    f"{sizes['dialogues']} dialogues, {sizes['phase_records']} phase records, "
                    f"{sizes['status_events']} status events (prepared in {seconds:.1f} s)",
                    flush=True,
                )
                timings.extend(measure(url, dataset, reruns))
                if national:
                    reports[dataset] = time_report(url)
    print()
    print(table(timings))
    missed = verdict(timings)
    print()
    for dataset, seconds in reports.items():
        for fmt, value in seconds.items():
            print(f"report {fmt} ({dataset}): {value:.1f} s (target {REPORT_TARGET_S:.0f} s)")
            if value > REPORT_TARGET_S:
                missed.append(f"{dataset} report {fmt}: {value:.1f} s > {REPORT_TARGET_S:.0f} s")
    if lessons:
        rows = lesson_search_bench(None, lessons)
        if postgres_url:
            rows += lesson_search_bench(postgres_url, lessons)
        print()
        print(format_table(rows))
        missed += [
            f"{r['backend']} {r['measure']}: median {r['median_ms']} ms > {r['target_ms']} ms"
            for r in rows
            if not r["ok"]
        ]
    print()
    if missed:
        print("targets missed:")
        for line in missed:
            print(f"  - {line}")
        return 1
    print(
        "all targets met: rerun median ≤ 100 ms, first run ≤ 1 s, national ≤ 3× seeded,"
        " search ≤ 50 ms"
    )
    return 0


def _quiet() -> None:
    # AppTest outside a server warns on every cache call; the table is what matters.
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)


def measure(url: str, dataset: str, reruns: int) -> list[Timing]:
    """Time every page with AppTest: a cold first run (caches cleared), then warm reruns."""
    os.environ["ESTAFETTE_DATABASE_URL"] = url
    timings = []
    for name, target in PAGES.items():
        page, _, query = target.partition("?")
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
        for key, value in (part.split("=", 1) for part in query.split("&") if part):
            at.query_params[key] = value
        at.run()
        _quiet()
        # The engine (a cached resource) survives; page data must be loaded from scratch.
        st.cache_data.clear()
        started = time.perf_counter()
        at.switch_page(page).run()
        first = (time.perf_counter() - started) * 1000
        if at.exception:
            raise RuntimeError(f"{page} failed on {dataset}: {at.exception[0].message}")
        samples = []
        for _ in range(reruns):
            started = time.perf_counter()
            at.run()
            samples.append((time.perf_counter() - started) * 1000)
        timings.append(Timing(dataset, name, first, samples))
    return timings
