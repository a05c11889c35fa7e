"""The overview's views of the records, against straightforward references on hand-made frames.

Every process recomputes cities.summarise, alerts.attention, cities.matrix_table,
cities.city_progress and history.names after every status save, so they work on codes and
arrays; each is compared here with a plain loop over the rows that says what it means.
"""

from __future__ import annotations

import datetime as dt
import functools

import pandas as pd
import pytest

from estafette import alerts, cities, formatting, history, i18n
from estafette.alerts import ALERT_COLUMNS, SeedMark
from estafette.cities import OVERVIEW_FIXED, STATUS_SYMBOLS, SUMMARY_EXTRA, status_key
from estafette.history import RECORD_COLUMNS
from estafette.phases import STATUSES

PHASES = ("Verkennen", "Verbeelden", "Vormgeven", "Evalueren", "Vervolgen")
TODAY = dt.date(2025, 6, 1)
SEED = SeedMark("Kennismakingsworkshop", dt.datetime(2025, 3, 1, 12, 30, 0, 500))
label = functools.partial(i18n.translate, lang="nl")

RECORD_DTYPES = {
    **dict.fromkeys(RECORD_COLUMNS, "str"),
    **dict.fromkeys(("record_id", "dialogue_id", "city_id", "leg", "phase_position"), "int64"),
    **dict.fromkeys(("latitude", "longitude"), "float64"),
    "is_demo": "bool",
    **dict.fromkeys(
        ("created_at", "planned_start", "planned_end", "actual_start", "actual_end", "updated_at"),
        "datetime64[ns]",
    ),
}


def _day(text: str | None) -> pd.Timestamp:
    return pd.Timestamp(text) if text else pd.NaT


def _dialogue(
    dialogue_id: int, city: str, leg: int, statuses: str, **per_phase: dict[str, object]
) -> list[dict[str, object]]:
    """One dialogue's records; ``statuses`` has a letter per phase (n, b, a, p; - for none)."""
    names = {"n": "niet gestart", "b": "bezig", "a": "afgerond", "p": "gepauzeerd"}
    rows = []
    for position, letter in enumerate(statuses, start=1):
        if letter == "-":
            continue
        row: dict[str, object] = {
            "record_id": dialogue_id * 10 + position,
            "dialogue_id": dialogue_id,
            "city_id": leg,
            "city": city,
            "province": "Utrecht",
            "leg": leg,
            "latitude": 52.0 + leg / 10,
            "longitude": 5.0,
            "neighbourhood": "",
            "theme": "",
            "is_demo": False,
            "created_at": pd.Timestamp("2024-01-01 09:00"),
            "phase_position": position,
            "phase_code": PHASES[position - 1].lower(),
            "phase": PHASES[position - 1],
            "status": names[letter],
            "note": "",
            "updated_at": pd.Timestamp("2024-01-01 09:00"),
            "updated_by": "",
        }
        for field in ("planned_start", "planned_end", "actual_start", "actual_end"):
            row[field] = pd.NaT
        for key, value in per_phase.get(f"p{position}", {}).items():
            row[key] = _day(value) if key.endswith(("_start", "_end")) else value
        row.update(per_phase.get("all", {}))
        rows.append(row)
    return rows


def _records(*dialogues: list[dict[str, object]]) -> pd.DataFrame:
    rows = [row for dialogue in dialogues for row in dialogue]
    return pd.DataFrame(rows, columns=list(RECORD_COLUMNS)).astype(RECORD_DTYPES)


def relay() -> pd.DataFrame:
    """Four dialogues in relay order: each edge case the overview meets."""
    lead = {"updated_by": "Lead"}
    return _records(
        # Started, one phase done with dates, one overdue; updated at two moments (one a tie).
        _dialogue(
            10,
            "Zwolle",
            2,
            "abnnn",
            all={"neighbourhood": "Assendorp", "theme": "Groen"},
            p1={
                "actual_start": "2024-01-10",
                "actual_end": "2024-02-01",
                "updated_at": pd.Timestamp("2024-02-01 10:00:00.000001"),
                **lead,
            },
            p2={
                "actual_start": "2024-02-02",
                "planned_end": "1969-12-31",
                "updated_at": pd.Timestamp("2024-02-01 10:00:00.000001"),
                **lead,
            },
        ),
        # Nothing started, never touched, no dates, no neighbourhood.
        _dialogue(11, "Zwolle", 2, "nnnnn"),
        # A finished phase without an end, planned dates only, no record for the last phase,
        # and last changed by the seed.
        _dialogue(
            12,
            "Amersfoort",
            1,
            "anbn-",
            all={"neighbourhood": "Vathorst"},
            p1={"actual_start": "2024-03-01", "updated_by": SEED.actor},
            p3={
                "planned_start": "2025-07-01",
                "actual_start": "2025-05-01",
                "planned_end": "2025-05-20",
                "updated_by": SEED.actor,
                "updated_at": pd.Timestamp("2024-04-01 08:00"),
            },
            p4={"planned_end": "2025-09-01"},
        ),
        # Every phase done: not stale, however old.
        _dialogue(
            13,
            "Amersfoort",
            1,
            "aaaaa",
            all={"actual_start": "2019-01-01", "actual_end": "2019-02-01", **lead},
        ),
    )


CASES = {
    "relay": relay,
    "shuffled": lambda: relay().sample(frac=1, random_state=7),
    "one phase": lambda: relay().query("phase_position == 3"),
    "archived dialogue absent": lambda: relay().query("dialogue_id != 12"),
    "empty": lambda: relay().iloc[:0],
}


def _summary_reference(records: pd.DataFrame) -> pd.DataFrame:
    """One row per dialogue, read off its records one by one."""
    names: dict[int, str] = {}
    for position, name in zip(records["phase_position"], records["phase"], strict=True):
        names.setdefault(position, name)
    positions = sorted(names)
    columns = [*OVERVIEW_FIXED, *SUMMARY_EXTRA, *(names[p] for p in positions)]
    if records.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for dialogue_id, own in records.groupby("dialogue_id", sort=False):
        first = own.iloc[0]
        status = dict(zip(own["phase_position"], own["status"], strict=True))
        started = [p for p in positions if status.get(p, "niet gestart") != "niet gestart"]
        current = max(started) if started else positions[0]
        here = own[own["phase_position"] == current]
        touched = own[own["updated_by"] != ""]
        latest = touched.loc[touched["updated_at"].idxmax()] if len(touched) else None
        rows.append(
            {
                **{c: first[c] for c in ("leg", "city", "neighbourhood", "theme", "is_demo")},
                **{c: first[c] for c in ("city_id", "province", "latitude", "longitude")},
                "dialogue_id": dialogue_id,
                "current_phase": here["phase"].iloc[0] if len(here) else "",
                "current_status": here["status"].iloc[0] if len(here) else "",
                "completed": sum(s == "afgerond" for s in status.values()),
                "total": len(status),
                "current_position": current,
                "current_since": here["actual_start"].iloc[0] if len(here) else pd.NaT,
                "last_update": first["created_at"] if latest is None else latest["updated_at"],
                "last_update_by": "" if latest is None else latest["updated_by"],
                **{names[p]: status.get(p, "") for p in positions},
            }
        )
    dtypes = {c: "str" for c in columns} | {
        **dict.fromkeys(("dialogue_id", "leg", "completed", "total", "city_id"), "int64"),
        **dict.fromkeys(("latitude", "longitude"), "float64"),
        "current_position": "int64",
        "is_demo": "bool",
        **dict.fromkeys(("current_since", "last_update"), "datetime64[ns]"),
    }
    return pd.DataFrame(rows, columns=columns).astype(dtypes)


def _alerts_reference(
    records: pd.DataFrame, summary: pd.DataFrame, stale_days: int, seeded: SeedMark | None
) -> pd.DataFrame:
    """The three kinds of alert, row by row, most urgent first."""
    today = pd.Timestamp(TODAY)
    found = []
    for r in records.itertuples():
        if r.status == "bezig" and pd.notna(r.planned_end) and r.planned_end < today:
            days = (today - r.planned_end.normalize()).days
            found.append(("overdue", *_place(r), r.phase, days, r.planned_end))
    for s in summary.itertuples():
        last = s.last_update
        if seeded is not None and s.last_update_by == seeded.actor:
            last = pd.Timestamp(seeded.at) if seeded.at is not None else pd.NaT
        if s.completed < s.total and pd.notna(last):
            days = (today - last.normalize()).days
            if days > stale_days:
                found.append(("stale", *_place(s), s.current_phase, days, last.normalize()))
    for r in records.itertuples():
        if r.status == "afgerond" and pd.isna(r.actual_end):
            found.append(("no_end", *_place(r), r.phase, 0, pd.NaT))
    if not found:
        return pd.DataFrame(columns=list(ALERT_COLUMNS))
    order = ["overdue", "stale", "no_end"]
    found.sort(key=lambda a: (order.index(a[0]), -a[6], a[2], a[1]))
    frame = pd.DataFrame(found, columns=list(ALERT_COLUMNS))
    return frame.astype({"dialogue_id": "int64", "leg": "int64", "days": "int64"}).astype(
        {"since": "datetime64[ns]"}
    )


def _place(row: object) -> tuple[object, ...]:
    return tuple(getattr(row, c) for c in ("dialogue_id", "leg", "city", "neighbourhood"))


def _cell(r: pd.Series) -> str:
    """One matrix cell: the status with its symbol, and the actual or else the planned dates."""
    day = functools.partial(formatting.date, lang="nl")
    status = (
        f"{STATUS_SYMBOLS[r['status']]} {label(status_key(r['status']))}"
        if r["status"] in STATUSES
        else r["status"]
    )
    if pd.notna(r["actual_start"]) or pd.notna(r["actual_end"]):
        when = f"{day(r['actual_start'])} → {day(r['actual_end'])}".rstrip()
    elif pd.notna(r["planned_start"]) or pd.notna(r["planned_end"]):
        when = f"{label('matrix.planned')} {day(r['planned_start'])} → {day(r['planned_end'])}"
        when = when.rstrip()
    else:
        when = label("matrix.no_dates")
    return f"{status} · {when}"


def _matrix_reference(records: pd.DataFrame) -> pd.DataFrame:
    """One row per dialogue in order of its first record, a cell per phase, and its progress."""
    if records.empty:
        return pd.DataFrame()
    names: dict[int, str] = {}
    for position, name in zip(records["phase_position"], records["phase"], strict=True):
        names.setdefault(position, name)
    positions = sorted(names)
    rows, index = [], []
    for _, own in records.groupby("dialogue_id", sort=False):
        by_position = {r["phase_position"]: r for _, r in own.iterrows()}
        hood = own["neighbourhood"].iloc[0]
        done = int((own["status"] == "afgerond").sum())
        rows.append(
            [
                hood or label("overview.undecided"),
                *(_cell(by_position[p]) if p in by_position else "" for p in positions),
                label("overview.progress_value", done=done, total=len(own)),
            ]
        )
        index.append(own["city"].iloc[0])
    columns = [
        label("overview.col_neighbourhood"),
        *(names[p] for p in positions),
        label("overview.col_progress"),
    ]
    table = pd.DataFrame(rows, columns=columns, dtype="str")
    table.index = pd.Index(index, name=label("overview.col_city"), dtype="str")
    return table


def _progress_reference(summary: pd.DataFrame) -> pd.DataFrame:
    """Dialogues and phases per (leg, city), in relay order."""
    sums: dict[tuple[int, str], list[int]] = {}
    for s in summary.itertuples():
        counts = sums.setdefault((s.leg, s.city), [0, 0, 0])
        counts[0] += 1
        counts[1] += s.completed
        counts[2] += s.total
    rows = [
        (leg, city, n, done, total, done / total if total > 0 else 0.0)
        for (leg, city), (n, done, total) in sorted(sums.items())
    ]
    columns = ["leg", "city", "dialogues", "completed", "total", "share"]
    dtypes = {"leg": "int64", "city": "str", "dialogues": "int64", "completed": "int64"}
    return pd.DataFrame(rows, columns=columns).astype(dtypes | {"total": "int64"})


@pytest.mark.parametrize("case", list(CASES))
def test_summarise_matches_a_row_by_row_reading(case: str) -> None:
    records = CASES[case]()
    found = cities.summarise(records)
    expected = _summary_reference(records)
    pd.testing.assert_frame_equal(found, expected, check_exact=True)


def test_summarise_of_the_relay_reads_as_expected() -> None:
    summary = cities.summarise(relay()).set_index("dialogue_id")
    assert summary.loc[10, ["current_phase", "completed", "last_update_by"]].tolist() == [
        "Verbeelden",
        1,
        "Lead",
    ]
    # Never started: the first phase, and the creation time as the last update.
    assert summary.loc[11, "current_position"] == 1
    assert summary.loc[11, "last_update"] == pd.Timestamp("2024-01-01 09:00")
    # No record for the last phase: four in total, and no status in that column.
    assert (summary.loc[12, "total"], summary.loc[12, "Vervolgen"]) == (4, "")


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("seeded", [None, SEED, SeedMark(SEED.actor, None)])
@pytest.mark.parametrize("stale_days", [1, 30, 500])
def test_attention_matches_a_row_by_row_reading(
    case: str, seeded: SeedMark | None, stale_days: int
) -> None:
    records = CASES[case]()
    summary = cities.summarise(records)
    found = alerts.attention(records, summary, TODAY, stale_days, seeded)
    expected = _alerts_reference(records, summary, stale_days, seeded)
    pd.testing.assert_frame_equal(found, expected, check_exact=True)


def test_attention_finds_each_kind() -> None:
    records = relay()
    found = alerts.attention(records, cities.summarise(records), TODAY, 30, SEED)
    assert found[["kind", "dialogue_id"]].values.tolist() == [
        ["overdue", 10],
        ["overdue", 12],
        # Most days idle first; the seed's change counts from the day it was installed.
        ["stale", 11],
        ["stale", 10],
        ["stale", 12],
        ["no_end", 12],
    ]
    assert found["days"].tolist() == [20241, 12, 517, 486, 92, 0]


@pytest.mark.parametrize("case", list(CASES))
def test_matrix_table_matches_a_row_by_row_reading(case: str) -> None:
    records = CASES[case]()
    found = cities.matrix_table(records, label, "nl")
    pd.testing.assert_frame_equal(found, _matrix_reference(records), check_exact=True)


@pytest.mark.parametrize("case", list(CASES))
def test_city_progress_matches_a_reading_per_city(case: str) -> None:
    summary = cities.summarise(CASES[case]())
    found = cities.city_progress(summary)
    if summary.empty:
        assert found.empty
        assert list(found.columns) == ["leg", "city", "dialogues", "completed", "total", "share"]
        return
    pd.testing.assert_frame_equal(found, _progress_reference(summary), check_exact=True)
    # A filter that leaves no dialogue keeps the columns and their types.
    none = cities.city_progress(summary.iloc[:0])
    assert list(none.columns) == list(found.columns)


@pytest.mark.parametrize("case", list(CASES))
def test_names_are_cities_in_relay_order_and_phases_in_phase_order(case: str) -> None:
    records = CASES[case]()
    first: dict[int, str] = {}
    for position, name in zip(records["phase_position"], records["phase"], strict=True):
        first.setdefault(position, name)
    cities_seen = list(dict.fromkeys(records["city"]))
    assert history.names(records) == (cities_seen, [first[p] for p in sorted(first)])
