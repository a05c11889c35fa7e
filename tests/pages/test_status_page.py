"""The "Fase bijwerken" page, login page and navigation gate through Streamlit's AppTest."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from estafette import accounts, db, sessions, updates
from estafette.models import UserSession
from tests.factories import record_id
from tests.uihelpers import (
    PASSWORD,
    ROOT,
    app_as,
    browser_cookie,
    prepare,
    session_token,
    tables,
    texts,
)
from ui import links

FORM_SUBMIT = "FormSubmitter:estafette.status.form-Opslaan"


def record(url: str, city: str, phase: str) -> updates.RecordView:
    engine = db.make_engine(url)
    with Session(engine) as session:
        view = updates.load_record(session, record_id(session, city, phase))
    engine.dispose()
    return view


def test_city_lead_saves_a_note_and_sees_it_in_history(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, actors["city_lead"], "pages/status.py")
    assert not at.exception
    assert at.selectbox(key="estafette.status.dialogue").options[0] == "Deventer · nog te bepalen"
    at.text_area(key="estafette.status.f_note").set_value("Eerste gesprekken gevoerd")
    at.button(key=FORM_SUBMIT).click().run()
    assert not at.exception
    assert "Opgeslagen: Verkennen van Deventer (1 wijziging)." in texts(at)
    assert record(sqlite_url, "Deventer", "verkennen").note == "Eerste gesprekken gevoerd"
    history = at.dataframe[0].value
    assert "Eerste gesprekken gevoerd" in history.to_string()
    assert "Stadstrekker Deventer" in history.to_string()


def test_validation_error_is_dutch_and_writes_nothing(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    before = record(sqlite_url, "Deventer", "verkennen")
    at = app_as(monkeypatch, sqlite_url, actors["city_lead"], "pages/status.py")
    at.selectbox(key="estafette.status.f_status").set_value("afgerond")
    at.button(key=FORM_SUBMIT).click().run()
    assert "Afgerond vraagt om een werkelijke einddatum." in texts(at)
    at.selectbox(key="estafette.status.f_status").set_value("bezig")
    at.date_input(key="estafette.status.f_actual_end").set_value(dt.date(2018, 1, 1))
    at.button(key=FORM_SUBMIT).click().run()
    assert "Werkelijk einde: het einde ligt vóór de start." in texts(at)
    after = record(sqlite_url, "Deventer", "verkennen")
    assert after.version == before.version and after.actual_end is None


def test_other_city_is_read_only(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, actors["city_lead"], "pages/status.py")
    options = at.selectbox(key="estafette.status.dialogue")
    utrecht = next(v for v in options.options if v.startswith("Utrecht"))
    options.select(utrecht).run()
    assert "Je bent geen stadstrekker van Utrecht" in texts(at)
    assert not [b for b in at.button if b.key == FORM_SUBMIT]


def test_starting_next_phase_asks_to_close_previous(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, actors["city_lead"], "pages/status.py")
    at.selectbox(key="estafette.status.phase").set_value(2).run()
    at.selectbox(key="estafette.status.f_status").set_value("bezig")
    at.button(key=FORM_SUBMIT).click().run()
    assert not at.exception
    # Nothing is saved while the question is open.
    assert record(sqlite_url, "Deventer", "verbeelden").status == "niet gestart"
    assert "Verkennen staat nog op ‘bezig’" in "\n".join(m.value for m in at.markdown)
    at.button(key="estafette.status.close_previous").click().run()
    assert not at.exception
    assert record(sqlite_url, "Deventer", "verbeelden").status == "bezig"
    closed = record(sqlite_url, "Deventer", "verkennen")
    assert closed.status == "afgerond" and closed.actual_end is not None
    assert "Verkennen is afgesloten." in texts(at)


def test_stale_form_shows_conflict_and_overwrites_nothing(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, actors["city_lead"], "pages/status.py")
    # The coordinator saves the same record after the city lead opened the form.
    engine = db.make_engine(sqlite_url)
    with Session(engine) as session:
        view = updates.load_record(session, record(sqlite_url, "Deventer", "verkennen").id)
        updates.save_update(
            session,
            actors["coordinator"],
            view,
            updates.PhaseUpdate("gepauzeerd", actual_start=view.actual_start, note="stil"),
        )
    engine.dispose()
    at.text_area(key="estafette.status.f_note").set_value("mijn notitie")
    at.button(key=FORM_SUBMIT).click().run()
    shown = texts(at)
    assert "iemand anders heeft deze fase gewijzigd" in shown
    assert "Coördinator" in shown and "van ‘bezig’ naar ‘gepauzeerd’" in shown
    assert record(sqlite_url, "Deventer", "verkennen").note == "stil"
    at.button(key="estafette.status.reload").click().run()
    assert at.text_area(key="estafette.status.f_note").value == "stil"


@pytest.mark.parametrize(
    ("role", "can_edit"), [("coordinator", True), ("city_lead", True), ("trainer", False)]
)
def test_status_page_by_role(monkeypatch, sqlite_url, role: str, can_edit: bool) -> None:
    actors = prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, actors[role], "pages/status.py")
    assert not at.exception
    has_form = bool([b for b in at.button if b.key == FORM_SUBMIT])
    assert has_form == can_edit
    if not can_edit:
        assert "Log in als stadstrekker of coördinator" in texts(at)


def _html(at) -> str:
    return "\n".join(str(e.proto.body) for e in at.get("html"))


def test_login_page_posts_to_the_sign_in_route_with_the_linked_view(
    monkeypatch, sqlite_url
) -> None:
    prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, None, "pages/status.py")
    # A visitor asking for Fase bijwerken is led to the sign-in page, which remembers the view.
    assert [t.value for t in at.title] == ["Inloggen"]
    form = _html(at)
    assert 'action="/auth/local/login"' in form and 'method="post"' in form
    assert 'name="next" value="/fase-bijwerken' in form
    assert 'autocomplete="current-password"' in form


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("invalid", "E-mailadres of wachtwoord klopt niet."),
        # The lockout moment travels as naive UTC and is shown in Amsterdam time.
        ("locked", "Inloggen kan weer vanaf 25 nov 2026 15:05"),
        ("inactive", "Dit account is uitgeschakeld."),
        ("bogus", "E-mailadres of wachtwoord klopt niet."),
    ],
)
def test_login_page_explains_a_refusal(monkeypatch, sqlite_url, code: str, expected: str) -> None:
    prepare(sqlite_url)
    monkeypatch.setenv("ESTAFETTE_DATABASE_URL", sqlite_url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update({"fout": code, "tot": "2026-11-25T14:05"})
    at.run()
    at.switch_page("pages/login.py")
    at.query_params.update({"fout": code, "tot": "2026-11-25T14:05"})
    at.run()
    assert expected in texts(at)


def test_signed_in_through_the_session_cookie_and_out_when_it_ends(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, actors["city_lead"], "pages/login.py")
    assert "Ingelogd als Stadstrekker Deventer (stadstrekker)" in texts(at)
    assert "dit apparaat" in " ".join(m.value for m in at.markdown)
    # Deactivation from another process ends the session: the next run is signed out.
    engine = db.make_engine(sqlite_url)
    with Session(engine) as session:
        accounts.deactivate_user(session, actors["coordinator"], "lead@deventer.nl")
        session.commit()
    engine.dispose()
    at.run()
    assert "estafette.actor" not in at.session_state
    assert "Je account is uitgeschakeld" in texts(at)
    assert [t.value for t in at.title] == ["Inloggen"]


def test_idle_session_expires(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    at = app_as(
        monkeypatch,
        sqlite_url,
        actors["city_lead"],
        "pages/login.py",
        ESTAFETTE_SESSION_IDLE_MINUTES="1",
    )
    assert "estafette.actor" in at.session_state
    engine = db.make_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(update(UserSession).values(last_seen_at=dt.datetime(2020, 1, 1)))
    engine.dispose()
    at.run()
    assert "estafette.actor" not in at.session_state
    assert "Je sessie is verlopen na 1 minuten zonder activiteit" in texts(at)


def test_anonymous_sees_only_login_when_reading_is_off(monkeypatch, sqlite_url) -> None:
    prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, None, ESTAFETTE_ANONYMOUS_READ="false")
    assert not at.exception
    assert at.title[0].value == "Inloggen"
    # Asking for any other page leads back to the login form.
    for page in ("pages/overview.py", "pages/map.py", "pages/status.py", "pages/method.py"):
        at.switch_page(page).run()
        assert not at.exception
        assert [t.value for t in at.title] == ["Inloggen"], page
        assert not tables(at)


def test_anonymous_reads_overview_but_cannot_edit(monkeypatch, sqlite_url) -> None:
    prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, None)
    assert at.title[0].value == "Overzicht van de estafette"
    at.switch_page("pages/status.py").run()
    # Updating needs a sign-in: the visitor is led to the sign-in page instead.
    assert [t.value for t in at.title] == ["Inloggen"]
    assert not [b for b in at.button if b.key == FORM_SUBMIT]


def test_first_run_form_creates_coordinator_once(monkeypatch, sqlite_url) -> None:
    at = app_as(monkeypatch, sqlite_url, None, "pages/login.py")
    assert at.text_input(key="estafette.auth.first_email")
    at.text_input(key="estafette.auth.first_name").set_value("Eerste")
    at.text_input(key="estafette.auth.first_email").set_value("eerste@example.nl")
    at.text_input(key="estafette.auth.first_password").set_value(PASSWORD)
    at.text_input(key="estafette.auth.first_password2").set_value(PASSWORD)
    at.button(key="FormSubmitter:estafette.auth.first_run_form-Coördinator aanmaken").click().run()
    assert "Coördinator aangemaakt. Log hierboven in met het nieuwe account." in texts(at)
    assert not [w for w in at.text_input if w.key == "estafette.auth.first_email"]
    engine = db.make_engine(sqlite_url)
    with Session(engine) as session:
        assert accounts.has_coordinator(session)
    engine.dispose()
    # A fresh visit does not offer the form again.
    at = app_as(monkeypatch, sqlite_url, None, "pages/login.py")
    assert not [w for w in at.text_input if w.key == "estafette.auth.first_email"]


def test_overview_shows_a_save_at_once(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, actors["city_lead"])
    assert "gepauzeerd" not in tables(at)[0].loc["Deventer"].to_string()  # cached now
    at.switch_page("pages/status.py").run()
    at.selectbox(key="estafette.status.f_status").set_value("gepauzeerd")
    at.button(key=FORM_SUBMIT).click().run()
    at.switch_page("pages/overview.py").run()
    assert "⏸ gepauzeerd" in tables(at)[0].loc["Deventer", "Verkennen"]


def test_status_page_briefs_with_earlier_legs_lessons(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, actors["coordinator"], "pages/status.py")
    dialogue = at.selectbox(key="estafette.status.dialogue")
    amsterdam = next(o for o in dialogue.options if o.startswith("Amsterdam"))
    dialogue.select_index(dialogue.options.index(amsterdam)).run()
    at.selectbox(key="estafette.status.phase").set_value(3).run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    # The workshop's 8 first steps are accepted Vormgeven lessons of Utrecht, an earlier leg;
    # the briefing shows the five most relevant.
    assert len([label for label in labels if "Utrecht (etappe 2)" in label]) == 5
    at.selectbox(key="estafette.status.phase").set_value(1).run()
    assert not [e for e in at.expander if "Utrecht" in e.label]


def test_session_state_never_holds_the_token(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    monkeypatch.setenv("ESTAFETTE_DATABASE_URL", sqlite_url)
    token = session_token(sqlite_url, actors["coordinator"])
    browser_cookie(monkeypatch, token)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert at.session_state["estafette.actor"].email == "coord@example.nl"
    dump = repr({key: at.session_state[key] for key in at.session_state})
    assert token not in dump and sessions.hash_token(token) not in dump


def test_copy_link_names_the_current_view(monkeypatch, sqlite_url) -> None:
    prepare(sqlite_url)
    monkeypatch.setenv("ESTAFETTE_DATABASE_URL", sqlite_url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["stad"] = "Utrecht"
    at.run()
    at.switch_page("pages/map.py")
    at.query_params["stad"] = "Utrecht"
    at.run()
    assert at.sidebar.multiselect(key="estafette.filters.cities_input").value == ["Utrecht"]
    # The popover draws its contents only while open.
    assert not at.get("code")
    at.session_state[links.COPY_OPEN_KEY] = True
    at.run()
    codes = [c.value for c in at.get("code")]
    assert any(code.endswith("/kaart?lang=nl&stad=Utrecht") for code in codes), codes
