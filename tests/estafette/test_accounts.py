"""Accounts: hashing, login with lockout, bootstrap, and the full role × action matrix."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from estafette import (
    accounts,
    backup,
    db,
    handout,
    leergang,
    lessons,
    relay,
    search,
    signin,
    status_import,
    transfer,
    updates,
)
from estafette.accounts import (
    ANONYMOUS,
    Action,
    Actor,
    PermissionDenied,
    can,
)
from estafette.models import City, Dialogue, PhaseRecord, Role, User
from tests.factories import (
    city_id,
    city_lead,
    coordinator,
    make_actor,
    record_id,
    snapshot,
    trainer,
)

PASSWORD = "correct horse battery"


def make_actors(session: Session) -> dict[str, Actor]:
    """One real account per role (plus anonymous), the city lead assigned to Deventer."""
    boot = accounts.bootstrap_coordinator(session, email="coord@example.nl", password=PASSWORD)
    accounts.add_user(
        session,
        boot,
        email="lead@example.nl",
        role=Role.CITY_LEAD,
        password=PASSWORD,
        city_ids=[city_id(session, "Deventer")],
    )
    accounts.add_user(
        session, boot, email="trainer@example.nl", role=Role.TRAINER, password=PASSWORD
    )
    accounts.add_user(
        session, boot, email="target@example.nl", role=Role.TRAINER, password=PASSWORD
    )
    # Deventer reaches Vervolgen (set directly, outside the permission check) for the hand-over.
    session.get(PhaseRecord, record_id(session, "Deventer", "vervolgen")).status = "bezig"
    session.commit()
    return {
        "coordinator": accounts.sso_actor(session, "coord@example.nl"),
        "city_lead": accounts.sso_actor(session, "lead@example.nl"),
        "trainer": accounts.sso_actor(session, "trainer@example.nl"),
        "anonymous": ANONYMOUS,
    }


def _status(city: str) -> Callable[[Session, Actor], object]:
    def run(session: Session, actor: Actor) -> object:
        view = updates.load_record(session, record_id(session, city, "verkennen"))
        change = updates.PhaseUpdate(
            status="bezig", actual_start=view.actual_start, note=f"door {actor.label}"
        )
        return updates.save_update(session, actor, view, change)

    return run


def _backup_export(session: Session, actor: Actor) -> object:
    return backup.export_backup(session, actor)


def _status_import(session: Session, actor: Actor) -> object:
    data = transfer.export_status(session, accounts.SYSTEM, "json")
    text = data.decode("utf-8").replace('"notitie": ""', '"notitie": "geimporteerd"', 1)
    return status_import.import_status(session, actor, text.encode("utf-8"), "json")


def _backup_import(session: Session, actor: Actor) -> object:
    document = json.loads(backup.export_backup(session, accounts.SYSTEM))
    document["tables"]["phase_record"][0]["note"] = "hersteld uit back-up"
    data = json.dumps(document).encode("utf-8")
    return backup.import_backup(session, actor, data, replace=True)


def _handover(session: Session, actor: Actor) -> object:
    dialogue = session.scalar(
        select(Dialogue.id).join(Dialogue.city).where(City.name == "Deventer")
    )
    return relay.record_handover(
        session,
        actor,
        from_dialogue_id=dialogue,
        to_city_id=city_id(session, "Utrecht"),
        handed_over_on=dt.date(2020, 1, 1),
        note="stokje",
        checklist={"lessons_shared": True},
    )


ACTIONS: dict[str, Callable[[Session, Actor], object]] = {
    "edit_status_deventer": _status("Deventer"),
    "edit_status_utrecht": _status("Utrecht"),
    "add_user": lambda s, a: accounts.add_user(
        s, a, email="new@example.nl", role="trainer", password=PASSWORD
    ),
    "deactivate_user": lambda s, a: accounts.deactivate_user(s, a, "target@example.nl"),
    "reactivate_user": lambda s, a: accounts.reactivate_user(s, a, "target@example.nl"),
    "reset_password": lambda s, a: accounts.reset_password(
        s, a, "target@example.nl", "another long password"
    ),
    "set_lead_cities": lambda s, a: accounts.set_role(
        s, a, "lead@example.nl", "city_lead", [city_id(s, "Deventer"), city_id(s, "Utrecht")]
    ),
    "list_users": lambda s, a: accounts.list_users(s, a),
    "add_city": lambda s, a: relay.add_city(s, a, name="Zwolle"),
    "add_dialogue": lambda s, a: relay.add_dialogue(
        s, a, city_id=city_id(s, "Utrecht"), neighbourhood="Overvecht"
    ),
    "record_handover": _handover,
    "import_status": _status_import,
    "export_backup": _backup_export,
    "export_status": lambda s, a: transfer.export_status(s, a, "xlsx"),
    "import_backup": _backup_import,
    "bootstrap_coordinator": lambda s, a: accounts.bootstrap_coordinator(
        s, email="second@example.nl", password=PASSWORD
    ),
    # Reading what names people or quotes residents: signed-in people only, never anonymous
    # (not even with anonymous reading on: see test_anonymous_read_opens_only_the_dashboard).
    "list_lessons": lambda s, a: lessons.list_lessons(s, a),
    "list_lesson_search": lambda s, a: search.search(s, a, "bewoners"),
    "list_lesson_history": lambda s, a: lessons.history(s, a, 1),
    "list_briefing": lambda s, a: lessons.briefing(
        s, a, s.scalar(select(Dialogue.id).order_by(Dialogue.id.desc())), "vormgeven"
    ),
    "list_course": lambda s, a: leergang.course(s, a, "training-2"),
    "list_course_versions": lambda s, a: leergang.versions(s, a, "training-2"),
    "export_course_docx": lambda s, a: handout.export(s, a, "training-2", "docx"),
    "export_course_md": lambda s, a: handout.export(s, a, "training-2", "md"),
}
READS = {
    name
    for name in ACTIONS
    if name.startswith(("list_lesson", "list_briefing", "list_course", "export_course"))
}

ALLOWED: dict[str, set[str]] = {
    "coordinator": set(ACTIONS) - {"bootstrap_coordinator"},
    "city_lead": {"edit_status_deventer", "export_status"} | READS,
    "trainer": {"export_status"} | READS,
    "anonymous": set(),
}


@pytest.mark.parametrize("role", list(ALLOWED))
def test_role_action_matrix(engine: Engine, role: str) -> None:
    """Every role × every action: forbidden ones raise and leave every table untouched."""
    with Session(engine) as session:
        actors = make_actors(session)
    actor = actors[role]
    for name, action in ACTIONS.items():
        before = snapshot(engine)
        with Session(engine) as session:
            if name in ALLOWED[role]:
                action(session, actor)
                session.commit()
                assert snapshot(engine) != before or name.startswith(("list", "export")), name
            else:
                with pytest.raises(PermissionDenied):
                    action(session, actor)
                session.rollback()
                assert snapshot(engine) == before, f"{role} {name} wrote something"


def test_can_matrix_is_consistent() -> None:
    lead = city_lead(email="l@x.nl", user_id=1, city_ids=frozenset({7}))
    assert can(lead, Action.EDIT_STATUS, city_id=7)
    assert not can(lead, Action.EDIT_STATUS, city_id=8)
    assert not can(lead, Action.MANAGE_USERS)
    coord = coordinator(email="c@x.nl", user_id=2)
    assert all(can(coord, action, city_id=8) for action in Action)
    reviewer = trainer(email="t@x.nl", user_id=3)
    assert not can(reviewer, Action.EDIT_STATUS, city_id=7)
    assert not any(can(ANONYMOUS, action, city_id=7) for action in Action)
    assert accounts.may_read(ANONYMOUS, True) and not accounts.may_read(ANONYMOUS, False)
    assert accounts.may_read(reviewer, False)


def test_anonymous_read_opens_only_the_dashboard() -> None:
    """The setting ESTAFETTE_ANONYMOUS_READ opens overview, map, timeline and method only."""
    opened = {a for a in Action if can(ANONYMOUS, a, anonymous_read=True)}
    assert opened == {Action.READ_DASHBOARD}
    for action in (Action.READ_LESSONS, Action.READ_COURSE, Action.PROPOSE_LESSON):
        assert not can(ANONYMOUS, action, anonymous_read=True)
        for role in Role:
            assert can(make_actor(role, email="x@x.nl", user_id=1), action)


def test_password_is_stored_as_argon2id(session: Session) -> None:
    accounts.bootstrap_coordinator(session, email="Coord@Example.nl ", password=PASSWORD)
    session.commit()
    user = session.scalar(select(User))
    assert user.email == "coord@example.nl"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    actor = signin.authenticate(session, "COORD@example.nl", PASSWORD)
    assert actor.role is Role.COORDINATOR and actor.user_id == user.id


def test_bootstrap_only_while_no_active_coordinator(session: Session) -> None:
    first = accounts.bootstrap_coordinator(session, email="a@example.nl", password=PASSWORD)
    session.commit()
    with pytest.raises(PermissionDenied):
        accounts.bootstrap_coordinator(session, email="b@example.nl", password=PASSWORD)
    assert accounts.has_coordinator(session)
    # If the only coordinator is switched off (directly: one may not deactivate oneself),
    # the first-run form may create a new one.
    session.get(User, first.user_id).active = False
    session.commit()
    assert not accounts.has_coordinator(session)
    accounts.bootstrap_coordinator(session, email="b@example.nl", password=PASSWORD)


def test_account_input_errors(session: Session) -> None:
    coord = accounts.bootstrap_coordinator(session, email="a@example.nl", password=PASSWORD)
    cases = [
        ({"email": "geen-adres", "role": "trainer", "password": PASSWORD}, "email_invalid"),
        ({"email": "a@example.nl", "role": "trainer", "password": PASSWORD}, "email_taken"),
        ({"email": "x@example.nl", "role": "baas", "password": PASSWORD}, "role_invalid"),
        ({"email": "x@example.nl", "role": "trainer", "password": "kort"}, "password_short"),
        ({"email": "x@example.nl", "role": "city_lead", "password": PASSWORD}, "city_required"),
        (
            {"email": "x@example.nl", "role": "city_lead", "password": PASSWORD, "city_ids": [999]},
            "unknown_city",
        ),
    ]
    for kwargs, code in cases:
        with pytest.raises(accounts.AccountError) as info:
            accounts.add_user(session, coord, **kwargs)
        assert info.value.code == code
    with pytest.raises(accounts.AccountError) as info:
        accounts.deactivate_user(session, coord, "a@example.nl")
    assert info.value.code == "self_deactivate"
    assert [u.email for u in accounts.list_users(session, coord)] == ["a@example.nl"]


def test_brute_force_locks_the_account(session: Session) -> None:
    """Five wrong guesses lock the account; even the right password is refused until later."""
    accounts.bootstrap_coordinator(session, email="a@example.nl", password=PASSWORD)
    session.commit()
    now = dt.datetime(2026, 1, 1, 12, 0)
    guesses = [f"guess-{n:04d}" for n in range(4)] + ["wrong again", PASSWORD, "x", PASSWORD]
    outcomes = []
    for guess in guesses:
        try:
            signin.authenticate(session, "a@example.nl", guess, now=now)
            outcomes.append("ok")
        except accounts.LoginFailed as exc:
            outcomes.append(exc.code)
    assert outcomes == ["invalid"] * 4 + ["locked"] * 4
    user = session.scalar(select(User))
    assert user.locked_until == now + signin.LOCKOUT
    # Still locked one minute before the end; the right password works after it.
    with pytest.raises(accounts.LoginFailed):
        signin.authenticate(
            session, "a@example.nl", PASSWORD, now=now + signin.LOCKOUT - dt.timedelta(minutes=1)
        )
    later = now + signin.LOCKOUT + dt.timedelta(seconds=1)
    assert signin.authenticate(session, "a@example.nl", PASSWORD, now=later).email
    session.refresh(user)
    assert user.failed_logins == 0 and user.locked_until is None


def test_reset_password_lifts_lockout_and_inactive_cannot_log_in(session: Session) -> None:
    coord = accounts.bootstrap_coordinator(session, email="a@example.nl", password=PASSWORD)
    accounts.add_user(session, coord, email="t@example.nl", role="trainer", password=PASSWORD)
    session.commit()
    for _ in range(signin.MAX_FAILED_LOGINS):
        with pytest.raises(accounts.LoginFailed):
            signin.authenticate(session, "t@example.nl", "nope nope nope")
    accounts.reset_password(session, coord, "t@example.nl", "a brand new password")
    session.commit()
    assert signin.authenticate(session, "t@example.nl", "a brand new password")
    accounts.deactivate_user(session, coord, "t@example.nl")
    session.commit()
    with pytest.raises(accounts.LoginFailed) as info:
        signin.authenticate(session, "t@example.nl", "a brand new password")
    assert info.value.code == "inactive"
    with pytest.raises(accounts.LoginFailed) as info:
        accounts.sso_actor(session, "t@example.nl")
    assert info.value.code == "inactive"
    with pytest.raises(accounts.LoginFailed) as info:
        accounts.sso_actor(session, "unknown@example.nl")
    assert info.value.code == "no_account"


def test_set_role_gives_a_city_lead_other_cities(session: Session) -> None:
    coord = make_actors(session)["coordinator"]
    utrecht = city_id(session, "Utrecht")
    accounts.set_role(session, coord, "lead@example.nl", Role.CITY_LEAD, [utrecht])
    session.commit()
    assert accounts.find_user(session, coord, "lead@example.nl").city_ids == (utrecht,)
    assert accounts.sso_actor(session, "lead@example.nl").city_ids == frozenset({utrecht})
    with pytest.raises(accounts.AccountError, match="city_required"):
        accounts.set_role(session, coord, "lead@example.nl", Role.CITY_LEAD, [])


def test_cli_user_commands(make_db_url, monkeypatch, capsys) -> None:
    from estafette import cli

    url = make_db_url("sqlite")
    base = ["--database-url", url, "user"]
    monkeypatch.setenv("ESTAFETTE_PASSWORD", PASSWORD)
    monkeypatch.setenv("ESTAFETTE_LANG", "nl")
    add = [*base, "add", "--email", "Lead@Deventer.nl", "--role", "city_lead"]
    assert cli.main([*add, "--city", "Deventer", "--name", "Lead"]) == 0
    assert "account toegevoegd: lead@deventer.nl (stadstrekker)" in capsys.readouterr().out
    # Problems end in one readable line and exit code 1; nothing is written.
    assert cli.main([*add, "--city", "Deventer"]) == 1
    assert "Er bestaat al een account voor lead@deventer.nl." in capsys.readouterr().err
    other = [*base, "add", "--email", "x@example.nl", "--role", "city_lead"]
    assert cli.main([*other, "--city", "Atlantis"]) == 1
    assert capsys.readouterr().err.strip() == "estafette: onbekende stad: Atlantis"
    assert cli.main([*other, "--city", "Utrecht", "--password", "kort"]) == 1
    assert "minstens 12 tekens" in capsys.readouterr().err
    assert (
        cli.main(
            [
                *base,
                "reset-password",
                "--email",
                "lead@deventer.nl",
                "--password",
                "nog een lang wachtwoord",
            ]
        )
        == 0
    )
    engine = db.make_engine(url)
    with Session(engine) as session:
        assert signin.authenticate(session, "lead@deventer.nl", "nog een lang wachtwoord")
        assert [u.email for u in accounts.list_users(session, accounts.SYSTEM)] == [
            "lead@deventer.nl"
        ]
    assert cli.main([*base, "deactivate", "--email", "lead@deventer.nl"]) == 0
    with Session(engine) as session, pytest.raises(accounts.LoginFailed):
        signin.authenticate(session, "lead@deventer.nl", "nog een lang wachtwoord")
    assert cli.main([*base, "deactivate", "--email", "niemand@example.nl"]) == 1
    assert "Er is geen account voor niemand@example.nl." in capsys.readouterr().err
    engine.dispose()


def test_every_error_code_has_a_translation() -> None:
    """Codes raised by the domain become Dutch and English messages in the UI and CLI."""
    import re
    from pathlib import Path

    from estafette import i18n

    root = Path(__file__).resolve().parents[2] / "estafette"
    patterns = [
        ("relay.py", r'RelayError\(\s*"([a-z_]+)"', "relay.error."),
        ("accounts.py", r'AccountError\(\s*"([a-z_]+)"', "user.error."),
        ("accounts.py", r'LoginFailed\(\s*"([a-z_]+)"', "auth.error."),
        ("updates.py", r'Issue\(\s*"[a-z_]+",\s*"([a-z_]+)"', "validation."),
    ]
    catalog = i18n.catalog()
    for name, pattern, prefix in patterns:
        codes = set(re.findall(pattern, (root / name).read_text()))
        assert codes, name
        assert {c for c in codes if prefix + c not in catalog} == set(), name
