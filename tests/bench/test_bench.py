"""The benchmark's synthetic data: exact sizes and a status history that replays correctly."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bench import data as bench
from estafette import cli, history

TODAY = dt.date(2026, 11, 1)


def test_generate_reaches_the_requested_sizes(engine: Engine) -> None:
    sizes = bench.generate(engine, municipalities=12, dialogues=30, events=1_000, today=TODAY)
    assert sizes == {
        "municipalities": 12,
        "dialogues": 30,
        "phase_records": 150,
        "status_events": 1_000,
    }


def test_generated_history_chains_and_ends_in_the_current_state(engine: Engine) -> None:
    bench.generate(engine, municipalities=6, dialogues=10, events=400, today=TODAY)
    with Session(engine) as session:
        records = history.records_frame(session)
        events = history.events_frame(session)
    # Every change starts from where the previous change of that field left off.
    for _, changes in events.groupby(["record_id", "field"]):
        olds = changes["old_value"].tolist()[1:]
        news = changes["new_value"].tolist()[:-1]
        assert [o if pd.notna(o) else None for o in olds] == [
            n if pd.notna(n) else None for n in news
        ]
    last = events.drop_duplicates(["record_id", "field"], keep="last")
    statuses = last[last["field"] == "status"].set_index("record_id")["new_value"]
    current = records.set_index("record_id")["status"]
    assert (current[statuses.index] == statuses).all()
    # Replaying to a day before the history started empties the synthetic relay.
    first = events["at"].min().date() - dt.timedelta(days=1)
    replayed = history.state_as_of(records, events, first)
    assert not replayed["dialogue_id"].isin(records.loc[records["is_demo"], "dialogue_id"]).any()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--reruns", "0"], "--reruns must be at least 1"),
        (["--postgres-url", "mysql://x/y"], "must be a postgresql:// URL"),
        (["--postgres-url", "postgresql://postgres@127.0.0.1:1/test"], "is not usable"),
        # Passed on to the benchmarks' own command line, which refuses it without --browser.
        (["--timeline"], "--timeline belongs to the browser bench"),
    ],
)
def test_bench_refuses_bad_input_in_one_line(
    args: list[str],
    message: str,
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ESTAFETTE_DATABASE_URL", sqlite_url)
    assert cli.main(["bench", *args]) == 2
    err = capfd.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_lesson_search_bench_runs_on_a_small_corpus(backend: str, pg_available: bool) -> None:
    from bench.lessons import format_table, lesson_search_bench
    from tests.conftest import PG_URL

    rows = lesson_search_bench(None if backend == "sqlite" else PG_URL, 300)
    measures = [row["measure"] for row in rows]
    assert "search + filters" in measures and "DOCX export, 500 lessons" in measures
    assert all(row["backend"] == backend and row["lessons"] == 300 for row in rows)
    assert "search 'bewoners'" in format_table(rows)


def test_bench_lessons_refuses_an_empty_corpus_in_one_line(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ESTAFETTE_DATABASE_URL", sqlite_url)
    assert cli.main(["bench-lessons", "--lessons", "0"]) == 2
    err = capfd.readouterr().err.strip().splitlines()
    assert err == ["estafette: --lessons must be at least 1"]
