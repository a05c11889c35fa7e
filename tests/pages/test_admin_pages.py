"""The Beheer and Import/export pages through Streamlit's AppTest."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from estafette import accounts, db, signin, transfer
from estafette.models import City, Dialogue, Handover, PhaseRecord, User
from tests.uihelpers import PASSWORD, app_as, prepare, texts


def query(url: str, fn):
    engine = db.make_engine(url)
    with Session(engine) as session:
        result = fn(session)
    engine.dispose()
    return result


def test_coordinator_adds_a_user(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, actors["coordinator"], "pages/admin.py")
    assert not at.exception
    assert "lead@deventer.nl" in at.dataframe[0].value.to_string()
    at.text_input(key="estafette.admin.user_email").set_value("nieuw@utrecht.nl")
    at.text_input(key="estafette.admin.user_name").set_value("Nieuwe trekker")
    at.selectbox(key="estafette.admin.user_role").set_value("city_lead")
    utrecht = query(sqlite_url, lambda s: s.scalar(select(City.id).where(City.name == "Utrecht")))
    at.multiselect(key="estafette.admin.user_cities").set_value([utrecht])
    at.text_input(key="estafette.admin.pw").set_value(PASSWORD)
    at.button(key="FormSubmitter:estafette.admin.add_user_form-Account toevoegen").click().run()
    assert not at.exception
    assert "Account nieuw@utrecht.nl toegevoegd." in texts(at)
    user = query(sqlite_url, lambda s: accounts.sso_actor(s, "nieuw@utrecht.nl"))
    assert user.city_ids == frozenset({utrecht})


def test_bad_user_input_shows_dutch_error(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, actors["coordinator"], "pages/admin.py")
    at.text_input(key="estafette.admin.user_email").set_value("geen-adres")
    at.button(key="FormSubmitter:estafette.admin.add_user_form-Account toevoegen").click().run()
    assert "‘geen-adres’ is geen geldig e-mailadres." in texts(at)
    assert query(sqlite_url, lambda s: len(s.scalars(select(User)).all())) == 3


def test_coordinator_deactivates_and_resets(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, actors["coordinator"], "pages/admin.py")
    at.selectbox(key="estafette.admin.target").set_value("trainer@example.nl")
    at.button(key="estafette.admin.deactivate").click().run()
    assert "trainer@example.nl is uitgeschakeld." in texts(at)
    assert not query(
        sqlite_url,
        lambda s: s.scalar(select(User.active).where(User.email == "trainer@example.nl")),
    )
    at.selectbox(key="estafette.admin.target").set_value("lead@deventer.nl")
    at.text_input(key="estafette.admin.new_pw").set_value("nieuw en lang genoeg")
    at.button(key="FormSubmitter:estafette.admin.reset_form-Wachtwoord opnieuw instellen").click()
    at.run()
    assert "Nieuw wachtwoord ingesteld voor lead@deventer.nl" in texts(at)
    assert query(
        sqlite_url, lambda s: signin.authenticate(s, "lead@deventer.nl", "nieuw en lang genoeg")
    )


def test_coordinator_adds_city_from_gazetteer_and_dialogue(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, actors["coordinator"], "pages/admin.py")
    at.text_input(key="estafette.admin.place").set_value("Zwolle").run()
    assert "Zwolle (Overijssel)" in at.selectbox(key="estafette.admin.match").options[0]
    assert "Deze stad wordt etappe 4." in texts(at)
    at.button(key="estafette.admin.add_city").click().run()
    assert "Zwolle is toegevoegd als etappe 4." in texts(at)
    zwolle = query(sqlite_url, lambda s: s.scalar(select(City).where(City.name == "Zwolle")))
    assert zwolle.province == "Overijssel" and abs(zwolle.latitude - 52.51) < 0.05
    at.selectbox(key="estafette.admin.d_city").set_value(zwolle.id)
    at.text_input(key="estafette.admin.d_hood").set_value("Stadshagen")
    at.button(key="FormSubmitter:estafette.admin.dialogue_form-Wijkdialoog toevoegen").click().run()
    assert "Wijkdialoog toegevoegd in Zwolle." in texts(at)
    hoods = query(sqlite_url, lambda s: s.scalars(select(Dialogue.neighbourhood)).all())
    assert "Stadshagen" in hoods


def test_manual_coordinates_for_unknown_place(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, actors["coordinator"], "pages/admin.py")
    at.text_input(key="estafette.admin.place").set_value("Nergenshuizen").run()
    assert "Dit is geen gemeente uit de CBS-lijst" in texts(at)
    at.number_input(key="estafette.admin.lat").set_value(52.2)
    at.number_input(key="estafette.admin.lon").set_value(5.9)
    at.text_input(key="estafette.admin.province").set_value("Gelderland")
    at.button(key="estafette.admin.add_city").click().run()
    city = query(sqlite_url, lambda s: s.scalar(select(City).where(City.name == "Nergenshuizen")))
    assert (city.latitude, city.longitude, city.province, city.leg) == (52.2, 5.9, "Gelderland", 4)


def test_unknown_place_without_coordinates_is_refused(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    before = query(sqlite_url, lambda s: s.scalars(select(City.name)).all())
    at = app_as(monkeypatch, sqlite_url, actors["coordinator"], "pages/admin.py")
    at.text_input(key="estafette.admin.place").set_value("Nergenshuizen").run()
    # No coordinates are prefilled: nothing may be saved near Amersfoort by accident.
    assert at.number_input(key="estafette.admin.lat").value is None
    at.button(key="estafette.admin.add_city").click().run()
    assert any("staat niet in de gemeentelijst van het CBS" in e.value for e in at.error)
    assert query(sqlite_url, lambda s: s.scalars(select(City.name)).all()) == before


def test_coordinator_adds_merged_municipality(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, actors["coordinator"], "pages/admin.py")
    at.text_input(key="estafette.admin.place").set_value("Súdwest-Fryslân").run()
    assert "Súdwest-Fryslân (Fryslân)" in at.selectbox(key="estafette.admin.match").options[0]
    at.button(key="estafette.admin.add_city").click().run()
    city = query(sqlite_url, lambda s: s.scalar(select(City).where(City.name == "Súdwest-Fryslân")))
    assert (city.province, city.latitude, city.longitude) == ("Fryslân", 53.02512, 5.54865)


def test_handover_form(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)

    def reach(session: Session) -> None:
        record = session.scalar(
            select(PhaseRecord)
            .join(PhaseRecord.dialogue)
            .join(Dialogue.city)
            .where(City.name == "Deventer", PhaseRecord.phase_id == 5)
        )
        record.status = "bezig"
        session.commit()

    query(sqlite_url, reach)
    at = app_as(monkeypatch, sqlite_url, actors["coordinator"], "pages/admin.py")
    utrecht = query(sqlite_url, lambda s: s.scalar(select(City.id).where(City.name == "Utrecht")))
    at.selectbox(key="estafette.admin.h_to").set_value(utrecht)
    at.text_area(key="estafette.admin.h_note").set_value("Map met materialen meegegeven")
    at.checkbox(key="estafette.admin.h_lessons_shared").check()
    at.button(key="FormSubmitter:estafette.admin.handover_form-Overdracht vastleggen").click().run()
    assert not at.exception
    assert "Het stokje is doorgegeven van Deventer naar Utrecht." in texts(at)
    handover = query(sqlite_url, lambda s: s.scalar(select(Handover)))
    assert handover.checklist["lessons_shared"] and not handover.checklist["visit_planned"]
    assert "Deventer → Utrecht" in "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize("role", ["city_lead", "trainer", None])
def test_admin_page_refuses_others(monkeypatch, sqlite_url, role) -> None:
    actors = prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, actors.get(role), "pages/admin.py")
    assert not at.exception
    if role is None:
        # A visitor is led to the sign-in page first.
        assert [t.value for t in at.title] == ["Inloggen"]
    else:
        assert "Alleen coördinatoren kunnen beheren." in texts(at)
    assert not at.dataframe and not [w for w in at.text_input if "admin" in (w.key or "")]


def test_transfer_page_exports_and_imports(monkeypatch, sqlite_url) -> None:
    actors = prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, actors["coordinator"], "pages/transfer.py")
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [
        "CSV downloaden",
        "Excel (XLSX) downloaden",
        "JSON downloaden",
        "Volledige back-up (JSON)",
    ]
    # A city lead may download but not import or take a full backup.
    lead = app_as(monkeypatch, sqlite_url, actors["city_lead"], "pages/transfer.py")
    assert len(lead.get("download_button")) == 3
    assert "Alleen coördinatoren kunnen importeren." in texts(lead)
    export = query(sqlite_url, lambda s: transfer.export_status(s, actors["coordinator"], "csv"))
    assert export.decode("utf-8-sig").startswith("stad;wijk")


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize(
    "page", ["pages/status.py", "pages/admin.py", "pages/transfer.py", "pages/login.py"]
)
def test_pages_render_for_a_coordinator(monkeypatch, sqlite_url, page: str, lang: str) -> None:
    actors = prepare(sqlite_url)
    monkeypatch.setenv("ESTAFETTE_LANG", lang)
    at = app_as(monkeypatch, sqlite_url, actors["coordinator"], page)
    assert not at.exception, at.exception
    titles = {
        "pages/status.py": ("Fase bijwerken", "Update phase"),
        "pages/admin.py": ("Beheer", "Administration"),
        "pages/transfer.py": ("Importeren en exporteren", "Import and export"),
        "pages/login.py": ("Account", "Account"),
    }[page]
    assert at.title[0].value == titles[0 if lang == "nl" else 1]
