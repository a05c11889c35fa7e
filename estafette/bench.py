"""``python -m estafette bench``: national-scale synthetic data and page timings with AppTest.

This is a benchmark, not a test. The domain never imports Streamlit, so the AppTest harness
lives in ui/benchmark.py and is loaded by name only when the benchmark runs.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy import Engine, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from estafette import db, seed
from estafette.models import (
    TRACKED_FIELDS,
    City,
    Dialogue,
    Phase,
    PhaseRecord,
    Status,
    StatusEvent,
    event_text,
)
from estafette.settings import PROJECT_ROOT

MUNICIPALITIES = 342
DIALOGUES = 1000
PHASES = 5
EVENTS = 50_000
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
# The Netherlands, roughly: synthetic municipalities are scattered inside this box.
LAT_RANGE = (50.80, 53.45)
LON_RANGE = (3.40, 7.15)


@dataclass
class Story:
    """How far one synthetic dialogue got, and when it started."""

    done: int
    start: dt.date
    span: int


def _records_events(
    rng: random.Random, record_id: int, position: int, story: Story, budget: int, today: dt.date
) -> tuple[dict[str, object], list[dict[str, object]]]:
    """Final values of one phase record plus the events that led to them, oldest first."""
    begin = story.start + dt.timedelta(days=story.span * (position - 1))
    state: dict[str, object] = {
        "status": Status.NIET_GESTART.value,
        "planned_start": None,
        "planned_end": None,
        "actual_start": None,
        "actual_end": None,
        "note": "",
    }
    changes: list[tuple[dt.datetime, str, object]] = []
    moment = dt.datetime.combine(story.start - dt.timedelta(days=7), dt.time(9, 0))
    changes.append((moment, "planned_start", begin))
    changes.append((moment, "planned_end", begin + dt.timedelta(days=story.span)))
    index = position - 1
    if index < story.done or (index == story.done and begin <= today):
        started = dt.datetime.combine(begin + dt.timedelta(days=rng.randint(0, 10)), dt.time(10))
        started = min(started, dt.datetime.combine(today, dt.time(8)))
        changes.append((started, "status", Status.BEZIG.value))
        changes.append((started, "actual_start", started.date()))
        if index < story.done:
            finished = started + dt.timedelta(days=story.span + rng.randint(-10, 20))
            finished = min(finished, dt.datetime.combine(today, dt.time(9)))
            changes.append((finished, "status", Status.AFGEROND.value))
            # One in twenty finished phases lacks its end date, so alerts have work to do.
            if rng.random() > 0.05:
                changes.append((finished, "actual_end", finished.date()))
    last = max(at for at, _, _ in changes)
    while len(changes) < budget:
        last = last + dt.timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 8))
        changes.append((min(last, dt.datetime.combine(today, dt.time(7))), "note", None))
    changes.sort(key=lambda change: change[0])
    events = []
    for n, (at, field, value) in enumerate(changes[:budget]):
        if field == "note":
            value = f"Notitie {n} bij fase {position}"
        old = state[field]
        state[field] = value
        events.append(
            {
                "phase_record_id": record_id,
                "at": at,
                "actor": f"trekker{record_id % 50}@voorbeeld.nl",
                "field": field,
                "old_value": event_text(old),
                "new_value": event_text(value),
            }
        )
    final_at = events[-1]["at"] if events else moment
    values = {
        **state,
        "updated_at": final_at,
        "updated_by": events[-1]["actor"] if events else "",
    }
    return values, events


def generate(
    engine: Engine,
    *,
    municipalities: int = MUNICIPALITIES,
    dialogues: int = DIALOGUES,
    events: int = EVENTS,
    today: dt.date | None = None,
    seed_value: int = 42,
) -> dict[str, int]:
    """Fill a seeded database up to national scale with bulk inserts; returns the row counts."""
    today = today or dt.date.today()
    rng = random.Random(seed_value)
    with Session(engine) as session, session.begin():
        phases = session.scalars(select(Phase).order_by(Phase.position)).all()
        existing_cities = session.scalar(select(func.count()).select_from(City)) or 0
        last_leg = session.scalar(select(func.max(City.leg))) or 0
        new_cities = [
            {
                "name": f"Gemeente {n:03d}",
                "province": "Synthetisch",
                "latitude": round(rng.uniform(*LAT_RANGE), 5),
                "longitude": round(rng.uniform(*LON_RANGE), 5),
                "leg": last_leg + i + 1,
                "joined_on": dt.date(2018, 7, 3) + dt.timedelta(days=7 * (i + 1)),
            }
            for i, n in enumerate(range(existing_cities + 1, municipalities + 1))
        ]
        if new_cities:
            session.execute(insert(City), new_cities)
        city_rows = session.execute(select(City.id, City.joined_on).order_by(City.leg)).all()
        existing_dialogues = session.scalar(select(func.count()).select_from(Dialogue)) or 0
        existing_events = session.scalar(select(func.count()).select_from(StatusEvent)) or 0
        wanted = dialogues - existing_dialogues
        new_dialogues = []
        for i in range(wanted):
            # Every municipality gets a dialogue first; the rest land at random.
            city_id, joined = city_rows[i] if i < len(city_rows) else rng.choice(city_rows)
            new_dialogues.append(
                {
                    "city_id": city_id,
                    "neighbourhood": f"Wijk {i + 1}",
                    "theme": rng.choice(["GRIJP JE KANS!", "VAN ZOOI NAAR MOOI!", "Samen"]),
                    "central_question": "Synthetische dialoog voor de benchmark.",
                    "is_demo": True,
                    "created_at": dt.datetime.combine(joined, dt.time(12)),
                }
            )
        if new_dialogues:
            session.execute(insert(Dialogue), new_dialogues)
        dialogue_rows = session.execute(
            select(Dialogue.id, Dialogue.created_at)
            .where(Dialogue.central_question == "Synthetische dialoog voor de benchmark.")
            .order_by(Dialogue.id)
        ).all()
        session.execute(
            insert(PhaseRecord),
            [
                {"dialogue_id": d_id, "phase_id": phase.id, "status": Status.NIET_GESTART.value}
                for d_id, _ in dialogue_rows
                for phase in phases
            ],
        )
        record_rows = session.execute(
            select(PhaseRecord.id, PhaseRecord.dialogue_id, Phase.position)
            .join(Phase, PhaseRecord.phase_id == Phase.id)
            .where(PhaseRecord.dialogue_id.in_([d for d, _ in dialogue_rows]))
            .order_by(PhaseRecord.id)
        ).all()
        created = {d_id: at.date() for d_id, at in dialogue_rows}
        stories = {}
        for d_id, start in created.items():
            span = rng.randint(45, 150)
            available = max(0, (today - start).days // span)
            stories[d_id] = Story(min(PHASES, rng.randint(0, available)), start, span)
        budget_total = events - existing_events
        per_record, extra = divmod(budget_total, max(1, len(record_rows)))
        updates: list[dict[str, object]] = []
        all_events: list[dict[str, object]] = []
        for n, (record_id, d_id, position) in enumerate(record_rows):
            budget = per_record + (1 if n < extra else 0)
            values, record_events = _records_events(
                rng, record_id, position, stories[d_id], budget, today
            )
            updates.append({"id": record_id, **values})
            all_events.extend(record_events)
        _bulk_update(session, updates)
        for start in range(0, len(all_events), 10_000):
            session.execute(insert(StatusEvent), all_events[start : start + 10_000])
    return counts(engine)


def _bulk_update(session: Session, updates: list[dict[str, object]]) -> None:
    """ORM bulk UPDATE by primary key (one executemany, version counter left alone)."""
    table = PhaseRecord.__table__
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            {name: bindparam(f"b_{name}") for name in (*TRACKED_FIELDS, "updated_at", "updated_by")}
        )
    )
    session.connection().execute(stmt, [{f"b_{k}": v for k, v in row.items()} for row in updates])


def counts(engine: Engine) -> dict[str, int]:
    """How many municipalities, dialogues, phase records and status events there are."""
    with Session(engine) as session:
        return {
            "municipalities": session.scalar(select(func.count()).select_from(City)) or 0,
            "dialogues": session.scalar(select(func.count()).select_from(Dialogue)) or 0,
            "phase_records": session.scalar(select(func.count()).select_from(PhaseRecord)) or 0,
            "status_events": session.scalar(select(func.count()).select_from(StatusEvent)) or 0,
        }


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


class BenchError(Exception):
    """The benchmark cannot run; the message says why in one line."""


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    """A temporary schema on the given server, dropped afterwards whatever happens."""
    url = db.parse_url(base_url)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.Error as exc:
        shown = db.display_url(base_url)
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BenchError(f"PostgreSQL at {shown} is not usable: {reason}") from exc
    try:
        scoped = url.update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def prepare(url: str, national: bool) -> tuple[dict[str, int], float]:
    """Migrate and seed ``url`` (and fill it to national scale); returns counts and seconds."""
    started = time.perf_counter()
    engine = db.make_engine(url)
    try:
        db.upgrade(engine)
        seed.seed(engine)
        if national:
            generate(engine)
        return counts(engine), time.perf_counter() - started
    finally:
        engine.dispose()


REPORT_TARGET_S = 10.0


def time_report(url: str) -> dict[str, float]:
    """Seconds to build the steering-group report (estafette.report) as DOCX and as PDF."""
    from estafette import report

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
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    harness = importlib.import_module("ui.benchmark")
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
                timings.extend(harness.measure(url, dataset, reruns))
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
        from estafette.bench_lessons import format_table, lesson_search_bench

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
