"""Just-in-time briefing: what earlier legs learned in the phase a dialogue enters."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from estafette import leergang, lesson_seed, lessons
from estafette.accounts import SYSTEM
from estafette.models import City, Dialogue, LeergangModule, LeergangTopic
from tests.factories import city_lead, trainer

TRAINER = trainer(email="t@example.nl", name="Trainer")
LEAD = city_lead(email="l@example.nl", name="Stadstrekker")


# The seeded relay without the workshop's own lessons, so each test crafts its lessons.
SEED_OPTIONS = {"workshop_lessons": False}


def dialogue_of(session: Session, city: str) -> Dialogue:
    return session.scalar(select(Dialogue).join(City).where(City.name == city))


def lesson(session: Session, city: str, phase: str, title: str, status: str) -> int:
    dialogue = dialogue_of(session, city)
    lesson_id = lessons.propose(
        session,
        LEAD,
        lessons.LessonInput(
            title=title, phase_code=phase, dialogue_id=dialogue.id, situation="In de wijk."
        ),
    )
    if status in ("geaccepteerd", "opgenomen"):
        lessons.accept(session, TRAINER, lesson_id)
    if status == "opgenomen":
        topic = session.scalar(
            select(LeergangTopic.id)
            .join(LeergangModule)
            .where(LeergangModule.code == "training-2", LeergangTopic.position == 2)
        )
        leergang.include(session, TRAINER, lesson_id, "training-2", topic)
    if status == "afgewezen":
        lessons.reject(session, TRAINER, lesson_id, "Niet overdraagbaar")
    return lesson_id


def test_amsterdam_entering_vormgeven_gets_accepted_lessons_of_deventer_and_utrecht(
    session: Session,
) -> None:
    deventer = lesson(session, "Deventer", "vormgeven", "Deventer ontwerpt samen", "geaccepteerd")
    utrecht = lesson(session, "Utrecht", "vormgeven", "Utrecht kiest drie thema's", "opgenomen")
    rejected = lesson(session, "Utrecht", "vormgeven", "Afgewezen les", "afgewezen")
    proposed = lesson(session, "Deventer", "vormgeven", "Nog niet beoordeeld", "voorgesteld")
    other_phase = lesson(session, "Deventer", "verkennen", "Verkennen in Deventer", "geaccepteerd")
    own_city = lesson(session, "Amsterdam", "vormgeven", "Amsterdam zelf", "geaccepteerd")
    session.commit()

    amsterdam = dialogue_of(session, "Amsterdam")
    shown = [v.id for v in lessons.briefing(session, SYSTEM, amsterdam.id, "vormgeven", limit=20)]

    assert set(shown) == {deventer, utrecht}
    for hidden in (rejected, proposed, other_phase, own_city):
        assert hidden not in shown
    # Already in the Leergang (and from the nearer leg) ranks first.
    assert shown == [utrecht, deventer]


def test_same_theme_ranks_first_and_limit_applies(session: Session) -> None:
    utrecht = dialogue_of(session, "Utrecht")
    deventer = dialogue_of(session, "Deventer")
    amsterdam = dialogue_of(session, "Amsterdam")
    deventer.theme = amsterdam.theme = "VAN ZOOI NAAR MOOI!"
    utrecht.theme = "EEN GEWELDIGE ZOEKTOCHT!"
    same = lesson(session, "Deventer", "evalueren", "Zelfde thema", "geaccepteerd")
    lesson(session, "Utrecht", "evalueren", "Ander thema", "opgenomen")
    session.commit()
    shown = lessons.briefing(session, SYSTEM, amsterdam.id, "evalueren", limit=1)
    assert [v.id for v in shown] == [same]


def test_first_leg_has_no_earlier_lessons(session: Session) -> None:
    lesson(session, "Utrecht", "verkennen", "Later been", "geaccepteerd")
    session.commit()
    assert lessons.briefing(session, SYSTEM, dialogue_of(session, "Deventer").id, "verkennen") == []


def test_seeded_workshop_lessons_brief_amsterdam(session: Session) -> None:
    lesson_seed.seed_lessons(session)
    session.commit()
    shown = lessons.briefing(
        session, SYSTEM, dialogue_of(session, "Amsterdam").id, "vormgeven", limit=20
    )
    assert len(shown) == 8 and all(v.city_name == "Utrecht" for v in shown)
