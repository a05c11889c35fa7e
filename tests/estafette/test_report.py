"""Progress report: DOCX and PDF on the seed and at national scale, the CLI and the download."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import docx
import pypdf
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from bench import data as bench
from estafette import cli, lessons, report, seed
from estafette.models import LessonEvent
from tests.factories import city_id, seeded_engine, trainer
from ui import report as ui_report

TODAY = dt.date.today()
TRAINER = trainer(email="t@example.nl", name="Tineke")


def docx_text(data: bytes) -> tuple[str, docx.document.Document]:
    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs), document


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_report_on_the_seed_in_docx_and_pdf(engine: Engine) -> None:
    seed.add_demo(engine, today=TODAY)
    with Session(engine) as session:
        lesson = lessons.propose(
            session,
            TRAINER,
            lessons.LessonInput(
                title="Soep als binnenkomer",
                phase_code="verkennen",
                city_id=city_id(session, "Utrecht"),
                recommendation="Begin met een pan soep op het plein.",
            ),
        )
        lessons.accept(session, TRAINER, lesson)
        session.commit()
        docx_data = report.build(session, TODAY, "docx")
        pdf_data = report.build(session, TODAY, "pdf", lang="en")
    text, document = docx_text(docx_data)
    assert "voortgangsrapportage" in text
    assert "3 steden met 6 wijkdialogen" in text
    for heading in ("Kaart", "Tijdlijn", "Stad × fase", "Aandacht nodig", "Per stad"):
        assert heading in text
    assert "Utrecht (etappe 2)" in text and "Lombok (demo): fase" in text
    assert "Soep als binnenkomer — Utrecht (etappe 2) · Verkennen" in text
    # Map and timeline as images; the matrix has one row per dialogue plus the header.
    assert len(document.inline_shapes) == 2
    matrix = next(t for t in document.tables if t.rows[0].cells[1].text == "Wijk")
    assert len(matrix.rows) == 7
    english, pages = pdf_text(pdf_data)
    assert pages >= 3
    assert "progress report" in english and "Soep als binnenkomer" in english
    assert "Needs attention" in english and "Lombok (demo)" in english


def test_report_as_of_an_earlier_date(engine: Engine) -> None:
    seed.add_demo(engine, today=TODAY)
    with Session(engine) as session:
        before = report.build(session, TODAY - dt.timedelta(days=400), "docx")
        # Lessons are counted in their period only.
        accepted = session.scalars(
            select(LessonEvent).where(LessonEvent.to_status == "geaccepteerd")
        )
        assert list(accepted)  # the workshop lessons, accepted in 2018
        old = report.build(session, dt.date(2018, 7, 31), "docx", since=dt.date(2018, 7, 1))
    assert "Geen lessen geaccepteerd in deze periode." in docx_text(before)[0]
    assert "Eerste stap" in docx_text(old)[0]
    with Session(engine) as session, pytest.raises(report.ReportError):
        report.build(session, TODAY, "docx", since=TODAY)


def test_national_report_stays_readable(sqlite_url: str) -> None:
    engine = seeded_engine(sqlite_url)
    bench.generate(engine, events=5000, today=TODAY)
    with Session(engine) as session:
        docx_data = report.build(session, TODAY, "docx")
        pdf_data = report.build(session, TODAY, "pdf")
    engine.dispose()
    text, document = docx_text(docx_data)
    assert "Meer dan 60 wijkdialogen: per stad" in text
    # Summary tables per city (342 municipalities), not a paragraph per dialogue.
    assert "Wijk 500: fase" not in text
    city_rows = max(len(t.rows) for t in document.tables)
    assert 300 < city_rows < 400
    assert len(document.inline_shapes) == 2
    assert "eerste 40 van 1000 wijkdialogen" in text
    pdf, pages = pdf_text(pdf_data)
    assert "Gemeente 342" in pdf and pages < 60


def test_report_cli(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeded_engine(db_url).dispose()
    out = tmp_path / "stuurgroep.pdf"
    assert cli.main(["--database-url", db_url, "report", "--as-of", "2026-01-31", str(out)]) == 0
    assert "31 jan 2026" in pdf_text(out.read_bytes())[0]
    out = tmp_path / "stuurgroep.docx"
    assert cli.main(["--database-url", db_url, "report", str(out), "--lang", "en"]) == 0
    assert "progress report" in docx_text(out.read_bytes())[0]
    assert cli.main(["--database-url", db_url, "report", str(tmp_path / "x.txt")]) == 1
    assert "docx of .pdf" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["--database-url", db_url, "report", "--as-of", "31-01-2026", str(out)])


def test_overview_offers_the_report(app_test: Callable[..., AppTest], sqlite_url: str) -> None:
    engine = seeded_engine(sqlite_url)
    engine.dispose()
    at = app_test(sqlite_url, page="pages/overview.py")
    assert not at.exception
    # Folded, the report's form is not drawn at all; opening the expander draws it.
    assert not [r for r in at.radio if r.key == "estafette.overview.report.format"]
    at.session_state[ui_report.OPEN_KEY] = True
    at.run()
    at.radio(key="estafette.overview.report.format").set_value("pdf")
    at.button(key="estafette.overview.report.make").click().run()
    assert not at.exception
    buttons = [b for b in at.get("download_button") if "estafette.overview.report" in b.proto.id]
    assert len(buttons) == 1
    assert buttons[0].proto.label == "Voortgangsrapportage downloaden"
