"""Reminders by e-mail against a real SMTP server (aiosmtpd on loopback): right people, once."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from estafette import accounts, cli, lessons, reminders
from estafette.models import City, Dialogue, Role, SentReminder, User
from tests.factories import change, phase
from tests.uihelpers import PASSWORD, app_as

TODAY = dt.date(2026, 11, 25)
BASE = "https://estafette.example.nl"


class Sink:
    """Collects every message the SMTP server receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)  # type: ignore[attr-defined]
        self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 OK"


def _authenticate(
    server: object, session: object, envelope: object, mechanism: str, data: object
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        b"estafette",
        b"geheim",
    )
    return AuthResult(success=ok)


@pytest.fixture
def smtp_server() -> Iterator[tuple[Sink, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    yield sink, port
    controller.stop()


@pytest.fixture
def people(engine: Engine) -> dict[str, int]:
    """A coordinator, a Deventer lead (English), a Utrecht lead with reminders off, a trainer;
    an overdue dialogue in Deventer and in Utrecht, and one proposed lesson."""
    with Session(engine) as session:
        coord = accounts.bootstrap_coordinator(
            session, email="coord@example.nl", password=PASSWORD, name="Cor"
        )
        ids = {}
        for name in ("Deventer", "Utrecht"):
            city = session.scalar(select(City).where(City.name == name))
            accounts.add_user(
                session,
                coord,
                email=f"lead@{name.lower()}.nl",
                role=Role.CITY_LEAD,
                password=PASSWORD,
                name=f"Lead {name}",
                city_ids=[city.id],
            )
            dialogue = session.scalar(select(Dialogue).where(Dialogue.city_id == city.id))
            change(
                session,
                phase(dialogue, 1),
                dt.datetime(2026, 11, 20, 9),
                "Lead",
                status="bezig",
                actual_start=dt.date(2026, 9, 1),
                planned_end=dt.date(2026, 11, 1),
            )
            ids[name] = dialogue.id
        accounts.add_user(
            session, coord, email="trainer@example.nl", role=Role.TRAINER, password=PASSWORD
        )
        deventer_lead = session.scalar(select(User).where(User.email == "lead@deventer.nl"))
        reminders.set_preferences(session, deventer_lead.id, reminders=True, language="en")
        utrecht_lead = session.scalar(select(User).where(User.email == "lead@utrecht.nl"))
        reminders.set_preferences(session, utrecht_lead.id, reminders=False, language="nl")
        lessons.propose(
            session,
            accounts.sso_actor(session, "lead@deventer.nl"),
            lessons.LessonInput(
                title="Buurtsoep",
                phase_code="verkennen",
                city_id=deventer_lead.cities[0].id,
                situation="Soep op het plein.",
            ),
        )
        session.commit()
    return ids


def notify(
    url: str, monkeypatch: pytest.MonkeyPatch, port: int, *extra: str, today: dt.date = TODAY
) -> int:
    monkeypatch.setenv("ESTAFETTE_SMTP_URL", f"smtp://estafette:geheim@127.0.0.1:{port}")
    monkeypatch.setenv("ESTAFETTE_BASE_URL", BASE)
    monkeypatch.setenv("ESTAFETTE_MAIL_FROM", "estafette@example.nl")
    return cli.main(["--database-url", url, "notify", "--today", today.isoformat(), *extra])


def by_recipient(sink: Sink) -> dict[str, EmailMessage]:
    return {str(m["To"]): m for m in sink.messages}


def bodies(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    rich = message.get_body(("html",))
    assert plain is not None and rich is not None
    return plain.get_content(), rich.get_content()


def test_notify_sends_the_right_digests_once(
    engine: Engine,
    db_url: str,
    people: dict[str, int],
    smtp_server: tuple[Sink, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sink, port = smtp_server
    assert notify(db_url, monkeypatch, port) == 0
    got = by_recipient(sink)
    assert set(got) == {"coord@example.nl", "lead@deventer.nl", "trainer@example.nl"}
    # The Deventer lead: English, only Deventer's overdue dialogue, a deep link into the app.
    lead = got["lead@deventer.nl"]
    assert lead["Subject"] == "Estafette: 1 dialogue alert for your city"
    text, rich = bodies(lead)
    assert "Dear Lead Deventer," in text and "Deventer" in text and "Utrecht" not in text
    assert f"{BASE}/stad?dialoog={people['Deventer']}" in text
    assert f'href="{BASE}/stad?dialoog={people["Deventer"]}"' in rich
    assert "past its planned end" in text
    # The trainer: Dutch, the lesson waiting for review.
    text, _ = bodies(got["trainer@example.nl"])
    assert got["trainer@example.nl"]["Subject"] == "Estafette: 1 les wacht op beoordeling"
    assert "Buurtsoep — Deventer (etappe 1)" in text and f"{BASE}/lessen" in text
    # The coordinator: the weekly summary, Dutch.
    text, _ = bodies(got["coord@example.nl"])
    assert got["coord@example.nl"]["Subject"] == "Estafette: weekoverzicht 2026-W48"
    assert "signalen vragen aandacht" in text
    assert all(str(m["From"]) == "estafette@example.nl" for m in sink.messages)

    # Once per period: a second run in the same week sends nothing.
    assert notify(db_url, monkeypatch, port, today=TODAY + dt.timedelta(days=2)) == 0
    assert len(sink.messages) == 3
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(SentReminder)) == 3


def test_dry_run_sends_and_records_nothing(
    engine: Engine,
    db_url: str,
    people: dict[str, int],
    smtp_server: tuple[Sink, int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sink, port = smtp_server
    assert notify(db_url, monkeypatch, port, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "zou 3 herinneringen versturen voor 2026-W48" in out
    assert "lead@deventer.nl" in out and "lead@utrecht.nl" not in out
    assert sink.messages == []
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(SentReminder)) == 0
    # The real run afterwards still sends them.
    assert notify(db_url, monkeypatch, port) == 0
    assert len(sink.messages) == 3


def test_smtp_problems_are_one_clear_line(
    db_url: str,
    people: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("ESTAFETTE_SMTP_URL", raising=False)
    assert cli.main(["--database-url", db_url, "notify"]) == 1
    assert "ESTAFETTE_SMTP_URL" in capsys.readouterr().err
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    assert notify(db_url, monkeypatch, closed) == 1
    assert "127.0.0.1" in capsys.readouterr().err


def test_account_page_turns_reminders_off(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    from tests.uihelpers import prepare

    actors = prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, actors["city_lead"], page="pages/login.py")
    assert not at.exception
    assert at.checkbox(key="estafette.account.reminders").value is True
    at.checkbox(key="estafette.account.reminders").uncheck()
    at.selectbox(key="estafette.account.mail_language").set_value("en")
    at.button(key="estafette.account.reminders_save").click().run()
    assert not at.exception
    from estafette import db

    engine = db.make_engine(sqlite_url)
    with Session(engine) as session:
        user = session.scalar(select(User).where(User.email == "lead@deventer.nl"))
        assert (user.reminders, user.language) == (False, "en")
        assert all(m.to != "lead@deventer.nl" for m in reminders.plan(session, TODAY))
    engine.dispose()
