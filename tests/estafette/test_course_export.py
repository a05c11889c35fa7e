"""Course material: curation into module topics and versions, and the DOCX/Markdown exports."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from sqlalchemy.orm import Session

from estafette import handout, leergang, lessons, textfields
from estafette.accounts import SYSTEM, PermissionDenied
from tests.estafette.markdown_reader import shown
from tests.factories import city_id, city_lead, trainer
from tests.hostile import AS_SHOWN, HOSTILE

ROOT = Path(__file__).resolve().parents[2]
TRAINER = trainer(email="t@example.nl", name="Tineke Trainer")
LEAD = city_lead(email="l@example.nl", name="Lies Stadstrekker")
EXPORT = ("course", "export")
XSS = [
    "<script>alert('xss')</script>",
    '<iframe src="https://evil.example"></iframe>',
    '<img src=x onerror="alert(1)">',
]


def add(
    session: Session,
    title: str,
    phase: str,
    city: str = "Deventer",
    quotes: tuple[tuple[str, bool], ...] = (),
    situation: str = "In de wijk.",
    include_in: tuple[str, int] | None = ("training-2", 1),
) -> int:
    lesson_id = lessons.propose(
        session,
        LEAD,
        lessons.LessonInput(
            title=title,
            phase_code=phase,
            city_id=city_id(session, city),
            situation=situation,
            what_worked="Samen koffie drinken gaf energie.",
            recommendation="Begin klein.",
            quotes=list(quotes),
            consent_basis="mondeling",
            wish_codes=["samen-doen"],
        ),
    )
    lessons.accept(session, TRAINER, lesson_id)
    if include_in:
        module, position = include_in
        topic = leergang.module_topics(session, module)[position - 1]
        leergang.include(session, TRAINER, lesson_id, module, topic.id)
    return lesson_id


@pytest.fixture
def material(session: Session) -> dict[str, int]:
    ids = {
        # Added out of phase order on purpose: the export must follow phase order.
        "evalueren": add(session, "Terugblik met taart", "evalueren", "Utrecht"),
        "verkennen": add(
            session,
            "Rondje door de wijk",
            "verkennen",
            quotes=(("Eindelijk vraagt iemand het ons.", True), ("GEHEIM-CITAAT-7", False)),
        ),
        "vormgeven": add(session, "Drie thematafels", "vormgeven", "Utrecht", include_in=None),
        "xss": add(
            session, XSS[0], "verbeelden", situation=" ".join(XSS), quotes=((XSS[1], True),)
        ),
        "not_included": add(session, "Alleen geaccepteerd", "verbeelden", include_in=None),
    }
    topic = leergang.module_topics(session, "training-2")[2]
    leergang.include(session, TRAINER, ids["vormgeven"], "training-2", topic.id)
    session.commit()
    return ids


def docx_text(data: bytes) -> tuple[list[str], str]:
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    return paragraphs, "\n".join(paragraphs)


def test_docx_has_included_lessons_in_phase_order_and_only_consented_quotes(
    session: Session, material: dict[str, int]
) -> None:
    data = handout.export(session, SYSTEM, "training-2", "docx")
    paragraphs, text = docx_text(data)
    document = docx.Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "Fase 1 · Verkennen",
        "Fase 2 · Verbeelden",
        "Fase 3 · Vormgeven",
        "Fase 4 · Evalueren",
        "Bronnen",
    ]
    order = [text.index(t) for t in ("Rondje door de wijk", XSS[0], "Drie thematafels")]
    assert order == sorted(order)
    assert text.index("Drie thematafels") < text.index("Terugblik met taart")
    assert "Alleen geaccepteerd" not in text
    assert "“Eindelijk vraagt iemand het ons.”" in text
    assert "GEHEIM-CITAAT-7" not in text
    # Title page, attribution with city and leg, sources.
    title = next(p for p in document.paragraphs if p.style.name == "Title")
    assert title.text == "Training Wijkdialoog 2"
    assert any("Deventer (etappe 1)" in p and "Lies Stadstrekker" in p for p in paragraphs)
    assert any("Utrecht (etappe 2)" in p for p in paragraphs)
    sources = paragraphs[paragraphs.index("Bronnen") + 1 :]
    assert len(sources) == 4 and sources[0].startswith("[1] Rondje door de wijk")


def test_xss_payloads_stay_text_in_docx(session: Session, material: dict[str, int]) -> None:
    _, text = docx_text(handout.export(session, SYSTEM, "training-2", "docx"))
    for payload in XSS:
        assert payload in text  # shown literally, as text


def test_markdown_has_same_content_and_escapes_html(
    session: Session, material: dict[str, int]
) -> None:
    md = handout.export(session, SYSTEM, "training-2", "md").decode("utf-8")
    assert md.startswith("*Leergang Wijkdialoog")
    assert "# Training Wijkdialoog 2" in md
    phases = [md.index(f"## Fase {n}") for n in range(1, 5)]
    assert phases == sorted(phases)
    assert md.index("Rondje door de wijk") < md.index("Drie thematafels") < md.index("Terugblik")
    assert "Eindelijk vraagt iemand het ons." in md and "GEHEIM-CITAAT-7" not in md
    assert "Alleen geaccepteerd" not in md
    assert "Deventer (etappe 1)" in md and "## Bronnen" in md
    for tag in ("<script", "<iframe", "<img"):
        assert tag not in md
    assert "&lt;script&gt;" in md and "&lt;iframe" in md and "onerror=" in md


def test_markdown_shows_hostile_text_as_typed(session: Session) -> None:
    title = HOSTILE.split("\n")[0]
    add(session, title, "verkennen", situation=HOSTILE, quotes=((HOSTILE, True),))
    session.commit()
    md = handout.export(session, SYSTEM, "training-2", "md").decode("utf-8")
    # The same escaping as the pages (textfields.markdown_literal), which shows text as typed.
    assert f"### {textfields.markdown_literal(title)}\n" in md
    assert f" {textfields.markdown_literal(HOSTILE)}\n" in md
    assert f"> “{textfields.markdown_literal(HOSTILE)}”" in md
    assert shown(textfields.markdown_literal(HOSTILE)) == AS_SHOWN
    assert "<script" not in md and "$x^2$" not in md


def test_empty_module_exports_a_clear_note(session: Session) -> None:
    md = handout.export(session, SYSTEM, "dialoog-begeleiden", "md").decode()
    assert "Er zijn nog geen lessen in deze module opgenomen." in md
    _, text = docx_text(handout.export(session, SYSTEM, "dialoog-begeleiden", "docx"))
    assert "Er zijn nog geen lessen" in text


def test_unknown_module_or_format_is_refused(session: Session) -> None:
    with pytest.raises(lessons.LessonError, match="unknown_module"):
        handout.export(session, SYSTEM, "bestaat-niet", "md")
    with pytest.raises(lessons.LessonError, match="unknown_format"):
        handout.export(session, SYSTEM, "training-2", "pdf")


def verkennen_entries(session: Session) -> list[leergang.CourseEntry]:
    return [
        e
        for e in leergang.course(session, SYSTEM, "training-2").entries
        if e.topic_position == 1 and e.lesson.phase_code == "verkennen"
    ]


def test_ordering_and_course_versions(session: Session, material: dict[str, int]) -> None:
    first = add(session, "Tweede in onderwerp", "verkennen")
    session.commit()
    entries = verkennen_entries(session)
    assert [e.lesson.id for e in entries][-2:] == [material["verkennen"], first]
    leergang.move_item(session, TRAINER, entries[-1].item_id, -1)
    session.commit()
    entries = verkennen_entries(session)
    assert [e.lesson.id for e in entries][-2:] == [first, material["verkennen"]]

    v2 = leergang.new_version(session, TRAINER, "training-2", "2025 voorjaar")
    session.commit()
    versions = leergang.versions(session, SYSTEM, "training-2")
    assert [(v.label, v.editable) for v in versions] == [("2025 voorjaar", True), ("v1", False)]
    assert versions[0].item_count == versions[1].item_count == 5
    assert v2 == versions[0].id
    with pytest.raises(lessons.LessonError, match="version_label_taken"):
        leergang.new_version(session, TRAINER, "training-2", "v1")
    # The old version is kept as it was and is no longer editable.
    old = leergang.course(session, SYSTEM, "training-2", "v1")
    with pytest.raises(lessons.LessonError, match="version_frozen"):
        leergang.move_item(session, TRAINER, old.entries[0].item_id, 1)
    late = add(session, "Alleen in de nieuwe versie", "evalueren")
    session.commit()
    assert late in {e.lesson.id for e in leergang.course(session, SYSTEM, "training-2").entries}
    assert late not in {
        e.lesson.id for e in leergang.course(session, SYSTEM, "training-2", "v1").entries
    }


def test_curation_needs_trainer_or_coordinator(session: Session, material: dict[str, int]) -> None:
    entry = leergang.course(session, SYSTEM, "training-2").entries[0]
    with pytest.raises(PermissionDenied):
        leergang.move_item(session, LEAD, entry.item_id, 1)
    with pytest.raises(PermissionDenied):
        leergang.new_version(session, LEAD, "training-2", "v2")
    assert [v.label for v in leergang.versions(session, SYSTEM, "training-2")] == ["v1"]


def run_cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "estafette", "--database-url", db_url, *EXPORT, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_exports_docx_and_md(engine, db_url: str, tmp_path: Path) -> None:
    with Session(engine) as session:
        add(session, "Via de opdrachtregel", "verkennen")
        session.commit()
    for fmt in ("docx", "md"):
        out = tmp_path / f"training-2.{fmt}"
        result = run_cli(db_url, "--module", "training-2", "--format", fmt, str(out))
        assert result.returncode == 0, result.stderr
        assert out.exists() and out.stat().st_size > 0
    assert "Via de opdrachtregel" in (tmp_path / "training-2.md").read_text()
    _, text = docx_text((tmp_path / "training-2.docx").read_bytes())
    assert "Via de opdrachtregel" in text


def test_cli_unknown_module_is_one_readable_line(db_url: str, engine, tmp_path: Path) -> None:
    out = tmp_path / "x.md"
    result = run_cli(db_url, "--module", "bestaat-niet", "--format", "md", str(out))
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0 and "bestaat-niet" in result.stderr
    assert not out.exists()


def test_english_export(session: Session, material: dict[str, int]) -> None:
    md = handout.export(session, SYSTEM, "training-2", "md", lang="en").decode()
    assert "## Phase 1 · Verkennen" in md and "## Sources" in md
    assert "Deventer (leg 1)" in md


def test_cli_unwritable_target_is_one_readable_line(db_url: str, engine, tmp_path: Path) -> None:
    out = tmp_path / "missing" / "training-2.md"
    result = run_cli(db_url, "--module", "training-2", "--format", "md", str(out))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "niet schrijven" in result.stderr
    assert not out.parent.exists()
