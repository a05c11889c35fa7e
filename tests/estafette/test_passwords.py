"""Password rules (NIST SP 800-63B) in the domain, the CLI, Beheer and the first-run form."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from estafette import accounts, cli, db, i18n, passwords, signin
from estafette.models import User
from tests.uihelpers import app_as, prepare, texts

# The weak passwords the issue names, and ones that only the list or the context catches.
WEAK = {
    "1234567890": "password_short",
    "wachtwoord": "password_short",
    "Welkom2024": "password_short",
    " " * 10: "password_short",
    " " * 16: "password_weak",
    "Welkom2024!!": "password_common",
    "wachtwoord1234": "password_common",
    "zomer2024zomer": "password_common",
    "qwertyuiop12": "password_weak",
    "aaaaaaaaaaaaaaaa": "password_weak",
    "nieuw@utrecht.nl2024": "password_context",
    "Estafette2026!": "password_common",
    "Wijkdialoog-2026": "password_common",
}
PASSPHRASE = "fietsbel onder de appelboom"


@pytest.mark.parametrize(("password", "code"), list(WEAK.items()))
def test_weak_passwords_are_refused_with_a_reason(password: str, code: str) -> None:
    refusal = passwords.check(password, email="nieuw@utrecht.nl", name="Nieuwe Trekker")
    assert refusal is not None and refusal.code == code
    # The Dutch message says what to do instead.
    message = i18n.translate(f"user.error.{code}", "nl", **refusal.values)
    assert any(word in message for word in ("Kies", "Maak", "Tip"))


def test_the_name_and_address_count_as_guessable() -> None:
    assert passwords.check("Trekker Utrecht 2024", email="trekker@utrecht.nl") is not None
    assert passwords.check("Jansen Marieke 1970", name="Marieke Jansen") is not None
    assert passwords.check("Jansen Marieke 1970") is None


@pytest.mark.parametrize(
    "password",
    [PASSPHRASE, "een lang wachtwoord", "correct horse battery", "zeilboot op de Vecht"],
)
def test_long_passphrases_pass(password: str) -> None:
    assert passwords.check(password, email="nieuw@utrecht.nl") is None


def test_no_composition_rules_and_long_input_is_fine() -> None:
    assert passwords.check("alleen kleine letters zonder cijfers") is None
    assert passwords.check("ä" * 3 + " lange zin met ümlauts en spaties " * 7) is None
    assert passwords.check("x" * 300).code == "password_long"


def test_domain_refuses_weak_passwords(session: Session) -> None:
    coordinator = accounts.bootstrap_coordinator(
        session, email="coord@example.nl", password=PASSPHRASE
    )
    accounts.add_user(
        session, coordinator, email="nieuw@utrecht.nl", role="trainer", password=PASSPHRASE
    )
    for password, code in WEAK.items():
        with pytest.raises(accounts.AccountError) as info:
            accounts.add_user(
                session, coordinator, email="nieuw@utrecht.nl2", role="trainer", password=password
            )
        assert info.value.code == code, password
        with pytest.raises(accounts.AccountError):
            accounts.reset_password(session, coordinator, "nieuw@utrecht.nl", password)
    assert session.scalar(select(func.count()).select_from(User)) == 2


@pytest.mark.parametrize("password", ["1234567890", "wachtwoord", "Welkom2024", " " * 10])
def test_cli_refuses_weak_passwords(make_db_url, monkeypatch, capsys, password: str) -> None:
    url = make_db_url("sqlite")
    monkeypatch.setenv("ESTAFETTE_LANG", "nl")
    add = ["--database-url", url, "user", "add", "--email", "t@example.nl", "--role", "trainer"]
    assert cli.main([*add, "--password", password]) == 1
    err = capsys.readouterr().err
    assert (
        err.startswith("estafette: Het wachtwoord moet minstens 12 tekens") and err.count("\n") == 1
    )
    assert cli.main([*add, "--password", PASSPHRASE]) == 0
    reset = ["--database-url", url, "user", "reset-password", "--email", "t@example.nl"]
    assert cli.main([*reset, "--password", password]) == 1
    assert "minstens 12 tekens" in capsys.readouterr().err
    assert cli.main([*reset, "--password", "Welkom2024!!"]) == 1
    assert "veelgebruikte of gelekte" in capsys.readouterr().err
    engine = db.make_engine(url)
    with Session(engine) as session:
        assert signin.authenticate(session, "t@example.nl", PASSPHRASE).email == "t@example.nl"
    engine.dispose()


ADD_USER = "FormSubmitter:estafette.admin.add_user_form-Account toevoegen"
FIRST_RUN = "FormSubmitter:estafette.auth.first_run_form-Coördinator aanmaken"


def _users(url: str) -> int:
    engine = db.make_engine(url)
    with Session(engine) as session:
        count = session.scalar(select(func.count()).select_from(User))
    engine.dispose()
    return count


def test_beheer_refuses_weak_passwords(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, actors["coordinator"], "pages/admin.py")
    for password in ["1234567890", "wachtwoord", "Welkom2024", " " * 10, "Welkom2024!!"]:
        at.text_input(key="estafette.admin.user_email").set_value("nieuw@utrecht.nl")
        at.selectbox(key="estafette.admin.user_role").set_value("trainer")
        at.text_input(key="estafette.admin.pw").set_value(password)
        at.button(key=ADD_USER).click().run()
        assert not at.exception
        shown = texts(at)
        assert "minstens 12 tekens" in shown or "veelgebruikte of gelekte" in shown, password
        assert _users(sqlite_url) == 3
    at.text_input(key="estafette.admin.user_email").set_value("nieuw@utrecht.nl")
    at.selectbox(key="estafette.admin.user_role").set_value("trainer")
    at.text_input(key="estafette.admin.pw").set_value(PASSPHRASE)
    at.button(key=ADD_USER).click().run()
    assert "Account nieuw@utrecht.nl toegevoegd." in texts(at)
    assert _users(sqlite_url) == 4


def test_first_run_form_refuses_weak_passwords(monkeypatch, sqlite_url) -> None:
    at = app_as(monkeypatch, sqlite_url, None, "pages/login.py")
    for password in ["1234567890", "wachtwoord", "Welkom2024", " " * 10, "eerste@example.nl1"]:
        at.text_input(key="estafette.auth.first_email").set_value("eerste@example.nl")
        at.text_input(key="estafette.auth.first_password").set_value(password)
        at.text_input(key="estafette.auth.first_password2").set_value(password)
        at.button(key=FIRST_RUN).click().run()
        assert not at.exception
        assert "estafette.actor" not in at.session_state, password
        shown = texts(at)
        assert "minstens 12 tekens" in shown or "lijkt op je e-mailadres" in shown, password
        assert _users(sqlite_url) == 0
    at.text_input(key="estafette.auth.first_password").set_value(PASSPHRASE)
    at.text_input(key="estafette.auth.first_password2").set_value(PASSPHRASE)
    at.button(key=FIRST_RUN).click().run()
    assert "Coördinator aangemaakt." in texts(at)
    assert _users(sqlite_url) == 1
