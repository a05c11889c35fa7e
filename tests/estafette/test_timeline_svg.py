"""The static timeline: the figure of charts.timeline drawn as one well-formed SVG."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import lxml.etree
import plotly.graph_objects as go
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from estafette import charts, cities, history, relay, seed, timeline_svg
from estafette.accounts import SYSTEM
from estafette.maps import phase_colour
from estafette.models import City
from tests.estafette.test_charts import old_and_new
from tests.factories import change, make_city, make_dialogue, phase, seeded_engine
from tests.hostile import MARKDOWN, SCRIPT
from tests.uihelpers import SVG, svg_rows

PHASES = [(1, "Verkennen"), (2, "Verbeelden"), (3, "Vormgeven"), (4, "Evalueren"), (5, "Vervolgen")]
TODAY = dt.date(2026, 1, 1)
# What the SVG is made of: nothing that links, loads or runs.
ELEMENTS = {"svg", "title", "desc", "defs", "pattern", "rect", "path", "g", "line", "text"}
ELEMENTS |= {"circle"}


@pytest.fixture
def session(sqlite_url: str) -> Iterator[Session]:
    """The seeded relay on SQLite: the SVG is drawn from a figure, any backend makes one."""
    engine = seeded_engine(sqlite_url)
    with Session(engine) as s:
        yield s
    engine.dispose()


def parse(svg: str) -> lxml.etree._Element:
    """The SVG as XML (it must be well-formed), after the checks every render must pass."""
    first = svg.split("\n", 1)[0]
    # One raw HTML block for Markdown: the <svg> tag alone on the first line, no blank line.
    assert first.startswith("<svg ") and first.count("<") == 1 and first.endswith(">")
    assert not re.search(r"\n[ \t]*\n", svg)
    root = lxml.etree.fromstring(svg.encode())
    assert root.tag == f"{SVG}svg" and root.get("class") == "est-timeline"
    assert root.get("width") == "100%" and root.get("role") == "img"
    for element in root.iter():
        assert element.tag.removeprefix(SVG) in ELEMENTS, element.tag
        assert not any(name.startswith("on") or "href" in name for name in element.attrib)
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    # Every url(#…) fill points at a pattern of this SVG.
    for element in root.iter():
        for target in re.findall(r"url\(#([^)]+)\)", element.get("fill", "")):
            assert target in ids
    return root


def found(root: lxml.etree._Element, tag: str, css: str) -> list[lxml.etree._Element]:
    """The ``tag`` elements having every class of ``css`` ("est-bar est-planned")."""
    wanted = set(css.split())
    return [e for e in root.iter(f"{SVG}{tag}") if wanted <= set((e.get("class") or "").split())]


def bars_in_window(figure: go.Figure, kind: str) -> int:
    """How many bars of ``kind`` the figure has that are not wholly outside its x range."""
    start, end = (dt.date.fromisoformat(d) for d in figure.layout.xaxis.range)
    count = 0
    for trace in figure.data:
        if (trace.meta or {}).get("kind") != kind:
            continue
        for base, length in zip(trace.base, trace.x, strict=True):
            first = dt.date.fromisoformat(base)
            last = first + dt.timedelta(milliseconds=length)
            count += last > start and first < end
    return count


def test_planned_and_actual_bars_per_dialogue_hatched_and_solid(session: Session) -> None:
    seed.add_demo(session.get_bind(), today=TODAY)
    old_and_new(session)
    figure = charts.timeline(
        history.records_frame(session), PHASES, lang="nl", today=TODAY, window="all"
    )
    root = parse(timeline_svg.render(figure, "nl"))
    planned = found(root, "rect", "est-bar est-planned")
    actual = found(root, "rect", "est-bar est-actual")
    assert len(planned) == bars_in_window(figure, "planned") > 0
    assert len(actual) == bars_in_window(figure, "actual") > 0
    patterns = {p.get("id"): p for p in root.iter(f"{SVG}pattern")}
    assert len(patterns) == len({bar.get("data-phase") for bar in planned})
    for bar in planned:
        # Hatched in the phase colour, with the dark outline (3:1+ on white, WCAG 1.4.11).
        pattern = patterns[re.fullmatch(r"url\(#(.+)\)", bar.get("fill")).group(1)]
        assert pattern.find(f"{SVG}path").get("stroke") == phase_colour(int(bar.get("data-phase")))
        assert bar.get("stroke") == charts.PLANNED_OUTLINE
    for bar in actual:
        assert bar.get("fill") == phase_colour(int(bar.get("data-phase")))
        assert bar.get("stroke") is None
    # Actual bars are drawn thinner than planned ones (0.4 against 0.8 of a row).
    assert float(actual[0].get("height")) * 2 == pytest.approx(
        float(planned[0].get("height")), abs=0.2
    )
    # The legend tells planned from actual beyond colour: a hatched key and a solid one.
    legend = [(g.get("data-kind"), g[0], g[1].text) for g in found(root, "g", "est-legend-item")]
    assert [text for _, _, text in legend][:2] == ["Verkennen (gepland)", "Verkennen (werkelijk)"]
    for kind, key, _ in legend[:2]:
        assert key.get("fill").startswith("url(#") == (kind == "planned")
    # The summary for screen readers names the count and the window.
    title = root.find(f"{SVG}title")
    assert root.get("aria-labelledby").split()[0] == title.get("id")
    assert title.text.startswith("Tijdlijn: 7 wijkdialogen, ")


def test_rows_in_leg_order_first_on_top(session: Session) -> None:
    old_and_new(session)
    figure = charts.timeline(history.records_frame(session), PHASES, lang="nl", today=TODAY)
    root = parse(timeline_svg.render(figure, "nl"))
    assert list(svg_rows(root)) == list(figure.layout.yaxis.categoryarray)
    assert next(iter(svg_rows(root))).startswith("1 · Deventer")
    # Row 0 at the top: every mark's middle lies lower the higher its row number.
    middles = {}
    for bar in found(root, "rect", "est-bar"):
        middle = float(bar.get("y")) + float(bar.get("height")) / 2
        middles.setdefault(int(bar.get("data-row")), set()).add(round(middle, 1))
    assert all(len(values) == 1 for values in middles.values())
    ordered = [middles[row].pop() for row in sorted(middles)]
    assert ordered == sorted(ordered)


def _plot(root: lxml.etree._Element) -> tuple[float, float, dt.date, dt.date]:
    (plot,) = found(root, "rect", "est-plot")
    left = float(plot.get("x"))
    start, end = (dt.date.fromisoformat(root.get(name)) for name in ("data-start", "data-end"))
    return left, left + float(plot.get("width")), start, end


def test_the_today_line_and_its_label(session: Session) -> None:
    old_and_new(session)
    figure = charts.timeline(history.records_frame(session), PHASES, lang="nl", today=TODAY)
    root = parse(timeline_svg.render(figure, "nl"))
    left, right, start, end = _plot(root)
    assert (start, end) == (dt.date(2025, 1, 1), dt.date(2026, 7, 1))
    (line,) = found(root, "line", "est-today")
    expected = left + (TODAY - start).days / (end - start).days * (right - left)
    assert float(line.get("x1")) == float(line.get("x2")) == pytest.approx(expected, abs=0.1)
    assert line.get("stroke") == "#D55E00" and line.get("stroke-dasharray")
    (label,) = found(root, "text", "est-today-label")
    assert label.text == "vandaag"
    assert "De stippellijn staat op 1 jan 2026 (vandaag)." in root.find(f"{SVG}desc").text
    past = charts.timeline(
        history.records_frame(session), PHASES, lang="en", today=TODAY, past=True
    )
    assert found(parse(timeline_svg.render(past, "en")), "text", "est-today-label")[0].text == (
        "as of"
    )


@pytest.mark.parametrize(
    ("lang", "months"),
    [("nl", ["jan", "feb", "mrt", "apr", "mei"]), ("en", ["Jan", "Feb", "Mar", "Apr", "May"])],
)
def test_month_ticks_in_the_readers_language(session: Session, lang: str, months: list) -> None:
    old_and_new(session)
    figure = charts.timeline(history.records_frame(session), PHASES, lang=lang, today=TODAY)
    root = parse(timeline_svg.render(figure, lang))
    labels = [t.text for t in found(root, "text", "est-tick-label")]
    # The window runs from 1 January 2025 to 1 July 2026: a tick for every month.
    assert labels[:5] == months and len(labels) == 19
    assert [t.text for t in found(root, "text", "est-tick-year")] == ["2025", "2026"]


def test_everything_gets_coarser_ticks_with_every_year(session: Session) -> None:
    old_and_new(session)
    figure = charts.timeline(
        history.records_frame(session), PHASES, lang="nl", today=TODAY, window="all"
    )
    root = parse(timeline_svg.render(figure, "nl"))
    labels = [t.text for t in found(root, "text", "est-tick-label")]
    years = [t.text for t in found(root, "text", "est-tick-year")]
    # Eight years from July 2018: half years or whole years, never a tick per month.
    assert 8 <= len(labels) <= 18
    assert [str(y) for y in range(2019, 2027)] == [y for y in labels + years if y.isdigit()][-8:]


def test_bars_outside_the_window_are_left_out_and_cut_at_its_edges(session: Session) -> None:
    # Demo dialogues planned and run in 2019, long before the window opens.
    seed.add_demo(session.get_bind(), today=dt.date(2020, 1, 1))
    dialogue_id = old_and_new(session)
    records = history.records_frame(session)
    figure = charts.timeline(records, PHASES, lang="nl", today=TODAY)
    root = parse(timeline_svg.render(figure, "nl"))
    left, right, _, _ = _plot(root)
    # The demo's finished 2019 phases lie wholly before the window: not drawn.
    every = sum(len(t.base) for t in figure.data if t.type == "bar")
    drawn = found(root, "rect", "est-bar")
    assert len(drawn) == bars_in_window(figure, "planned") + bars_in_window(figure, "actual")
    assert len(drawn) < every
    for bar in drawn:
        assert left - 0.01 <= float(bar.get("x"))
        assert float(bar.get("x")) + float(bar.get("width")) <= right + 0.01
    # Verkennen of the seeded legs started in 2018 and still runs: cut at the left edge.
    running = [bar for bar in found(root, "rect", "est-actual") if "3 jul 2018" in bar[0].text]
    assert running and all(float(bar.get("x")) == pytest.approx(left, abs=0.05) for bar in running)
    # Nustad's planned Verkennen (1 Nov 2025 – 1 Feb 2026) lies inside: drawn whole.
    label = charts.row_labels(records[records["dialogue_id"] == dialogue_id], "nl").iloc[0]
    (bar,) = [b for b in found(root, "rect", "est-planned") if f"\n{label}\n" in b[0].text]
    assert float(bar.get("x")) > left


def test_hostile_text_reads_exactly_as_typed(session: Session) -> None:
    """Each payload as a neighbourhood and a note: text in the SVG, escaped once, never markup."""
    city = make_city(session, SCRIPT)
    for payload in MARKDOWN:
        dialogue = make_dialogue(session, city, neighbourhood=payload)
        change(
            session,
            phase(dialogue, 1),
            dt.datetime(2025, 12, 1, 10),
            "Lead",
            status="bezig",
            actual_start=dt.date(2025, 12, 1),
            note=payload,
        )
    session.commit()
    records = history.records_frame(session)
    records = records[records["city"] == SCRIPT]
    svg = timeline_svg.render(charts.timeline(records, PHASES, lang="nl", today=TODAY), "nl")
    assert "<img" not in svg and "<script" not in svg and "<b>" not in svg
    root = parse(svg)
    rows = list(svg_rows(root))
    titles = [bar[0].text for bar in found(root, "rect", "est-actual")]
    for payload in MARKDOWN:
        assert any(row.endswith(f" · {SCRIPT} · {payload}") for row in rows), payload
        # The hover: phase · kind, row, dates, status, and the note as typed.
        assert any(
            title.startswith("Verkennen · werkelijk\n") and title.endswith(f"bezig\n{payload}")
            for title in titles
        ), payload


def test_a_long_label_is_cut_and_keeps_its_whole_text(session: Session) -> None:
    long = "Wijk " + "met een heel lange naam " * 4
    dialogue = make_dialogue(session, make_city(session, "Langstad"), neighbourhood=long)
    change(session, phase(dialogue, 1), dt.datetime(2025, 12, 1), "Lead", status="bezig")
    session.commit()
    records = history.records_frame(session)
    figure = charts.timeline(records, PHASES, lang="nl", today=TODAY)
    root = parse(timeline_svg.render(figure, "nl"))
    (group,) = [g for g in found(root, "g", "est-row-label") if g.find(f"{SVG}title") is not None]
    whole = group.find(f"{SVG}title").text
    shown = group.find(f"{SVG}text").text
    assert whole.endswith(f" · Langstad · {long}")
    assert shown.endswith("…") and whole.startswith(shown[:-1])


def test_markers_hand_overs_and_cities_without_a_dialogue(session: Session) -> None:
    deventer, utrecht = (
        session.scalar(select(City).where(City.name == name)) for name in ("Deventer", "Utrecht")
    )
    (handed,) = [d for d in deventer.dialogues if not d.is_demo]
    # Only a dialogue in its last phase passes the baton.
    for position in range(1, 6):
        change(session, phase(handed, position), dt.datetime(2025, 9, 1), "Lead", status="bezig")
    relay.record_handover(
        session,
        SYSTEM,
        from_dialogue_id=handed.id,
        to_city_id=utrecht.id,
        handed_over_on=dt.date(2025, 10, 1),
    )
    relay.add_city(session, SYSTEM, name="Zwolle", joined_on=dt.date(2025, 6, 1))
    session.commit()
    figure = charts.timeline(
        history.records_frame(session),
        PHASES,
        lang="nl",
        today=TODAY,
        handovers=relay.handovers(session),
        empty_cities=cities.without_dialogue(session),
    )
    root = parse(timeline_svg.render(figure, "nl"))
    rows = svg_rows(root)
    (diamond,) = found(root, "path", "est-marker est-handover")
    assert diamond[0].text == "Stokje overgedragen op 1 okt 2025: Deventer → Utrecht"
    assert "handover" in rows[next(r for r in rows if r.startswith("1 · Deventer"))]
    assert rows["4 · Zwolle · nog geen dialoog"] == {"no_dialogue"}
    (empty,) = found(root, "circle", "est-marker est-no_dialogue")
    assert empty[0].text == "4 · Zwolle · nog geen dialoog"
    undated = found(root, "circle", "est-marker est-undated")
    assert undated and undated[0][0].text.startswith("Nog geen datums: ")
    # The legend: a key per trace, hatched and solid bars told apart beyond colour.
    keys = {g.get("data-kind"): g[0] for g in found(root, "g", "est-legend-item")}
    assert {"actual", "undated", "handover", "no_dialogue"} <= set(keys)
    assert keys["handover"].tag == f"{SVG}path" and keys["undated"].tag == f"{SVG}circle"
    assert keys["no_dialogue"].tag == f"{SVG}circle"


def test_ids_are_unique_per_render(session: Session) -> None:
    old_and_new(session)
    figure = charts.timeline(history.records_frame(session), PHASES, lang="nl", today=TODAY)
    ids = [
        {e.get("id") for e in parse(timeline_svg.render(figure, "nl", prefix=p)).iter()} - {None}
        for p in ("city", "dialogue")
    ]
    assert ids[0] and not ids[0] & ids[1]
    assert all(i.startswith("city-") for i in ids[0])
    other = charts.timeline(history.records_frame(session), PHASES, lang="en", today=TODAY)
    hashed = [
        {e.get("id") for e in parse(timeline_svg.render(f, "nl")).iter()} - {None}
        for f in (figure, other)
    ]
    assert not hashed[0] & hashed[1]


def test_an_empty_figure() -> None:
    root = parse(timeline_svg.render(go.Figure(), "nl"))
    assert root.find(f"{SVG}title").text == "Tijdlijn: 0 wijkdialogen"
    assert found(root, "rect", "est-bar") == [] and found(root, "line", "est-today") == []
    assert root.get("viewBox") == "0 0 1100 450"


def test_what_it_cannot_draw_is_refused() -> None:
    with pytest.raises(ValueError, match="trace type"):
        timeline_svg.render(go.Figure(go.Pie(values=[1])), "nl")
    with pytest.raises(ValueError, match="horizontal"):
        timeline_svg.render(go.Figure(go.Bar(x=["a"], y=[1])), "nl")
