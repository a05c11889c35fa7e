"""Personal data: forget (checked by a full dump), export, retention purge and the audit log."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from estafette import accounts, audit, cli, lessons, privacy, signin, updates
from estafette.accounts import SYSTEM, PermissionDenied
from estafette.models import (
    Base,
    Lesson,
    LessonEvent,
    LessonQuote,
    LoginThrottle,
    StatusEvent,
    User,
    UserSession,
)
from tests.factories import city_id, record_id, snapshot, trainer

EMAIL = "marieke.jansen@voorbeeld.nl"
NAME = "Marieke Jansen"
PASSPHRASE = "fietsbel onder de appelboom"


def dump(engine: Engine) -> str:
    """Every row of every table (and SQLite's full-text index), as one lower-case text."""
    with engine.connect() as conn:
        parts = [
            repr(row)
            for table in Base.metadata.sorted_tables
            for row in conn.execute(table.select())
        ]
        if engine.dialect.name == "sqlite":
            parts += [repr(row) for row in conn.execute(text("SELECT * FROM lesson_fts"))]
    return "\n".join(parts).lower()


def person(engine: Engine) -> dict[str, int]:
    """A city lead with a lesson, status history, a review, sessions and a throttle row."""
    with Session(engine) as session:
        accounts.add_user(
            session,
            SYSTEM,
            email=EMAIL,
            role="city_lead",
            password=PASSPHRASE,
            name=NAME,
            city_ids=[city_id(session, "Deventer")],
        )
        session.commit()
        actor = accounts.sso_actor(session, EMAIL)
        view = updates.load_record(session, record_id(session, "Deventer", "verbeelden"))
        updates.save_update(
            session,
            actor,
            view,
            updates.PhaseUpdate("bezig", note=f"Gesprek gevoerd door {NAME} ({EMAIL})"),
            close_previous=False,
        )
        lesson_id = lessons.propose(
            session,
            actor,
            lessons.LessonInput(
                title="Koffie met de buren",
                phase_code="verkennen",
                city_id=city_id(session, "Deventer"),
                situation=f"{NAME} nodigde de buren uit.",
                quotes=[("Fijn dat iemand luistert.", True)],
                consent_basis="mondeling",
            ),
        )
        lessons.accept(session, SYSTEM, lesson_id, "mooi")
        user_id = session.scalar(select(User.id).where(User.email == EMAIL))
        now = dt.datetime(2026, 1, 1)
        session.add_all(
            [
                UserSession(token_hash="a" * 64, user_id=user_id, created_at=now, last_seen_at=now),
                UserSession(
                    token_hash="b" * 64,
                    user_id=user_id,
                    created_at=now,
                    last_seen_at=now,
                    ended_at=now,
                    ended_reason="logout",
                ),
                LoginThrottle(email_hash=signin.email_hash(EMAIL), failed_logins=2, updated_at=now),
            ]
        )
        session.commit()
    return {"lesson": lesson_id, "user": user_id}


def test_forget_leaves_no_trace_but_keeps_lessons_and_history(engine: Engine) -> None:
    ids = person(engine)
    with Session(engine) as session:
        events = session.scalar(select(func.count()).select_from(StatusEvent))
        lesson_events = session.scalar(select(func.count()).select_from(LessonEvent))
    before = dump(engine)
    assert EMAIL in before and NAME.lower() in before
    with Session(engine) as session:
        report = privacy.forget(session, SYSTEM, f"  {EMAIL.upper()} ")
        session.commit()
    after = dump(engine)
    assert EMAIL not in after and NAME.lower() not in after
    pseudonym = report.pseudonym
    assert pseudonym.startswith("Oud-deelnemer ") and report.account_deleted
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(StatusEvent)) == events
        assert session.scalar(select(func.count()).select_from(LessonEvent)) == lesson_events
        lesson = session.get(Lesson, ids["lesson"])
        assert (lesson.author, lesson.author_email, lesson.author_user_id) == (pseudonym, "", None)
        assert lesson.situation == f"{pseudonym} nodigde de buren uit."
        actors = set(session.scalars(select(StatusEvent.actor)))
        assert pseudonym in actors
        assert session.scalar(select(func.count()).select_from(UserSession)) == 0
        assert session.scalar(select(func.count()).select_from(LoginThrottle)) == 0
        assert session.get(User, ids["user"]) is None
        entries = audit.entries(session, SYSTEM)
        assert entries[0].action == "privacy_forget" and entries[0].target == pseudonym
    # The report says what changed, per table and column.
    changed = report.changed
    assert changed["user_account"] == 1 and changed["user_session"] == 2
    assert changed["login_throttle"] == 1 and changed["lesson.author"] == 1
    assert changed["status_event.actor"] >= 1 and changed["phase_record.updated_by"] == 1
    assert changed["lesson_event.actor"] == 1 and changed["lesson_quote.consent_recorded_by"] == 1
    # Forgetting again finds nothing.
    with Session(engine) as session, pytest.raises(privacy.PrivacyError) as info:
        privacy.forget(session, SYSTEM, EMAIL)
    assert info.value.code == "unknown_person"


def test_privacy_actions_are_for_coordinators_only(engine: Engine) -> None:
    person(engine)
    before = snapshot(engine)
    reviewer = trainer(email="t@x.nl", user_id=99)
    for actor in (accounts.ANONYMOUS, reviewer):
        with Session(engine) as session:
            with pytest.raises(PermissionDenied):
                privacy.forget(session, actor, EMAIL)
            with pytest.raises(PermissionDenied):
                privacy.export_person(session, actor, EMAIL)
            with pytest.raises(PermissionDenied):
                audit.entries(session, actor)
        with pytest.raises(PermissionDenied):
            privacy.purge(engine, actor, quote_days=1, session_days=1)
    assert snapshot(engine) == before


def test_export_person_gives_their_data(engine: Engine) -> None:
    ids = person(engine)
    with Session(engine) as session:
        document = privacy.export_person(session, SYSTEM, EMAIL)
        session.commit()
    data = json.loads(json.dumps(document))
    assert data["account"]["name"] == NAME and data["account"]["cities"] == ["Deventer"]
    assert "password_hash" not in json.dumps(data) and "$argon2" not in json.dumps(data)
    assert [lesson["id"] for lesson in data["lessons"]] == [ids["lesson"]]
    assert len(data["sessions"]) == 2
    assert {e["field"] for e in data["status_changes"]} >= {"status", "note"}
    assert any(e["action"] == "user_add" for e in data["audit_log"])


def test_purge_applies_retention_with_a_dry_run(engine: Engine) -> None:
    person(engine)
    later = dt.datetime.now() + dt.timedelta(days=400)
    with Session(engine) as session:
        quotes = session.scalar(select(func.count()).select_from(LessonQuote))
        published = session.scalar(
            select(func.count())
            .select_from(LessonQuote)
            .where(LessonQuote.consent_basis == "gepubliceerd")
        )
    before = snapshot(engine)
    dry = privacy.purge(engine, SYSTEM, quote_days=365, session_days=30, dry_run=True, now=later)
    assert (dry.quotes, dry.sessions, dry.throttles) == (quotes - published, 1, 1)
    assert snapshot(engine) == before
    done = privacy.purge(engine, SYSTEM, quote_days=365, session_days=30, now=later)
    assert (done.quotes, done.sessions, done.throttles) == (dry.quotes, 1, 1)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(LessonQuote)) == published
        # The open session stays; only the ended one was past its retention.
        assert session.scalar(select(func.count()).select_from(UserSession)) == 1
        assert audit.entries(session, SYSTEM)[0].action == "privacy_purge"
    # Nothing is old enough a day later: nothing more goes.
    again = privacy.purge(engine, SYSTEM, quote_days=365, session_days=30, now=later)
    assert (again.quotes, again.sessions, again.throttles) == (0, 0, 0)


def test_privacy_cli(make_db_url, monkeypatch, capsys, tmp_path) -> None:
    from tests.factories import seeded_engine

    url = make_db_url("sqlite")
    engine = seeded_engine(url)
    person(engine)
    monkeypatch.setenv("ESTAFETTE_LANG", "nl")
    base = ["--database-url", url, "privacy"]
    out = tmp_path / "persoon.json"
    assert cli.main([*base, "export", "--email", EMAIL, "--out", str(out)]) == 0
    assert json.loads(out.read_text())["account"]["email"] == EMAIL
    capsys.readouterr()
    assert cli.main([*base, "purge", "--dry-run"]) == 0
    assert capsys.readouterr().out.startswith("zou verwijderen — citaten ouder dan 1095 dagen: 0,")
    assert cli.main([*base, "forget", "--email", EMAIL]) == 0
    output = capsys.readouterr().out
    assert "account verwijderd" in output and "user_session: 2" in output
    assert EMAIL not in dump(engine)
    assert cli.main([*base, "forget", "--email", EMAIL]) == 1
    assert "Er staat niets over" in capsys.readouterr().err
    monkeypatch.setenv("ESTAFETTE_QUOTE_RETENTION_DAYS", "0")
    assert cli.main([*base, "purge"]) == 1
    assert "minstens 1 dag" in capsys.readouterr().err
    engine.dispose()


def test_audit_log_records_administrative_actions(engine: Engine) -> None:
    person(engine)
    with Session(engine) as session:
        actions = [e.action for e in audit.entries(session, SYSTEM)]
    assert "user_add" in actions
    with Session(engine) as session:
        accounts.deactivate_user(session, SYSTEM, EMAIL)
        accounts.reset_password(session, SYSTEM, EMAIL, "een heel ander lang zinnetje")
        session.commit()
        newest = [(e.action, e.target, e.actor) for e in audit.entries(session, SYSTEM)[:2]]
    assert newest == [
        ("user_password_reset", EMAIL, SYSTEM.label),
        ("user_deactivate", EMAIL, SYSTEM.label),
    ]


def test_beheer_forgets_a_person_and_shows_the_audit_log(monkeypatch, sqlite_url) -> None:
    from tests.uihelpers import app_as, as_read, prepare, texts

    actors = prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, actors["coordinator"], "pages/admin.py")
    assert not at.exception
    audit_table = at.dataframe[-1].value
    assert "user_add" in set(audit_table["Handeling"])
    at.text_input(key="estafette.admin.privacy_email").set_value("trainer@example.nl")
    at.button(key="estafette.admin.privacy_export").click().run()
    assert not at.exception
    # Labels render Markdown: the address comes with a word joiner so it stays text.
    labels = [b.proto.label for b in at.get("download_button")]
    assert [as_read(label) for label in labels] == [
        "Download gegevens van trainer@example.nl (JSON)"
    ]
    assert "\u2060@" in labels[0]
    # Erasing needs the confirmation first.
    assert at.button(key="estafette.admin.privacy_forget").disabled
    at.checkbox(key="estafette.admin.privacy_confirm").check().run()
    at.button(key="estafette.admin.privacy_forget").click().run()
    assert not at.exception
    assert "Gewist. De persoon heet nu ‘Oud-deelnemer" in texts(at)
    assert "trainer@example.nl" not in at.dataframe[0].value.to_string()
    assert {"privacy_export", "privacy_forget"} <= set(at.dataframe[-1].value["Handeling"])


def test_a_coordinator_cannot_forget_themself(engine: Engine) -> None:
    person(engine)
    with Session(engine) as session:
        me = accounts.Actor(
            email=EMAIL,
            role=accounts.Role.COORDINATOR,
            user_id=session.scalar(select(User.id).where(User.email == EMAIL)),
        )
        with pytest.raises(privacy.PrivacyError) as info:
            privacy.forget(session, me, EMAIL)
    assert info.value.code == "self_forget"


def test_every_privacy_error_has_a_translation() -> None:
    import re
    from pathlib import Path

    from estafette import i18n

    source = (Path(__file__).resolve().parents[2] / "estafette" / "privacy.py").read_text()
    codes = set(re.findall(r'PrivacyError\(\s*"([a-z_]+)"', source))
    assert codes >= {"unknown_person", "self_forget", "retention_invalid"}
    for code in codes:
        for lang in i18n.LANGUAGES:
            assert i18n.translate(f"privacy.error.{code}", lang, email="x@example.nl")


def test_quote_consent_records_who_when_and_basis(engine: Engine) -> None:
    ids = person(engine)
    with Session(engine) as session:
        (quote,) = session.scalars(
            select(LessonQuote).where(LessonQuote.lesson_id == ids["lesson"])
        )
        assert (quote.consent, quote.consent_basis, quote.consent_recorded_by) == (
            True,
            "mondeling",
            NAME,
        )
        assert quote.consent_recorded_at is not None and quote.created_at is not None
        lead = accounts.sso_actor(session, EMAIL)
        data = lessons.LessonInput(
            title="Zonder grondslag",
            phase_code="verkennen",
            city_id=city_id(session, "Deventer"),
            situation="Iets.",
            quotes=[("Mag dit erin?", True)],
        )
        with pytest.raises(lessons.LessonError, match="consent_basis_required"):
            lessons.propose(session, lead, data)
        # A quote without consent needs no basis, and records none.
        data.quotes = [("Liever niet citeren.", False)]
        lesson_id = lessons.propose(session, lead, data)
        (private,) = session.scalars(select(LessonQuote).where(LessonQuote.lesson_id == lesson_id))
        assert (private.consent, private.consent_basis, private.consent_recorded_at) == (
            False,
            "",
            None,
        )
