"""Benchmark: Dutch lesson search (estafette.search) on SQLite and PostgreSQL; course export."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from bench.schema import postgres_schema
from estafette import db, handout, leergang, lessons, search, seed
from estafette.accounts import SYSTEM, Actor
from estafette.models import City, CourseItem, LeergangModule, Lesson, LessonStatus, Phase, Role

SUBJECTS = [
    "bewoners", "buurtbewoners", "jongeren", "ouderen", "vrijwilligers", "sleutelfiguren",
    "professionals", "de wijkraad", "ondernemers", "nieuwe bewoners", "mantelzorgers", "ouders",
]  # fmt: skip
VERBS = [
    "betrekken", "uitnodigen", "ontmoeten", "bevragen", "verbinden", "activeren", "begeleiden",
    "ophalen", "waarderen", "inspireren", "enthousiasmeren", "samenbrengen",
]  # fmt: skip
PLACES = [
    "in het buurthuis", "op het plein", "aan de keukentafel", "in de bibliotheek", "bij de school",
    "in de moestuin", "op straat", "in het wijkcentrum", "bij de voetbalclub", "in de kerk",
]  # fmt: skip
TOPICS = [
    "eenzaamheid", "armoede", "inclusie", "meedoen", "groen", "veiligheid", "spelen", "wonen",
    "gezondheid", "taal", "zorg", "cultuur", "verkeer", "afval", "energie", "dromen",
]  # fmt: skip
FRAMES = [
    "We wilden {s} {v} {p} rond {t}.",
    "Het werkte goed om {s} persoonlijk te {v}; dat gaf energie.",
    "Volgende keer zouden we eerder {s} {v} en {t} centraal zetten.",
    "Onze aanbeveling: begin klein {p} en laat {s} zelf {t} benoemen.",
    "Een verhaal over {t} {p} maakte zichtbaar wat kan.",
]
# Rare places, each in about one lesson in 200: selective queries next to the common words.
RARE = ["kinderboerderij", "repaircafé", "buurtbarbecue", "taalcafé"]
QUERIES = [
    "bewoners",
    "betrekken",
    "eenzaamheid",
    "jongeren betrekken",
    "moestuin",
    "wijkraad",
    "kinderboerderij",
]


def synthetic_lesson(rng: random.Random) -> dict[str, str]:
    """One plausible Dutch lesson text (title and the five appreciative fields)."""

    def sentence() -> str:
        return rng.choice(FRAMES).format(
            s=rng.choice(SUBJECTS), v=rng.choice(VERBS), p=rng.choice(PLACES), t=rng.choice(TOPICS)
        )

    title = f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(VERBS)} rond {rng.choice(TOPICS)}"
    fields = {name: " ".join(sentence() for _ in range(2)) for name in lessons.TEXT_FIELDS}
    for place in RARE:
        if rng.random() < 0.005:
            fields["situation"] += f" We kwamen samen bij de {place}."
    return {"title": title, **fields}


def _fill(engine: Engine, n: int, seed_value: int = 7) -> None:
    rng = random.Random(seed_value)
    with Session(engine) as session, session.begin():
        phase_ids = list(session.scalars(select(Phase.id)))
        city_ids = list(session.scalars(select(City.id)))
        statuses = [LessonStatus.GEACCEPTEERD.value] * 3 + [
            LessonStatus.VOORGESTELD.value,
            LessonStatus.OPGENOMEN.value,
        ]
        batch: list[dict] = []
        index: list[dict] = []
        for number in range(1, n + 1):
            text = synthetic_lesson(rng)
            batch.append(
                {
                    "id": number,
                    **text,
                    "phase_id": rng.choice(phase_ids),
                    "scope": "stad",
                    "city_id": rng.choice(city_ids),
                    "author": "Bench (fictief)",
                    "author_email": "",
                    "lesson_date": dt.date(2019, 1, 1) + dt.timedelta(days=number % 2000),
                    "created_at": dt.datetime(2024, 1, 1),
                    "status": rng.choice(statuses),
                }
            )
            body = " ".join(text[name] for name in lessons.TEXT_FIELDS)
            index.append(search.index_row(number, text["title"], body))
            if len(batch) == 5000:
                session.execute(insert(Lesson), batch)
                search.write_index(session, index)
                batch, index = [], []
        if batch:
            session.execute(insert(Lesson), batch)
            search.write_index(session, index)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE lesson")
            conn.commit()
    else:
        with engine.connect() as conn:
            conn.exec_driver_sql("INSERT INTO lesson_fts(lesson_fts) VALUES ('optimize')")
            conn.exec_driver_sql("ANALYZE")
            conn.commit()


def _time(fn: Callable[[], object], repeat: int) -> list[float]:
    fn()  # warm caches once
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _row(backend: str, n: int, name: str, timings: list[float], target: float) -> dict:
    ordered = sorted(timings)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    median = statistics.median(ordered)
    return {
        "backend": backend,
        "lessons": n,
        "measure": name,
        "median_ms": round(median, 1),
        "p90_ms": round(p90, 1),
        "target_ms": target,
        "ok": median <= target,
    }


def bench_export(engine: Engine, lessons_in_course: int = 500, repeat: int = 3) -> list[float]:
    """Put ``lessons_in_course`` lessons in Training Wijkdialoog 2; time its DOCX export (ms)."""
    with Session(engine) as session, session.begin():
        module = session.scalar(select(LeergangModule).where(LeergangModule.code == "training-2"))
        version = leergang.working_version(session, module, Actor(name="Bench", role=Role.TRAINER))
        topics = [t.id for t in module.topics]
        ids = list(session.scalars(select(Lesson.id).order_by(Lesson.id).limit(lessons_in_course)))
        session.execute(
            insert(CourseItem),
            [
                {
                    "course_version_id": version.id,
                    "lesson_id": lesson_id,
                    "topic_id": topics[i % len(topics)],
                    "position": i + 1,
                }
                for i, lesson_id in enumerate(ids)
            ],
        )

    def run() -> None:
        with Session(engine) as session:
            data = handout.export(session, SYSTEM, "training-2", "docx")
        assert len(data) > 10_000

    return _time(run, repeat)


@contextmanager
def _database(url: str | None) -> Iterator[str]:
    """A temporary SQLite file (``url`` None) or a temporary schema on the PostgreSQL ``url``."""
    if url is None:
        with tempfile.TemporaryDirectory(prefix="estafette-bench-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
    else:
        with postgres_schema(url) as scoped:
            yield scoped


def lesson_search_bench(url: str | None, n: int = 100_000) -> list[dict]:
    """Search timings over ``n`` synthetic lessons (temporary SQLite file or PG schema)."""
    backend = "sqlite" if url is None else "postgresql"
    with _database(url) as bench_url:
        return _search_timings(bench_url, backend, n)


def _search_timings(url: str, backend: str, n: int) -> list[dict]:
    engine = db.make_engine(url)
    try:
        db.upgrade(engine)
        # Synthetic lessons take explicit ids from 1, so leave the workshop lessons out here.
        seed.seed(engine, workshop_lessons=False)
        start = time.perf_counter()
        _fill(engine, n)
        fill_s = time.perf_counter() - start
        rows = []
        with Session(engine) as session:
            for query in QUERIES:
                timings = _time(lambda q=query: search.search(session, SYSTEM, q, limit=20), 15)
                rows.append(_row(backend, n, f"search '{query}'", timings, 50.0))
            filtered = lessons.LessonFilter(
                phase_code="vormgeven", statuses=lessons.PUBLIC_STATUSES
            )
            timings = _time(
                lambda: search.search(session, SYSTEM, "bewoners betrekken", filtered, 20), 15
            )
            rows.append(_row(backend, n, "search + filters", timings, 50.0))
        rows.append(_row(backend, n, "DOCX export, 500 lessons", bench_export(engine), 2000.0))
        rows.append(
            {
                "backend": backend,
                "lessons": n,
                "measure": "bulk insert (total)",
                "median_ms": round(fill_s * 1000, 0),
                "p90_ms": round(fill_s * 1000, 0),
                "target_ms": None,
                "ok": True,
            }
        )
        return rows
    finally:
        engine.dispose()


def format_table(rows: list[dict]) -> str:
    """The bench rows as a fixed-width text table."""
    head = (
        f"{'backend':<11}{'lessons':>9}  {'measure':<28}"
        f"{'median ms':>10}{'p90 ms':>9}{'target':>8}  ok"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        target = "" if r["target_ms"] is None else f"{r['target_ms']:.0f}"
        lines.append(
            f"{r['backend']:<11}{r['lessons']:>9}  {r['measure']:<28}{r['median_ms']:>10}"
            f"{r['p90_ms']:>9}{target:>8}  {'yes' if r['ok'] else 'NO'}"
        )
    return "\n".join(lines)
