"""Progress report for the steering group (stuurgroep): the relay as it stood on a date.

One list of blocks (headings, paragraphs, tables, images) is rendered to DOCX (python-docx) or
PDF (reportlab, pure Python: no LibreOffice needed). The map and the timeline are drawn with
matplotlib's Agg backend, offline. Beyond ``DETAIL_LIMIT`` dialogues the per-dialogue matrix and
paragraphs give way to summary tables per city, so a national report stays readable.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from estafette import alerts, cities, formatting, history, i18n, lessons, relay, seed
from estafette.errors import DomainError
from estafette.maps import phase_colour
from estafette.models import LessonEvent, LessonStatus, Phase

FORMATS = ("docx", "pdf")
MIME_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
# Beyond this many dialogues: summary tables per city instead of a row/paragraph per dialogue.
DETAIL_LIMIT = 60
TIMELINE_ROWS = 40
ATTENTION_ROWS = 40
LESSON_ROWS = 50
DEFAULT_PERIOD = dt.timedelta(days=91)


class ReportError(DomainError, ValueError):
    """A report request that cannot be served; ``code`` picks the translated text."""

    prefix = "report.error"


@dataclass
class Block:
    """One piece of the report: title, heading, paragraph, table, image or page break."""

    kind: str
    text: str = ""
    level: int = 1
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    image: bytes = b""


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
        origin = view.city_name or "Leergang"
        blocks.append(Block("heading", f"{view.title} ({origin}, {view.phase_name})", level=3))
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


# --------------------------------------------------------------------------------------------
# Images (matplotlib, Agg: no display, no network)
# --------------------------------------------------------------------------------------------


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=110)


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def map_image(summary: pd.DataFrame, handovers: list[relay.HandoverInfo]) -> bytes:
    """Dialogues as dots coloured by current phase, with the hand-overs as lines."""
    fig = _figure(6.0, 6.5)
    ax = fig.add_subplot()
    for h in handovers:
        ax.plot(
            [h.from_longitude, h.to_longitude],
            [h.from_latitude, h.to_latitude],
            color="#555555",
            linewidth=1,
            linestyle="--",
        )
    if not summary.empty:
        ax.scatter(
            summary["longitude"],
            summary["latitude"],
            c=[phase_colour(p) for p in summary["current_position"]],
            s=30 if len(summary) > DETAIL_LIMIT else 60,
            edgecolors="#222222",
            linewidths=0.5,
        )
        if summary["city"].nunique() <= 15:
            for city, part in summary.groupby("city"):
                ax.annotate(
                    city,
                    (part["longitude"].iloc[0], part["latitude"].iloc[0]),
                    xytext=(5, 5),
                    textcoords="offset points",
                    fontsize=8,
                )
    # The Netherlands' extent, with the true aspect of a degree at 52° north.
    ax.set_xlim(3.2, 7.3)
    ax.set_ylim(50.7, 53.6)
    ax.set_aspect(1 / math.cos(math.radians(52.2)))
    ax.set_xlabel("°E")
    ax.set_ylabel("°N")
    ax.grid(True, linewidth=0.3)
    return _png(fig)


def timeline_image(records: pd.DataFrame, as_of: dt.date, lang: str) -> tuple[bytes, int]:
    """Planned (light) and actual (solid) phase bars of up to TIMELINE_ROWS dialogues."""
    from matplotlib.dates import date2num

    from estafette.charts import row_labels

    chosen = records
    ids = list(dict.fromkeys(records["dialogue_id"])) if not records.empty else []
    if len(ids) > TIMELINE_ROWS:
        chosen = records[records["dialogue_id"].isin(ids[:TIMELINE_ROWS])]
    shown = min(len(ids), TIMELINE_ROWS)
    fig = _figure(7.5, max(2.0, 0.32 * max(shown, 1) + 1.2))
    ax = fig.add_subplot()
    if chosen.empty:
        return _png(fig), 0
    labels = row_labels(chosen, lang).map(lambda s: s.replace("&amp;", "&"))
    order = list(dict.fromkeys(labels))
    y = labels.map({label: i for i, label in enumerate(order)})
    today = pd.Timestamp(as_of)
    # One barh call per kind and phase (vectorised): hundreds of single bars are slow.
    for start_col, end_col, alpha, height in (
        ("planned_start", "planned_end", 0.35, 0.8),
        ("actual_start", "actual_end", 1.0, 0.45),
    ):
        rows = chosen[chosen[start_col].notna()]
        for position, part in rows.groupby("phase_position"):
            left = date2num(part[start_col].to_numpy())
            end = date2num(part[end_col].fillna(today).to_numpy())
            ax.barh(
                y[part.index].to_numpy(),
                (end - left).clip(min=1),
                left=left,
                height=height,
                color=phase_colour(int(position)),
                alpha=alpha,
            )
    ax.axvline(date2num(today), color="#C00000", linewidth=1)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(order, fontsize=7)
    ax.invert_yaxis()
    ax.xaxis_date()
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(True, axis="x", linewidth=0.3)
    return _png(fig), shown


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


def render_docx(blocks: list[Block]) -> bytes:
    """The blocks as a Word document."""
    from docx import Document
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Cm, Pt

    document = Document()
    document.styles["Normal"].font.size = Pt(10)
    for block in blocks:
        if block.kind == "title":
            document.add_heading(block.text, level=0)
        elif block.kind == "heading":
            document.add_heading(block.text, level=block.level)
        elif block.kind == "para":
            document.add_paragraph(block.text)
        elif block.kind == "pagebreak":
            document.add_page_break()
        elif block.kind == "image":
            document.add_picture(io.BytesIO(block.image), width=Cm(16))
        elif block.kind == "table":
            table = document.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.header, strict=True):
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            # Rows as one XML fragment: python-docx's add_row() per row is slow for 1,000 rows.
            cell = '<w:tc><w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p></w:tc>'
            cells = "".join(
                "<w:tr>" + "".join(cell.format(escape(text)) for text in row) + "</w:tr>"
                for row in block.rows
            )
            for tr in parse_xml(f"<w:tbl {nsdecls('w')}>{cells}</w:tbl>"):
                table._tbl.append(tr)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@functools.cache
def _pdf_font() -> tuple[str, str]:
    """DejaVu Sans from matplotlib's own data (Unicode: ë, é, →), registered with reportlab."""
    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont("EstafetteSans", str(fonts / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("EstafetteSans-Bold", str(fonts / "DejaVuSans-Bold.ttf")))
    return "EstafetteSans", "EstafetteSans-Bold"


def render_pdf(blocks: list[Block]) -> bytes:
    """The blocks as a PDF (reportlab: pure Python)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import (
        Image,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    regular, bold = _pdf_font()
    sheet = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=sheet["BodyText"], fontName=regular, fontSize=9.5)
    cell = ParagraphStyle("cell", parent=body, fontSize=7.5, leading=9)
    head_cell = ParagraphStyle("head", parent=cell, fontName=bold)
    styles = {
        0: ParagraphStyle("t", parent=sheet["Title"], fontName=bold),
        1: ParagraphStyle("h1", parent=sheet["Heading1"], fontName=bold),
        2: ParagraphStyle("h2", parent=sheet["Heading2"], fontName=bold),
        3: ParagraphStyle("h3", parent=sheet["Heading3"], fontName=bold),
    }
    width = A4[0] - 4 * cm
    story: list = []
    for block in blocks:
        if block.kind == "title":
            story += [Spacer(1, 6 * cm), Paragraph(escape(block.text), styles[0])]
        elif block.kind == "heading":
            story.append(Paragraph(escape(block.text), styles[min(block.level, 3)]))
        elif block.kind == "para":
            story.append(Paragraph(escape(block.text), body))
        elif block.kind == "pagebreak":
            story.append(PageBreak())
        elif block.kind == "image":
            image = Image(io.BytesIO(block.image))
            scale = min(1.0, width / image.drawWidth, (A4[1] - 8 * cm) / image.drawHeight)
            image.drawWidth *= scale
            image.drawHeight *= scale
            story.append(image)
        elif block.kind == "table":
            data = [[Paragraph(escape(h), head_cell) for h in block.header]]
            big = len(block.rows) > DETAIL_LIMIT
            # Short cells of long summary tables go in as plain strings: wrapping thousands of
            # paragraphs is what makes a national PDF slow.
            data += [
                list(row) if big else [Paragraph(escape(c), cell) for c in row]
                for row in block.rows
            ]
            columns = [width / len(block.header)] * len(block.header)
            table = Table(data, repeatRows=1, colWidths=columns)
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF4")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("FONT", (0, 1), (-1, -1), regular, 7.5),
                    ]
                )
            )
            story += [table, Spacer(1, 0.3 * cm)]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, title="Estafette Wijkdialoog"
    ).build(story)
    return buffer.getvalue()


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
