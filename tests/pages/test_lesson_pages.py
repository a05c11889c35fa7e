"""AppTest of the lessons, Les toevoegen and Leergang pages, per role."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from estafette import accounts, db, leergang, lesson_seed, lessons
from estafette.accounts import SYSTEM, Actor
from estafette.models import City, Lesson, Role
from tests.factories import city_lead, seeded_engine, trainer

TRAINER = trainer(email="t@example.nl", name="Tineke Trainer")
LEAD = city_lead(email="lead@example.nl", name="Lies Stadstrekker")
XSS = "<script>alert('xss')</script><iframe src=x></iframe><img src=x onerror=alert(1)>"


@pytest.fixture
def url(sqlite_url: str) -> str:
    engine = seeded_engine(sqlite_url)
    with Session(engine) as session, session.begin():
        lesson_seed.seed_lessons(session)
        deventer = session.scalar(select(City.id).where(City.name == "Deventer"))
        lessons.propose(
            session,
            LEAD,
            lessons.LessonInput(
                title="Buurtbewoners aan tafel " + XSS,
                phase_code="verkennen",
                city_id=deventer,
                situation="Wij betrokken bewoners via de school. " + XSS,
                quotes=[("Openbaar citaat", True), ("Geheim citaat", False)],
                consent_basis="mondeling",
            ),
        )
        # The page tests sign in through real sessions, so the authors get real accounts.
        accounts.add_user(
            session,
            SYSTEM,
            email=TRAINER.email,
            role=TRAINER.role,
            password=None,
            name=TRAINER.name,
        )
        accounts.add_user(
            session,
            SYSTEM,
            email=LEAD.email,
            role=LEAD.role,
            password=None,
            name=LEAD.name,
            city_ids=[deventer],
        )
        accounts.add_user(
            session,
            SYSTEM,
            email="ander@example.nl",
            role=Role.CITY_LEAD,
            password=None,
            name="Andere Trekker",
            city_ids=[session.scalar(select(City.id).where(City.name == "Utrecht"))],
        )
    engine.dispose()
    return sqlite_url


def account(url: str, actor: Actor) -> Actor:
    """The account-backed actor with the same e-mail address."""
    engine = db.make_engine(url)
    with Session(engine) as session:
        found = accounts.sso_actor(session, actor.email)
    engine.dispose()
    return found


def run(app_test: Callable[..., AppTest], url: str, page: str, actor: Actor | None) -> AppTest:
    at = app_test(url, actor=account(url, actor) if actor is not None else None)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def lesson_titles(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown if m.value.startswith("#### "))


def lesson_status(url: str, title_start: str) -> str:
    engine = db.make_engine(url)
    with Session(engine) as session:
        status = session.scalar(select(Lesson.status).where(Lesson.title.startswith(title_start)))
    engine.dispose()
    return status


def test_lessons_are_for_signed_in_people(app_test, url: str) -> None:
    at = run(app_test, url, "pages/lessons.py", None)
    assert [t.value for t in at.title] == ["Inloggen"]
    assert not lesson_titles(at)
    at = run(app_test, url, "pages/lessons.py", LEAD)
    text = lesson_titles(at)
    assert "Wat deelnemers meenamen uit de kennismakingsworkshop" in text
    assert not [b for b in at.button if b.key and b.key.startswith("estafette.lessons.accept")]


def test_quotes_without_consent_only_for_author_and_reviewers(app_test, url: str) -> None:
    other = city_lead(email="ander@example.nl", name="Andere Trekker")
    at = run(app_test, url, "pages/lessons.py", other)
    text = markdown_text(at)
    assert "Openbaar citaat" in text and "Geheim citaat" not in text
    at = run(app_test, url, "pages/lessons.py", TRAINER)
    assert "Geheim citaat" in markdown_text(at)


def test_lesson_text_is_escaped(app_test, url: str) -> None:
    at = run(app_test, url, "pages/lessons.py", LEAD)
    text = markdown_text(at)
    assert "Buurtbewoners aan tafel" in text
    for raw in ("<script", "<iframe", "<img"):
        assert raw not in text
    assert "&lt;script&gt;" in text
    assert "Openbaar citaat" in text
    # The signed-in author sees the non-consented quote marked as internal.
    assert "Zonder toestemming" in text


def test_search_highlights_and_filters(app_test, url: str) -> None:
    at = run(app_test, url, "pages/lessons.py", LEAD)
    at.text_input(key="estafette.lessons.query").input("betrekken").run()
    text = markdown_text(at)
    assert "<mark>betrokken</mark>" in text
    assert "&lt;script&gt;" in text and "<script" not in text
    assert "Buurtbewoners aan tafel" in lesson_titles(at)
    at.selectbox(key="estafette.lessons.phase").select("evalueren").run()
    assert "Buurtbewoners aan tafel" not in lesson_titles(at)


def test_city_lead_cannot_review_trainer_can_accept(app_test, url: str) -> None:
    at = run(app_test, url, "pages/lessons.py", LEAD)
    assert not [b for b in at.button if b.key and b.key.startswith("estafette.lessons.accept")]
    at = run(app_test, url, "pages/lessons.py", TRAINER)
    (accept,) = [b for b in at.button if b.key and b.key.startswith("estafette.lessons.accept")]
    accept.click().run()
    assert not at.exception
    assert lesson_status(url, "Buurtbewoners") == "geaccepteerd"


def test_trainer_rejects_with_reason(app_test, url: str) -> None:
    at = run(app_test, url, "pages/lessons.py", TRAINER)
    (reject,) = [b for b in at.button if b.key and b.key.startswith("estafette.lessons.reject")]
    lesson_id = reject.key.rsplit(".", 1)[1]
    reject.click().run()  # no reason: a clear message, nothing changes
    assert any("Geef een reden" in e.value for e in at.error)
    assert lesson_status(url, "Buurtbewoners") == "voorgesteld"
    at.text_input(key=f"estafette.lessons.reason.{lesson_id}").input("Te algemeen")
    at.button(key=f"estafette.lessons.reject.{lesson_id}").click().run()
    assert lesson_status(url, "Buurtbewoners") == "afgewezen"


def test_add_lesson_requires_sign_in(app_test, url: str) -> None:
    at = run(app_test, url, "pages/lesson_add.py", None)
    assert [t.value for t in at.title] == ["Inloggen"]
    assert not [b for b in at.button if b.key and b.key.startswith("estafette.lesson_add")]


def test_city_lead_proposes_a_lesson(app_test, url: str) -> None:
    at = run(app_test, url, "pages/lesson_add.py", LEAD)
    at.button(key="estafette.lesson_add.submit").click().run()
    assert any("Geef de les een titel" in e.value for e in at.error)
    at.text_input(key="estafette.lesson_add.title").input("Wandelen met de wijkagent")
    at.text_area(key="estafette.lesson_add.what_worked").input("Samen lopen opende gesprekken.")
    at.selectbox(key="estafette.lesson_add.phase").select("verbeelden")
    at.multiselect(key="estafette.lesson_add.wishes").select("mensen-betrekken")
    at.text_input(key="estafette.lesson_add.quote_1").input("Nu ken ik mijn buren")
    at.checkbox(key="estafette.lesson_add.consent_1").check()
    at.button(key="estafette.lesson_add.submit").click().run()
    assert not at.exception and at.success
    engine = db.make_engine(url)
    with Session(engine) as session:
        (view,) = lessons.list_lessons(
            session, SYSTEM, lessons.LessonFilter(phase_code="verbeelden")
        )
    engine.dispose()
    assert view.title == "Wandelen met de wijkagent" and view.author == "Lies Stadstrekker"
    assert view.status == "voorgesteld" and view.consented_quotes == ("Nu ken ik mijn buren",)


def test_leergang_page_trainer_includes_and_downloads(app_test, url: str) -> None:
    at = run(app_test, url, "pages/leergang.py", TRAINER)
    at.selectbox(key="estafette.leergang.module").select("training-2").run()
    at.selectbox(key="estafette.leergang.pick_lesson")
    picked = at.selectbox(key="estafette.leergang.pick_lesson")
    first = picked.options[0]
    at.button(key="estafette.leergang.include").click().run()
    assert not at.exception and not at.error
    assert any(first.split(" — ")[0] in m.value for m in at.markdown)
    engine = db.make_engine(url)
    with Session(engine) as session:
        material = leergang.course(session, SYSTEM, "training-2")
    engine.dispose()
    assert len(material.entries) == 1
    # Keep the version and continue in a new one.
    at.text_input(key="estafette.leergang.new_label").input("voorjaar 2026")
    at.button(key="estafette.leergang.keep_version").click().run()
    assert not at.exception and not at.error
    assert at.selectbox(key="estafette.leergang.version.training-2").value == "voorjaar 2026"


def test_leergang_page_city_lead_cannot_curate(app_test, url: str) -> None:
    at = run(app_test, url, "pages/leergang.py", LEAD)
    keys = {w.key for w in at.button} | {w.key for w in at.selectbox}
    assert "estafette.leergang.include" not in keys
    assert "estafette.leergang.pick_lesson" not in keys


def test_briefing_on_lessons_page(app_test, url: str) -> None:
    at = run(app_test, url, "pages/lessons.py", LEAD)
    dialogue = at.selectbox(key="estafette.lessons.briefing_dialogue")
    amsterdam = next(o for o in dialogue.options if o.startswith("Amsterdam"))
    dialogue.select(amsterdam).run()
    phase_box = next(
        s for s in at.selectbox if s.key.startswith("estafette.lessons.briefing_phase")
    )
    phase_box.select("vormgeven").run()
    assert any("Wat eerdere steden leerden in deze fase" in m.value for m in at.markdown)
    assert any(e.label.startswith("Eerste stap:") for e in at.expander)


def test_pages_in_english(app_test, url: str) -> None:
    at = app_test(url, lang="en", actor=account(url, TRAINER))
    at.switch_page("pages/lessons.py").run()
    assert not at.exception
    assert at.title[0].value == "Lessons learned"
