"""The report's blocks rendered to DOCX (python-docx) or PDF (reportlab, pure Python)."""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

# Beyond this many dialogues the report gives summary tables per city (see estafette.report).
DETAIL_LIMIT = 60


@dataclass
class Block:
    """One piece of the report: title, heading, paragraph, table, image or page break."""

    kind: str
    text: str = ""
    level: int = 1
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    image: bytes = b""


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
