"""Progress report for the steering group (stuurgroep): the relay as it stood on a date.

One list of blocks (headings, paragraphs, tables, images) is rendered to DOCX (python-docx) or
PDF (reportlab, pure Python: no LibreOffice needed). The map and the timeline are drawn with
matplotlib's Agg backend, offline. Beyond ``DETAIL_LIMIT`` dialogues the per-dialogue matrix and
paragraphs give way to summary tables per city, so a national report stays readable.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from estafette import alerts, cities, formatting, history, i18n, lesson_views, lessons, relay, seed
from estafette.errors import DomainError
from estafette.models import LessonEvent, LessonStatus, Phase
from estafette.report_images import TIMELINE_ROWS, map_image, timeline_image  # noqa: F401
from estafette.report_render import DETAIL_LIMIT, Block, render_docx, render_pdf

FORMATS = ("docx", "pdf")
MIME_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
# Beyond this many dialogues: summary tables per city instead of a row/paragraph per dialogue.
ATTENTION_ROWS = 40
LESSON_ROWS = 50
DEFAULT_PERIOD = dt.timedelta(days=91)


class ReportError(DomainError, ValueError):
    """A report request that cannot be served; ``code`` picks the translated text."""

    prefix = "report.error"


# --------------------------------------------------------------------------------------------
# Content
# --------------------------------------------------------------------------------------------


def _day(value: object, lang: str) -> str:
    """A date in the report's language (Babel); a dash for missing dates (None, NaT)."""
    return formatting.date(value, lang) or "—"  # type: ignore[arg-type]


def _accepted_lessons(session: Session, since: dt.date, as_of: dt.date) -> list[lessons.LessonView]:
    """Lessons accepted within (since, as_of], in the order they were accepted."""
    start = dt.datetime.combine(since, dt.time()) + dt.timedelta(days=1)
    end = dt.datetime.combine(as_of, dt.time()) + dt.timedelta(days=1)
    ids = session.scalars(
        select(LessonEvent.lesson_id)
        .where(
            LessonEvent.to_status == LessonStatus.GEACCEPTEERD.value,
            LessonEvent.at >= start,
            LessonEvent.at < end,
        )
        .order_by(LessonEvent.at, LessonEvent.id)
    )
    return lessons.load_views(session, list(dict.fromkeys(ids)))


def build_blocks(
    session: Session,
    as_of: dt.date,
    lang: str = "nl",
    since: dt.date | None = None,
    stale_days: int = 30,
) -> list[Block]:
    """The report's content as blocks (shared by the DOCX and PDF renderers)."""
    since = since or as_of - DEFAULT_PERIOD
    if since >= as_of:
        raise ReportError("period_invalid")
    tr: Callable[..., str] = functools.partial(i18n.translate, lang=lang)
    current = history.records_frame(session)
    records = history.state_as_of(current, history.events_frame(session), as_of)
    summary = cities.summarise(records)
    phases = [p.name for p in session.scalars(select(Phase).order_by(Phase.position))]
    handovers = [h for h in relay.handovers(session) if h.handed_over_on <= as_of]
    blocks = [
        Block("title", tr("report.title")),
        Block("para", tr("report.subtitle", date=_day(as_of, lang), since=_day(since, lang))),
        Block("para", tr("report.generated", date=_day(dt.date.today(), lang))),
        Block("pagebreak"),
    ]

    # Relay progress.
    done, total = cities.relay_progress(summary) if not summary.empty else (0, 0)
    share = f"{100 * done / total:.0f}%" if total else "—"
    blocks += [
        Block("heading", tr("report.progress")),
        Block(
            "para",
            tr(
                "report.progress_text",
                cities=int(summary["city"].nunique()) if not summary.empty else 0,
                dialogues=len(summary),
                done=done,
                total=total,
                share=share,
                handovers=len(handovers),
            ),
        ),
    ]
    if not summary.empty:
        counts = summary["current_phase"].value_counts()
        blocks.append(
            Block(
                "table",
                header=[tr("report.col_phase"), tr("report.col_dialogues_now")],
                rows=[[name, str(int(counts.get(name, 0)))] for name in phases],
            )
        )

    # Images: the map and the timeline.
    blocks += [
        Block("heading", tr("report.map")),
        Block("image", image=map_image(summary, handovers)),
    ]
    timeline_png, shown = timeline_image(records, as_of, lang)
    blocks += [Block("heading", tr("report.timeline")), Block("image", image=timeline_png)]
    if shown < summary.shape[0]:
        blocks.append(Block("para", tr("report.timeline_cut", shown=shown, total=len(summary))))

    # City × phase matrix.
    blocks.append(Block("heading", tr("report.matrix")))
    blocks += _matrix(records, summary, phases, tr)

    # Attention.
    blocks.append(Block("heading", tr("report.attention")))
    found = alerts.attention(records, summary, as_of, stale_days, seed.seed_mark(session))
    if found.empty:
        blocks.append(Block("para", tr("alerts.none")))
    else:
        table = alerts.alert_table(found, tr, lang)
        blocks.append(
            Block(
                "table",
                header=[str(c) for c in table.columns],
                rows=table.head(ATTENTION_ROWS).astype(str).to_numpy().tolist(),
            )
        )
        if len(table) > ATTENTION_ROWS:
            more = len(table) - ATTENTION_ROWS
            blocks.append(Block("para", i18n.translate_count("report.more_rows", lang, more)))

    # Each city.
    blocks.append(Block("heading", tr("report.cities")))
    blocks += _city_sections(summary, records, handovers, tr, lang)

    # Lessons of the period.
    blocks.append(
        Block("heading", tr("report.lessons", since=_day(since, lang), date=_day(as_of, lang)))
    )
    accepted = _accepted_lessons(session, since, as_of)
    if not accepted:
        blocks.append(Block("para", tr("report.no_lessons")))
    for view in accepted[:LESSON_ROWS]:
        origin = lesson_views.origin(view, lang)
        blocks.append(Block("heading", f"{view.title} — {origin} · {view.phase_name}", level=3))
        text = view.recommendation or view.what_worked or view.situation
        if text:
            blocks.append(Block("para", text))
    if len(accepted) > LESSON_ROWS:
        blocks.append(Block("para", tr("report.more_rows", count=len(accepted) - LESSON_ROWS)))
    return blocks


def _matrix(
    records: pd.DataFrame, summary: pd.DataFrame, phases: list[str], tr: Callable[..., str]
) -> list[Block]:
    if records.empty:
        return [Block("para", tr("report.empty"))]
    header_phases = phases
    if len(summary) <= DETAIL_LIMIT:
        wide = records.pivot(index="dialogue_id", columns="phase", values="status")
        rows = []
        for row in summary.itertuples():
            statuses = [
                tr(cities.status_key(wide.at[row.dialogue_id, p]))
                if p in wide.columns and isinstance(wide.at[row.dialogue_id, p], str)
                else ""
                for p in header_phases
            ]
            rows.append([row.city, row.neighbourhood or tr("overview.undecided"), *statuses])
        return [
            Block(
                "table",
                header=[tr("report.col_city"), tr("report.col_neighbourhood"), *header_phases],
                rows=rows,
            )
        ]
    # National scale: per city, how many dialogues are in each phase now, and progress.
    counts = pd.crosstab([summary["leg"], summary["city"]], summary["current_phase"])
    counts = counts.reindex(columns=header_phases, fill_value=0)
    totals = summary.groupby(["leg", "city"]).agg(
        n=("dialogue_id", "size"), done=("completed", "sum"), total=("total", "sum")
    )
    rows = []
    for (leg, city), values in zip(counts.index, counts.to_numpy(), strict=True):
        done = f"{int(totals.at[(leg, city), 'done'])}/{int(totals.at[(leg, city), 'total'])}"
        n = str(int(totals.at[(leg, city), "n"]))
        rows.append([city, n, *[str(int(v)) for v in values], done])
    return [
        Block("para", tr("report.matrix_summary", limit=DETAIL_LIMIT)),
        Block(
            "table",
            header=[
                tr("report.col_city"),
                tr("report.col_dialogues"),
                *header_phases,
                tr("report.col_done"),
            ],
            rows=rows,
        ),
    ]


def _city_sections(
    summary: pd.DataFrame,
    records: pd.DataFrame,
    handovers: list[relay.HandoverInfo],
    tr: Callable[..., str],
    lang: str,
) -> list[Block]:
    if summary.empty:
        return [Block("para", tr("report.empty"))]
    received: dict[str, list[relay.HandoverInfo]] = {}
    given: dict[str, list[relay.HandoverInfo]] = {}
    for h in handovers:
        received.setdefault(h.to_city, []).append(h)
        given.setdefault(h.from_city, []).append(h)
    if len(summary) > DETAIL_LIMIT:
        furthest = summary.loc[summary.groupby(["leg", "city"])["current_position"].idxmax()]
        last = summary.groupby(["leg", "city"])["last_update"].max()
        sizes = summary.groupby(["leg", "city"]).size()
        rows = [
            [
                str(row.leg),
                row.city,
                str(int(sizes[(row.leg, row.city)])),
                str(row.current_phase),
                _day(last[(row.leg, row.city)], lang),
                str(len(received.get(row.city, []))),
                str(len(given.get(row.city, []))),
            ]
            for row in furthest.sort_values("leg").itertuples()
        ]
        return [
            Block("para", tr("report.cities_summary", limit=DETAIL_LIMIT)),
            Block(
                "table",
                header=[
                    tr("report.col_leg"),
                    tr("report.col_city"),
                    tr("report.col_dialogues"),
                    tr("report.col_furthest"),
                    tr("report.col_last_update"),
                    tr("report.col_received"),
                    tr("report.col_given"),
                ],
                rows=rows,
            ),
        ]
    blocks = []
    for (leg, city), part in summary.groupby(["leg", "city"], sort=True):
        blocks.append(Block("heading", tr("report.city_heading", city=city, leg=leg), level=2))
        for row in part.itertuples():
            own = records[records["dialogue_id"] == row.dialogue_id]
            current = own[own["phase"] == row.current_phase]
            start = current["actual_start"].iloc[0] if not current.empty else None
            end = current["planned_end"].iloc[0] if not current.empty else None
            blocks.append(
                Block(
                    "para",
                    tr(
                        "report.dialogue_text",
                        dialogue=row.neighbourhood or tr("overview.undecided"),
                        phase=row.current_phase,
                        status=tr(cities.status_key(row.current_status)),
                        since=_day(start, lang),
                        planned_end=_day(end, lang),
                        done=int(row.completed),
                        total=int(row.total),
                    ),
                )
            )
        for h in received.get(city, []):
            blocks.append(
                Block(
                    "para",
                    tr("report.received_text", city=h.from_city, date=_day(h.handed_over_on, lang)),
                )
            )
        for h in given.get(city, []):
            blocks.append(
                Block(
                    "para",
                    tr("report.given_text", city=h.to_city, date=_day(h.handed_over_on, lang)),
                )
            )
    return blocks


def build(
    session: Session,
    as_of: dt.date,
    fmt: str,
    lang: str = "nl",
    since: dt.date | None = None,
    stale_days: int = 30,
) -> bytes:
    """The progress report as of ``as_of`` in ``fmt`` ("docx" or "pdf")."""
    if fmt not in FORMATS:
        raise ReportError("unknown_format", fmt)
    blocks = build_blocks(session, as_of, lang, since, stale_days)
    return render_docx(blocks) if fmt == "docx" else render_pdf(blocks)


def file_name(as_of: dt.date, fmt: str) -> str:
    """A download name: estafette-voortgang-YYYY-MM-DD.docx|pdf."""
    return f"estafette-voortgang-{as_of.isoformat()}.{fmt}"
