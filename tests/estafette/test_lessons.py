"""Lessons: proposing, the review workflow and its permissions, and Dutch full-text search."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.orm import Session

from estafette import choices, db, leergang, lesson_seed, lesson_views, lessons, search
from estafette.accounts import ANONYMOUS, SYSTEM, Actor, PermissionDenied
from estafette.models import (
    CourseItem,
    LeergangModule,
    LeergangTopic,
    Lesson,
    LessonEvent,
    PhaseRecord,
)
from tests.factories import change, city_id, city_lead, coordinator, record_id, trainer

# The seeded relay without the workshop's own lessons, so each test crafts its lessons.
SEED_OPTIONS = {"workshop_lessons": False}


TRAINER = trainer(email="trainer@example.nl", user_id=None, name="Tineke Trainer")
COORDINATOR = coordinator(email="coord@example.nl", name="Cor Coördinator")
LEAD = city_lead(email="lead@example.nl", name="Lies Stadstrekker")


def topic_id(session: Session, module_code: str, position: int = 1) -> int:
    return session.scalar(
        select(LeergangTopic.id)
        .join(LeergangModule)
        .where(LeergangModule.code == module_code, LeergangTopic.position == position)
    )


def propose(session: Session, actor: Actor = LEAD, **fields: object) -> int:
    data = lessons.LessonInput(
        title=str(fields.pop("title", "Een les")),
        phase_code=str(fields.pop("phase_code", "verkennen")),
        city_id=fields.pop("city_id", city_id(session, "Deventer")),  # type: ignore[arg-type]
        **fields,  # type: ignore[arg-type]
    )
    if not any(getattr(data, f) for f in lessons.TEXT_FIELDS):
        data.situation = "Een situatie in de wijk."
    return lessons.propose(session, actor, data)


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model))


# ---------------------------------------------------------------------------- proposing


def test_propose_records_lesson_with_themes_tags_quotes_and_history(session: Session) -> None:
    lesson_id = propose(
        session,
        title="Koffie aan de keukentafel",
        situation="We nodigden bewoners thuis uit.",
        what_worked="Persoonlijk uitnodigen gaf energie.",
        would_repeat="Huisbezoeken.",
        would_change="Eerder beginnen.",
        recommendation="Vraag sleutelfiguren om mee te gaan.",
        wish_codes=["mensen-betrekken", "samen-doen"],
        tags=["huisbezoek", "koffie"],
        quotes=[("Ik voelde me gehoord.", True), ("Niet citeren aub.", False)],
        consent_basis="schriftelijk",
        lesson_date=dt.date(2024, 3, 1),
    )
    session.commit()
    (view,) = lessons.load_views(session, [lesson_id])
    assert view.status == "voorgesteld"
    assert view.author == "Lies Stadstrekker" and view.author_email == "lead@example.nl"
    assert view.wish_codes == ("mensen-betrekken", "samen-doen")
    assert view.tags == ("huisbezoek", "koffie")
    assert view.consented_quotes == ("Ik voelde me gehoord.",)
    assert lesson_views.origin(view) == "Deventer (etappe 1)"
    assert lesson_views.origin(view, "en") == "Deventer (leg 1)"
    assert [(e.from_status, e.to_status) for e in lessons.history(session, SYSTEM, lesson_id)] == [
        (None, "voorgesteld")
    ]


def test_leergang_scope_lesson_has_no_city(session: Session) -> None:
    lesson_id = propose(session, actor=TRAINER, city_id=None, leergang=True)
    (view,) = lessons.load_views(session, [lesson_id])
    assert view.city_id is None and lesson_views.origin(view) == "Leergang Wijkdialoog"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"title": "  "}, "title_required"),
        ({"title": "x" * 201}, "title_too_long"),
        ({"phase_code": "dromen"}, "unknown_phase"),
        ({"city_id": None}, "scope_required"),
        ({"leergang": True}, "scope_conflict"),
        ({"wish_codes": ["bestaat-niet"]}, "unknown_wish"),
    ],
)
def test_invalid_lesson_is_refused_and_nothing_written(
    session: Session, fields: dict, code: str
) -> None:
    before = count(session, Lesson)
    with pytest.raises(lessons.LessonError) as info:
        propose(session, **fields)
    assert info.value.code == code
    session.rollback()
    assert count(session, Lesson) == before


def test_lesson_without_any_content_is_refused(session: Session) -> None:
    data = lessons.LessonInput(title="Leeg", phase_code="verkennen", leergang=True)
    with pytest.raises(lessons.LessonError, match="content_required"):
        lessons.propose(session, LEAD, data)


def test_anonymous_may_not_propose(session: Session) -> None:
    with pytest.raises(PermissionDenied):
        propose(session, actor=ANONYMOUS)
    assert count(session, Lesson) == 0


# ---------------------------------------------------------------------------- workflow


def test_full_workflow_keeps_every_transition(session: Session) -> None:
    lesson_id = propose(session)
    lessons.accept(session, TRAINER, lesson_id, "Mooi voorbeeld")
    item_id = leergang.include(
        session, COORDINATOR, lesson_id, "training-2", topic_id(session, "training-2")
    )
    session.commit()
    lesson = session.get(Lesson, lesson_id)
    assert lesson.status == "opgenomen"
    events = lessons.history(session, SYSTEM, lesson_id)
    assert [(e.from_status, e.to_status, e.actor) for e in events] == [
        (None, "voorgesteld", "Lies Stadstrekker"),
        ("voorgesteld", "geaccepteerd", "Tineke Trainer"),
        ("geaccepteerd", "opgenomen", "Cor Coördinator"),
    ]
    assert "Training Wijkdialoog 2" in events[-1].reason and "(v1)" in events[-1].reason
    assert session.get(CourseItem, item_id).position == 1


def test_author_sees_where_their_lesson_is_used(session: Session) -> None:
    lesson_id = propose(session)
    lessons.accept(session, TRAINER, lesson_id)
    leergang.include(session, TRAINER, lesson_id, "training-2", topic_id(session, "training-2", 2))
    leergang.include(session, TRAINER, lesson_id, "training-1", topic_id(session, "training-1", 1))
    session.commit()
    (mine,) = lessons.my_lessons(session, LEAD)
    assert mine.id == lesson_id
    assert {(u.module_name, u.topic_name, u.version_label) for u in mine.usages} == {
        ("Training Wijkdialoog 2", "Vervolgfasen en ontwerpstappen", "v1"),
        ("Training Wijkdialoog 1", "Waarderend onderzoeken en waarderend actie-onderzoek", "v1"),
    }
    assert lessons.my_lessons(session, TRAINER) == []


def test_reject_needs_a_reason_and_is_final(session: Session) -> None:
    lesson_id = propose(session)
    with pytest.raises(lessons.LessonError, match="reason_required"):
        lessons.reject(session, TRAINER, lesson_id, "  ")
    lessons.reject(session, TRAINER, lesson_id, "Te weinig context")
    session.commit()
    lesson = session.get(Lesson, lesson_id)
    assert lesson.status == "afgewezen" and lesson.rejection_reason == "Te weinig context"
    for attempt in (
        lambda: lessons.accept(session, TRAINER, lesson_id),
        lambda: lessons.reject(session, TRAINER, lesson_id, "nog eens"),
        lambda: leergang.include(
            session, TRAINER, lesson_id, "training-2", topic_id(session, "training-2")
        ),
    ):
        with pytest.raises(lessons.LessonError, match="forbidden_transition"):
            attempt()
    assert session.get(Lesson, lesson_id).status == "afgewezen"


@pytest.mark.parametrize(
    ("start", "action"),
    [
        ("voorgesteld", "include"),
        ("geaccepteerd", "accept"),
        ("opgenomen", "accept"),
        ("opgenomen", "reject"),
    ],
)
def test_forbidden_transitions(session: Session, start: str, action: str) -> None:
    lesson_id = propose(session)
    if start in ("geaccepteerd", "opgenomen"):
        lessons.accept(session, TRAINER, lesson_id)
    if start == "opgenomen":
        leergang.include(session, TRAINER, lesson_id, "training-2", topic_id(session, "training-2"))
    session.commit()
    events_before = count(session, LessonEvent)
    with pytest.raises(lessons.LessonError, match="forbidden_transition"):
        if action == "include":
            leergang.include(
                session, TRAINER, lesson_id, "training-2", topic_id(session, "training-2")
            )
        elif action == "accept":
            lessons.accept(session, TRAINER, lesson_id)
        else:
            lessons.reject(session, TRAINER, lesson_id, "reden")
    session.rollback()
    assert session.get(Lesson, lesson_id).status == start
    assert count(session, LessonEvent) == events_before


def test_including_twice_in_the_same_version_is_refused(session: Session) -> None:
    lesson_id = propose(session)
    lessons.accept(session, TRAINER, lesson_id)
    topic = topic_id(session, "training-2")
    leergang.include(session, TRAINER, lesson_id, "training-2", topic)
    with pytest.raises(lessons.LessonError, match="already_included"):
        leergang.include(session, TRAINER, lesson_id, "training-2", topic)


def test_topic_must_belong_to_module(session: Session) -> None:
    lesson_id = propose(session)
    lessons.accept(session, TRAINER, lesson_id)
    with pytest.raises(lessons.LessonError, match="topic_not_in_module"):
        leergang.include(session, TRAINER, lesson_id, "training-2", topic_id(session, "training-1"))


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [(TRAINER, True), (COORDINATOR, True), (LEAD, False), (ANONYMOUS, False)],
    ids=["trainer", "coordinator", "city_lead", "anonymous"],
)
def test_review_permissions_per_role(session: Session, actor: Actor, allowed: bool) -> None:
    first, second = propose(session), propose(session)
    lessons.accept(session, TRAINER, second)
    session.commit()
    events_before = count(session, LessonEvent)
    actions = [
        lambda: lessons.accept(session, actor, first),
        lambda: lessons.reject(session, actor, first, "reden"),
        lambda: leergang.include(
            session, actor, second, "training-2", topic_id(session, "training-2")
        ),
    ]
    if allowed:
        actions[0]()
        actions[2]()
        assert session.get(Lesson, first).status == "geaccepteerd"
        assert session.get(Lesson, second).status == "opgenomen"
        return
    for action in actions:
        with pytest.raises(PermissionDenied):
            action()
        session.rollback()
    assert session.get(Lesson, first).status == "voorgesteld"
    assert session.get(Lesson, second).status == "geaccepteerd"
    assert count(session, LessonEvent) == events_before
    assert count(session, CourseItem) == 0


@pytest.mark.parametrize("actor", [TRAINER, COORDINATOR, LEAD], ids=lambda a: str(a.role))
def test_every_signed_in_role_may_propose(session: Session, actor: Actor) -> None:
    propose(session, actor=actor)
    assert count(session, Lesson) == 1


# ---------------------------------------------------------------------------- search


@pytest.fixture
def corpus(session: Session) -> dict[str, int]:
    ids = {
        "bewoner": propose(
            session,
            title="Een bewoner als gastheer",
            situation="Een bewoner opende zijn huiskamer.",
        ),
        "betrokken": propose(
            session,
            title="Jongeren raakten betrokken",
            situation="Via de voetbalclub werden jongeren betrokken bij de dialoog.",
            phase_code="verbeelden",
            city_id=city_id(session, "Utrecht"),
        ),
        "betrekt": propose(
            session,
            title="Wie betrekt de ouderen?",
            situation="De wijkverpleegkundige betrekt ouderen die alleen wonen.",
            phase_code="vormgeven",
        ),
        "title_hit": propose(
            session,
            title="Bewoners maken het verschil",
            situation="Een verhaal over de buurt.",
        ),
        "body_only": propose(
            session,
            title="Een verhaal over de buurt",
            situation="In de buurt zijn veel initiatieven; bewoners doen mee.",
        ),
        "unrelated": propose(
            session, title="Subsidie aanvragen", situation="Formulieren bij de gemeente."
        ),
        "xss": propose(
            session,
            title="<script>alert('x')</script> bewoners",
            situation='<img src=x onerror="alert(1)"> <iframe src="https://evil"></iframe>',
        ),
    }
    session.commit()
    return ids


def found(session: Session, query: str, **filters: object) -> list[int]:
    return [i for i, _ in search.search_ids(session, query, lessons.LessonFilter(**filters))]


def test_bewoners_finds_bewoner(session: Session, corpus: dict[str, int]) -> None:
    hits = found(session, "bewoners")
    assert corpus["bewoner"] in hits
    assert corpus["unrelated"] not in hits


def test_betrekken_finds_betrokken_and_betrekt(session: Session, corpus: dict[str, int]) -> None:
    # Snowball alone stems betrokken to "betrok"; the lemmatiser brings it home to betrekken.
    hits = found(session, "betrekken")
    assert corpus["betrokken"] in hits and corpus["betrekt"] in hits
    assert corpus["bewoner"] not in hits


def test_search_ranks_title_matches_first(session: Session, corpus: dict[str, int]) -> None:
    hits = found(session, "bewoners")
    assert hits.index(corpus["title_hit"]) < hits.index(corpus["body_only"])


def test_all_query_words_must_match(session: Session, corpus: dict[str, int]) -> None:
    assert found(session, "bewoner huiskamer") == [corpus["bewoner"]]
    assert found(session, "bewoner zwembad") == []


def test_search_with_filters(session: Session, corpus: dict[str, int]) -> None:
    assert found(session, "betrekken", phase_code="vormgeven") == [corpus["betrekt"]]
    assert found(session, "betrekken", city_id=city_id(session, "Utrecht")) == [corpus["betrokken"]]
    assert found(session, "betrekken", status="geaccepteerd") == []
    lessons.accept(session, TRAINER, corpus["betrokken"])
    session.commit()
    assert found(session, "betrekken", status="geaccepteerd") == [corpus["betrokken"]]
    assert found(session, "betrekken", statuses=lessons.PUBLIC_STATUSES) == [corpus["betrokken"]]


def test_search_operators_in_query_are_plain_words(
    session: Session, corpus: dict[str, int]
) -> None:
    for query in ['"bewoners', "bewoners AND OR NOT", "bewoners*", "bewoners:(", "'; DROP"]:
        search.search_ids(session, query)  # must not raise a syntax error
    assert search.search_ids(session, "  ?! ") == []


def test_highlights_are_escaped(session: Session, corpus: dict[str, int]) -> None:
    (hit,) = [h for h in search.search(session, SYSTEM, "bewoners") if h.lesson.id == corpus["xss"]]
    title = search.highlight(hit.lesson.title, search.query_stems("bewoners"))
    assert "<script>" not in title
    assert "&lt;script&gt;" in title and "<mark>bewoners</mark>" in title
    situation = search.highlight(hit.lesson.situation, search.query_stems("bewoners"))
    assert "<img" not in situation and "<iframe" not in situation


def test_browse_filters(session: Session, corpus: dict[str, int]) -> None:
    lessons.accept(session, TRAINER, corpus["bewoner"])
    leergang.include(
        session, TRAINER, corpus["bewoner"], "training-2", topic_id(session, "training-2")
    )
    lessons.reject(session, TRAINER, corpus["unrelated"], "Geen les")
    session.commit()

    def ids(**filters: object) -> set[int]:
        return {
            v.id for v in lessons.list_lessons(session, SYSTEM, lessons.LessonFilter(**filters))
        }

    assert ids(module_code="training-2") == {corpus["bewoner"]}
    assert ids(module_code="training-1") == set()
    assert ids(status="afgewezen") == {corpus["unrelated"]}
    assert ids(phase_code="verbeelden") == {corpus["betrokken"]}
    assert ids(city_id=city_id(session, "Utrecht")) == {corpus["betrokken"]}
    assert corpus["unrelated"] not in ids(statuses=lessons.visible_statuses(ANONYMOUS))


def test_theme_and_tag_filters(session: Session) -> None:
    a = propose(session, wish_codes=["samen-doen"], tags=["Koffie"])
    propose(session, wish_codes=["alles-verbinden"])
    session.commit()
    assert [
        v.id
        for v in lessons.list_lessons(session, SYSTEM, lessons.LessonFilter(wish_code="samen-doen"))
    ] == [a]
    assert [
        v.id for v in lessons.list_lessons(session, SYSTEM, lessons.LessonFilter(tag="koffie"))
    ] == [a]


def test_seed_lessons_are_utrecht_workshop_lessons_and_idempotent(session: Session) -> None:
    made = lesson_seed.seed_lessons(session)
    session.commit()
    assert made == 9
    assert lesson_seed.seed_lessons(session) == 0
    views = lessons.list_lessons(session, SYSTEM)
    assert len(views) == 9
    assert {v.city_name for v in views} == {"Utrecht"}
    assert all(v.status == "geaccepteerd" and v.lesson_date == dt.date(2018, 7, 3) for v in views)
    evaluation = next(v for v in views if v.phase_code == "evalueren")
    assert "Ik voel weer de energie van dialoog" in evaluation.consented_quotes
    # The seeded lessons are searchable too.
    assert found(session, "sleutelfiguren")


def test_search_is_updated_with_new_lessons(session: Session) -> None:
    assert found(session, "wijkfeest") == []
    lesson_id = propose(session, title="Het wijkfeest", situation="Samen een wijkfeest.")
    session.commit()
    assert found(session, "wijkfeesten") == [lesson_id]


def test_common_words_are_ranked_within_the_newest_matches(
    session: Session, corpus: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = found(session, "bewoners")
    assert len(everything) >= 4
    monkeypatch.setattr(search, "SEARCH_WINDOW", 2)
    newest_two = sorted(everything, reverse=True)[:2]
    assert sorted(found(session, "bewoners"), reverse=True) == newest_two


def test_migration_0002_checks_clean_and_downgrades(db_url: str) -> None:
    from alembic import command

    engine = db.make_engine(db_url)
    cfg = db.alembic_config(engine)
    command.upgrade(cfg, "head")
    command.check(cfg)  # raises when the models and the migrated schema differ
    command.downgrade(cfg, "0001")
    with engine.connect() as conn:
        assert not inspect(conn).has_table("lesson")
    command.upgrade(cfg, "head")
    command.check(cfg)
    engine.dispose()


def test_dialogue_choices_in_relay_order_with_current_phase(engine: Engine) -> None:
    with Session(engine) as session:
        found = choices.dialogue_choices(session)
        assert [c.city for c in found] == ["Deventer", "Utrecht", "Amsterdam"]
        assert {c.current_phase_code for c in found} == {"verkennen"}
        assert not any(c.editable for c in found)  # no actor: nobody's to edit
        # Utrecht moves on to phase 3; the lesson form then briefs on that phase.
        record = session.get(PhaseRecord, record_id(session, "Utrecht", "vormgeven"))
        change(session, record, dt.datetime(2025, 1, 1), "test", status="bezig")
        session.flush()
        now = {c.city: c.current_phase_code for c in choices.dialogue_choices(session)}
    assert now == {"Deventer": "verkennen", "Utrecht": "vormgeven", "Amsterdam": "verkennen"}
