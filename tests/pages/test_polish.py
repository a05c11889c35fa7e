"""Issue 14, newcomer polish: each item as a newcomer would meet it, on real databases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from estafette import (
    alerts,
    cities,
    cli,
    db,
    formatting,
    handout,
    history,
    leergang,
    lessons,
    relay,
    seed,
)
from estafette.accounts import SYSTEM
from estafette.models import AppMeta, City, Dialogue, Handover, Phase, PhaseRecord
from tests.factories import change, phase
from tests.uihelpers import app_as, prepare, texts

LEAD_NOTE = "Eerste echte update"


def _attention(session: Session, today: dt.date, mark: alerts.SeedMark | None) -> set[str]:
    records = history.records_frame(session)
    found = alerts.attention(records, cities.summarise(records), today, 30, mark)
    return set(found.loc[found["kind"] == "stale", "city"])


def _seeded_at(session: Session) -> dt.date:
    return dt.datetime.fromisoformat(session.get(AppMeta, seed.SEEDED_AT_KEY).value).date()


def _dialogue(session: Session, city: str) -> Dialogue:
    return session.scalar(select(Dialogue).join(Dialogue.city).where(City.name == city))


# ---------------------------------------------------------------- 1. seeded history, no alarms


def test_seeded_history_is_not_idle_until_a_month_after_install(session: Session) -> None:
    installed = _seeded_at(session)
    mark = seed.seed_mark(session)
    assert mark.actor == "Kennismakingsworkshop 3 juli 2018"
    # Counted from the 2018 workshop, every seeded city would be "thousands of days" idle.
    assert _attention(session, installed, None) == {"Deventer", "Utrecht", "Amsterdam"}
    assert _attention(session, installed, mark) == set()
    assert _attention(session, installed + dt.timedelta(days=30), mark) == set()
    # A relay nobody touches after installing does become idle, counted from the install day.
    later = installed + dt.timedelta(days=31)
    assert _attention(session, later, mark) == {"Deventer", "Utrecht", "Amsterdam"}
    # A real update counts from itself.
    moment = dt.datetime.combine(later, dt.time(9, 0))
    change(session, phase(_dialogue(session, "Deventer"), 1), moment, "Lead", note=LEAD_NOTE)
    session.commit()
    assert _attention(session, later, seed.seed_mark(session)) == {"Utrecht", "Amsterdam"}


def test_older_databases_count_from_their_first_real_update(session: Session) -> None:
    session.execute(delete(AppMeta).where(AppMeta.key == seed.SEEDED_AT_KEY))
    session.commit()
    assert seed.seed_mark(session).at is None
    assert seed.relay_untouched(session)
    # Without any real update there is no moment to count from: no idle alarm at all.
    assert _attention(session, dt.date(2030, 1, 1), seed.seed_mark(session)) == set()
    first = dt.datetime(2026, 3, 1, 10, 0)
    utrecht = phase(_dialogue(session, "Utrecht"), 1)
    change(session, utrecht, first, "Lead", note=LEAD_NOTE)
    change(session, utrecht, dt.datetime(2026, 4, 20, 10, 0), "Lead", note="Nog een update")
    session.commit()
    assert not seed.relay_untouched(session)
    assert seed.seed_mark(session).at == first
    # Utrecht was updated 11 days ago; the untouched seeded legs count from 1 March.
    assert _attention(session, dt.date(2026, 5, 1), seed.seed_mark(session)) == {
        "Deventer",
        "Amsterdam",
    }


def _overview(monkeypatch: pytest.MonkeyPatch, url: str, actor, lang: str | None = None):
    at = app_as(monkeypatch, url, actor, "pages/overview.py", lang)
    assert not at.exception, at.exception
    return at


def test_first_run_overview_invites_the_coordinator(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    actors = prepare(sqlite_url)
    at = _overview(monkeypatch, sqlite_url, actors["coordinator"])
    assert not at.warning, [w.value for w in at.warning]
    assert "dagen geen statusupdate" not in texts(at)
    assert any("Zet de estafette klaar" in i.value for i in at.info)
    links = {link.proto.page: link.proto.label for link in at.get("page_link")}
    assert links["beheer"] == "Stadstrekker toevoegen (Beheer)"
    assert links["fase-bijwerken"] == "Geplande data invullen (Fase bijwerken)"
    assert [s.value for s in at.success] == ["Niets dat nu aandacht vraagt."]
    # Other roles and visitors get a neutral line, no call to action.
    for actor in (actors["city_lead"], None):
        at = _overview(monkeypatch, sqlite_url, actor)
        assert not any("Zet de estafette klaar" in i.value for i in at.info)
        assert any("de coördinator zet haar klaar" in c.value for c in at.caption)
        assert not at.warning
        assert "beheer" not in {link.proto.page for link in at.get("page_link")}
    # In English too.
    at = _overview(monkeypatch, sqlite_url, actors["coordinator"], "en")
    assert any("Set the relay up" in i.value for i in at.info)
    assert not at.warning


def test_invitation_goes_once_the_relay_is_used(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    actors = prepare(sqlite_url)
    engine = db.make_engine(sqlite_url)
    with Session(engine) as session:
        record = phase(_dialogue(session, "Amsterdam"), 1)
        change(session, record, dt.datetime.now(), "Lead", planned_end=dt.date(2030, 1, 1))
        session.commit()
    engine.dispose()
    at = _overview(monkeypatch, sqlite_url, actors["coordinator"])
    assert not any("Zet de estafette klaar" in i.value for i in at.info)
    assert not at.warning


# ---------------------------------------------------------------- 2. one card per city


def test_current_phase_shows_one_card_per_city(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    actors = prepare(sqlite_url)
    engine = db.make_engine(sqlite_url)
    with Session(engine) as session:
        deventer = session.scalar(select(City.id).where(City.name == "Deventer"))
        relay.add_dialogue(session, SYSTEM, city_id=deventer, neighbourhood="Rivierenwijk")
        session.commit()
    engine.dispose()
    at = _overview(monkeypatch, sqlite_url, actors["coordinator"])
    names = [m.value for m in at.markdown if m.value in {"**Deventer**", "**Utrecht**"}]
    assert names.count("**Deventer**") == 1 and names.count("**Utrecht**") == 1
    captions = [c.value for c in at.caption]
    # Both Deventer dialogues sit inside its one card, each with its own neighbourhood line.
    assert "Rivierenwijk" in captions and "nog te bepalen" in captions
    assert captions.count("Etappe 1") == 1
    opens = [link for link in at.get("page_link") if "dialoog" in str(link.proto.query_string)]
    assert len(opens) == 4  # four dialogues, three cards


# ---------------------------------------------------------------- 5. hand-over default and refusal


def _reach_final_phase(url: str, city: str) -> int:
    engine = db.make_engine(url)
    with Session(engine) as session:
        dialogue = _dialogue(session, city)
        change(session, phase(dialogue, 5), dt.datetime(2026, 1, 5, 9), "Lead", status="bezig")
        session.commit()
        found = dialogue.id
    engine.dispose()
    return found


def test_next_city_follows_the_legs(session: Session) -> None:
    ids = {c.name: c.id for c in session.scalars(select(City))}
    assert relay.next_city(session, _dialogue(session, "Deventer").id) == ids["Utrecht"]
    assert relay.next_city(session, _dialogue(session, "Utrecht").id) == ids["Amsterdam"]
    assert relay.next_city(session, _dialogue(session, "Amsterdam").id) is None


def test_handover_preselects_the_next_leg_and_refuses_the_same_city(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    actors = prepare(sqlite_url)
    _reach_final_phase(sqlite_url, "Deventer")
    at = app_as(monkeypatch, sqlite_url, actors["coordinator"], "pages/admin.py")
    assert not at.exception, at.exception
    engine = db.make_engine(sqlite_url)
    with Session(engine) as session:
        ids = {c.name: c.id for c in session.scalars(select(City))}
    assert at.selectbox(key="estafette.admin.h_to").value == ids["Utrecht"]
    # Handing the baton to oneself is refused by the domain, with a Dutch message.
    at.selectbox(key="estafette.admin.h_to").set_value(ids["Deventer"])
    at.button(key="FormSubmitter:estafette.admin.handover_form-Overdracht vastleggen").click().run()
    assert any("Het stokje gaat naar een andere stad." in e.value for e in at.error)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Handover)) == 0
        with pytest.raises(relay.RelayError) as refused:
            relay.record_handover(
                session,
                SYSTEM,
                from_dialogue_id=_dialogue(session, "Deventer").id,
                to_city_id=ids["Deventer"],
                handed_over_on=dt.date(2026, 1, 6),
            )
        assert refused.value.code == "same_city"
    engine.dispose()


def test_choosing_another_dialogue_moves_the_default(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    actors = prepare(sqlite_url)
    _reach_final_phase(sqlite_url, "Deventer")
    utrecht = _reach_final_phase(sqlite_url, "Utrecht")
    at = app_as(monkeypatch, sqlite_url, actors["coordinator"], "pages/admin.py")
    at.selectbox(key="estafette.admin.h_from").set_value(utrecht).run()
    engine = db.make_engine(sqlite_url)
    with Session(engine) as session:
        amsterdam = session.scalar(select(City.id).where(City.name == "Amsterdam"))
    engine.dispose()
    assert at.selectbox(key="estafette.admin.h_to").value == amsterdam


# ---------------------------------------------------------------- 6. Beheer keeps its tab


def _tab_index(at: AppTest) -> int:
    """The tab the server tells the browser to show (the tab container's default)."""
    found: list[int] = []

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and "tab_container" in {f.name for f, _ in proto.ListFields()}:
            found.append(proto.tab_container.default_tab_index)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    assert len(found) == 1, found
    return found[0]


def test_beheer_keeps_its_tab_after_adding_a_city(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    actors = prepare(sqlite_url)
    at = app_as(monkeypatch, sqlite_url, actors["coordinator"], "pages/admin.py")
    assert _tab_index(at) == 0
    at.session_state["estafette.admin.tab"] = "Steden"
    at.run()
    assert _tab_index(at) == 1
    at.text_input(key="estafette.admin.place").set_value("Zwolle").run()
    at.button(key="estafette.admin.add_city").click().run()
    assert not at.exception and any("Zwolle" in s.value for s in at.success)
    # The rerun that shows the confirmation still opens "Steden".
    assert at.session_state["estafette.admin.tab"] == "Steden"
    assert _tab_index(at) == 1


# ---------------------------------------------------------------- 7. Lessen collapsed and paged


def _many_lessons(url: str, count: int) -> None:
    engine = db.make_engine(url)
    with Session(engine) as session, session.begin():
        deventer = session.scalar(select(City.id).where(City.name == "Deventer"))
        for number in range(count):
            lessons.propose(
                session,
                SYSTEM,
                lessons.LessonInput(
                    title=f"Les nummer {number:02d} *vet*",
                    phase_code="verkennen",
                    city_id=deventer,
                    situation="Wat er gebeurde.",
                ),
            )
    engine.dispose()


def test_lessons_are_collapsed_and_paged(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    actors = prepare(sqlite_url)
    engine = db.make_engine(sqlite_url)
    with Session(engine) as session:
        seeded = len(lessons.list_lessons(session, SYSTEM, lessons.LessonFilter()))
    engine.dispose()
    _many_lessons(sqlite_url, 30 - seeded)
    at = app_as(monkeypatch, sqlite_url, actors["trainer"], "pages/lessons.py")
    assert not at.exception, at.exception
    listed = [e for e in at.expander if " · " in e.label]
    assert len(listed) == 20
    # Each collapsed line names title, city, phase and status; Markdown in a title stays text.
    label = next(e.label for e in listed if "Les nummer" in e.label)
    assert "\\*vet\\*" in label and "Deventer" in label and "Verkennen" in label
    assert "Voorgesteld" in label or "voorgesteld" in label
    # The details (the lesson heading) live inside the collapsed expanders.
    for box in listed:
        assert any(m.value.startswith("#### ") for m in box.markdown)
    pages = at.selectbox(key="estafette.lessons.page")
    assert pages.options == ["Lessen 1–20 van 30", "Lessen 21–30 van 30"]
    pages.set_value(2).run()
    assert len([e for e in at.expander if " · " in e.label]) == 10


# ---------------------------------------------------------------- 8. labels and names


def test_safe_download_names() -> None:
    assert formatting.slug("training-2", "Najaar 2026") == "training-2-najaar-2026"
    assert formatting.slug("Súdwest-Fryslân") == "sudwest-fryslan"
    assert formatting.slug("../etc/passwd ; rm") == "etc-passwd-rm"
    assert formatting.slug("Straße") == "strasse"
    assert formatting.slug("???") == "estafette"


def test_leergang_downloads_have_safe_names_and_the_first_version_a_name(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    actors = prepare(sqlite_url)
    engine = db.make_engine(sqlite_url)
    with Session(engine) as session, session.begin():
        leergang.new_version(session, SYSTEM, "training-2", "Najaar 2026")
    with Session(engine) as session:
        first = handout.export(session, SYSTEM, "training-1", "md", None, "nl")
    engine.dispose()
    assert "Versie v1" in first.decode() and "Versie —" not in first.decode()
    # The download name travels with the file into Streamlit's media storage: record it there
    # (the real storage still does the work).
    names: list[str | None] = []
    store = MemoryMediaFileStorage.load_and_get_id

    def recording(self, path_or_data, mimetype, kind, filename=None):  # type: ignore[no-untyped-def]
        names.append(filename)
        return store(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
    at = app_as(monkeypatch, sqlite_url, actors["trainer"], "pages/leergang.py")
    names.clear()
    at.selectbox(key="estafette.leergang.module").select("training-2").run()
    assert not at.exception, at.exception
    assert set(names) == {"training-2-najaar-2026.docx", "training-2-najaar-2026.md"}
    assert any("Een versie is een vaste stand" in c.value for c in at.caption)


# ---------------------------------------------------------------- 9. one language on the terminal


@pytest.mark.parametrize(
    ("lang", "unknown_city", "unreachable", "wrong_format"),
    [
        (
            "nl",
            "estafette: onbekende stad: Zwolle",
            "De database is niet bereikbaar",
            "gebruik .csv, .xlsx of .json",
        ),
        ("en", "estafette: unknown city: Zwolle", "The database cannot be reached", "use .csv"),
    ],
)
def test_cli_speaks_one_language(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    sqlite_url: str,
    tmp_path,
    lang: str,
    unknown_city: str,
    unreachable: str,
    wrong_format: str,
) -> None:
    monkeypatch.setenv("ESTAFETTE_LANG", lang)
    monkeypatch.setenv("ESTAFETTE_PASSWORD", "een lang wachtwoord")
    base = ["--database-url", sqlite_url]
    assert cli.main([*base, "seed"]) == 0
    capsys.readouterr()
    add = [*base, "user", "add", "--email", "x@example.nl", "--role", "city_lead"]
    assert cli.main([*add, "--city", "Zwolle"]) == 1
    assert capsys.readouterr().err.strip() == unknown_city
    # The domain's refusal in the same language as the command line's own words.
    assert cli.main([*add, "--city", "Deventer", "--password", "kort"]) == 1
    err = capsys.readouterr().err
    assert ("minstens 12 tekens" in err) == (lang == "nl")
    assert ("at least 12 characters" in err) == (lang == "en")
    assert cli.main([*base, "export", str(tmp_path / "status.txt")]) == 1
    assert wrong_format in capsys.readouterr().err
    # A database problem is worded for a terminal: no page to reload.
    dead = ["--database-url", "postgresql+psycopg://nobody@127.0.0.1:1/nergens", "db", "upgrade"]
    assert cli.main(dead) == 2
    err = capsys.readouterr().err
    assert unreachable in err
    assert "pagina" not in err and "page" not in err
    assert "--database-url" in err
    assert cli.main([*base, "seed"]) == 0
    out = capsys.readouterr().out
    assert ("niets dubbel" in out) == (lang == "nl") and ("nothing duplicated" in out) == (
        lang == "en"
    )


def test_seed_keeps_its_2018_history(session: Session) -> None:
    # The seeded relay stays history: the seed's own events keep their 2018 date.
    first = session.scalar(select(PhaseRecord).join(Phase).where(Phase.position == 1).limit(1))
    assert first.updated_at.year == 2018
