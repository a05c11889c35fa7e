"""The timeline chart: planned and actual bars per dialogue, undated phases, escaping."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from estafette import charts, history, seed
from tests.factories import change, make_city, make_dialogue, phase
from tests.hostile import SCRIPT

PHASES = [(1, "Verkennen"), (2, "Verbeelden"), (3, "Vormgeven"), (4, "Evalueren"), (5, "Vervolgen")]
TODAY = dt.date(2026, 1, 1)
XSS = SCRIPT  # the one hostile corpus: tests/hostile.py


def traces(fig, kind: str) -> list:
    return [t for t in fig.data if (t.meta or {}).get("kind") == kind]


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_planned_and_actual_bars_per_dialogue(session: Session) -> None:
    seed.add_demo(session.get_bind(), today=TODAY)
    records = history.records_frame(session)
    fig = charts.timeline(records, PHASES, lang="nl", today=TODAY)
    labels = set(charts.row_labels(records, "nl"))
    assert len(labels) == 6
    demo_rows = {label for label in labels if "(demo)" in label}
    planned_rows = {y for t in traces(fig, "planned") for y in t.y}
    actual_rows = {y for t in traces(fig, "actual") for y in t.y}
    assert planned_rows == demo_rows
    assert actual_rows == labels  # the seeded legs have an actual start in Verkennen
    for trace in traces(fig, "actual"):
        assert trace.marker.opacity is None  # solid
    for trace in traces(fig, "planned"):
        # Hatched, with an outline at 3:1+ against the white background (WCAG 1.4.11).
        assert trace.marker.pattern.shape == "/"
        assert contrast(trace.marker.line.color, "#ffffff") >= 3
    # The seeded legs have four undated phases each, listed, not dropped.
    (undated,) = traces(fig, "undated")
    assert len(undated.y) == 3
    assert undated.customdata[0][0] == "Verbeelden, Vormgeven, Evalueren, Vervolgen"
    # Rows in leg order: the category array starts with leg 1.
    assert fig.layout.yaxis.categoryarray[0].startswith("1 · Deventer")
    assert any(a.text == "vandaag" for a in fig.layout.annotations)


def test_running_phase_reaches_today_and_hover_is_escaped(session: Session) -> None:
    city = make_city(session, XSS)
    dialogue = make_dialogue(session, city, neighbourhood=XSS, theme=XSS)
    change(
        session,
        phase(dialogue, 1),
        dt.datetime(2025, 12, 1, 10),
        "Lead",
        status="bezig",
        actual_start=dt.date(2025, 12, 1),
        note=XSS,
    )
    session.commit()
    records = history.records_frame(session)
    records = records[records["dialogue_id"] == dialogue.id]
    fig = charts.timeline(records, PHASES, lang="en", today=TODAY, past=True)
    (actual,) = traces(fig, "actual")
    assert actual.base[0] == "2025-12-01"
    assert actual.x[0] == 31 * charts.DAY_MS
    assert actual.customdata[0][4] == "&lt;img src=x onerror=alert(1)&gt;"
    assert "<img" not in fig.to_json()
    assert any(a.text == "as of" for a in fig.layout.annotations)


def old_and_new(session: Session) -> int:
    """The seeded 2018 legs plus one dialogue planned and running now; its id."""
    dialogue = make_dialogue(session, make_city(session, "Nustad"))
    change(
        session,
        phase(dialogue, 1),
        dt.datetime(2025, 11, 3, 10),
        "Lead",
        status="bezig",
        actual_start=dt.date(2025, 11, 3),
        planned_start=dt.date(2025, 11, 1),
        planned_end=dt.date(2026, 2, 1),
    )
    session.commit()
    return dialogue.id


def test_the_timeline_opens_on_the_last_year_and_half_a_year_ahead(session: Session) -> None:
    old_and_new(session)
    records = history.records_frame(session)
    assert records["actual_start"].min().year == 2018
    fig = charts.timeline(records, PHASES, lang="nl", today=TODAY)
    assert list(fig.layout.xaxis.range) == ["2025-01-01", "2026-07-01"]
    everything = charts.timeline(records, PHASES, lang="nl", today=TODAY, window="all")
    assert everything.layout.xaxis.range[0] < "2018-07-01"
    assert everything.layout.xaxis.range[1] >= "2026-01-01"


def test_planned_and_actual_legend_swatches_differ_beyond_colour(session: Session) -> None:
    old_and_new(session)
    fig = charts.timeline(history.records_frame(session), PHASES, lang="nl", today=TODAY)
    (planned,) = [t for t in traces(fig, "planned") if t.meta["phase"] == 1]
    (actual,) = [t for t in traces(fig, "actual") if t.meta["phase"] == 1]
    # Hatched with an outline versus solid: dense enough stripes to show in a legend swatch.
    assert planned.marker.pattern.shape == "/" and planned.marker.pattern.size <= 6
    assert planned.marker.line.width >= 1
    assert not actual.marker.pattern.shape and actual.marker.color == planned.marker.pattern.fgcolor
