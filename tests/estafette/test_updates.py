"""Status updates: validation rules, previous-phase question, optimistic concurrency, history."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from estafette import choices, cities, history, phases, seed, updates
from estafette.accounts import Actor, PermissionDenied
from estafette.models import City, StatusEvent
from estafette.updates import PhaseUpdate, validate
from tests.factories import city_lead, coordinator, record_id, seeded_engine, trainer

TODAY = dt.date(2026, 11, 25)
LEAD = city_lead(email="lead@deventer.nl", user_id=1, name="Lead Deventer")
COORD = coordinator(email="coord@example.nl", user_id=2, name="Coördinator")


def lead_for(session: Session, *cities: str) -> Actor:
    ids = frozenset(session.scalar(select(City.id).where(City.name == c)) for c in cities)
    return city_lead(email=LEAD.email, user_id=1, name=LEAD.name, city_ids=ids)


def event_count(engine: Engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(StatusEvent))


# --- pure validation ----------------------------------------------------------------------

dates = st.one_of(st.none(), st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)))


@settings(max_examples=300, deadline=None)
@given(
    status=st.sampled_from(["niet gestart", "bezig", "afgerond", "gepauzeerd"]),
    ps=dates,
    pe=dates,
    as_=dates,
    ae=dates,
)
def test_validation_properties(status, ps, pe, as_, ae) -> None:
    """The rules hold for every combination; a valid update never breaks any of them."""
    update = PhaseUpdate(status, ps, pe, as_, ae, "")
    codes = {(i.field, i.code) for i in validate(update, TODAY)}
    assert (("planned_end", "end_before_start") in codes) == bool(ps and pe and pe < ps)
    assert (("actual_end", "end_before_start") in codes) == bool(as_ and ae and ae < as_)
    assert (("actual_start", "in_future") in codes) == bool(as_ and as_ > TODAY)
    assert (("actual_end", "in_future") in codes) == bool(ae and ae > TODAY)
    assert (("actual_end", "done_needs_end") in codes) == (status == "afgerond" and not ae)
    if not codes:
        assert not (ps and pe and pe < ps) and not (as_ and ae and ae < as_)
        assert all(d is None or d <= TODAY for d in (as_, ae))
        assert status != "afgerond" or ae is not None


@settings(max_examples=100, deadline=None)
@given(start=st.dates(dt.date(2015, 1, 1), TODAY), days=st.integers(0, 400))
def test_valid_ranges_are_accepted(start: dt.date, days: int) -> None:
    end = min(start + dt.timedelta(days=days), TODAY)
    update = PhaseUpdate("afgerond", start, start + dt.timedelta(days=days), start, end, "ok")
    assert validate(update, TODAY) == []


def test_unknown_status_and_long_note() -> None:
    codes = {i.code for i in validate(PhaseUpdate("klaar", note="x" * 5000), TODAY)}
    assert codes == {"status_unknown", "note_too_long"}


# --- saving -------------------------------------------------------------------------------


def test_save_appends_one_event_per_changed_field(session: Session) -> None:
    lead = lead_for(session, "Deventer")
    view = updates.load_record(session, record_id(session, "Deventer", "verkennen"))
    change = PhaseUpdate(
        "bezig",
        planned_start=dt.date(2018, 7, 1),
        planned_end=dt.date(2019, 1, 1),
        actual_start=view.actual_start,
        note="  Gesprekken gestart  ",
    )
    result = updates.save_update(session, lead, view, change, today=TODAY)
    assert result.changed == ("planned_start", "planned_end", "note")
    assert result.record.version == view.version + 1
    assert result.record.updated_by == "Lead Deventer"
    events = history.dialogue_history(session, view.dialogue_id)
    newest = [e for e in events if e.actor == "Lead Deventer"]
    assert {(e.field, e.old_value, e.new_value) for e in newest} == {
        ("planned_start", None, "2018-07-01"),
        ("planned_end", None, "2019-01-01"),
        ("note", "", "Gesprekken gestart"),
    }
    # Saving the same values again changes nothing and appends nothing.
    again = updates.load_record(session, view.id)
    unchanged = updates.PhaseUpdate(**{f: getattr(again, f) for f in updates.TRACKED_FIELDS})
    same = updates.save_update(session, lead, again, unchanged, today=TODAY)
    assert same.changed == () and same.record.version == again.version


def test_invalid_update_writes_nothing(engine: Engine) -> None:
    with Session(engine) as session:
        view = updates.load_record(session, record_id(session, "Deventer", "verkennen"))
        before = event_count(engine)
        bad = PhaseUpdate("afgerond", actual_start=dt.date(2018, 7, 3))
        with pytest.raises(updates.ValidationFailed) as info:
            updates.save_update(session, COORD, view, bad, today=TODAY)
        assert {i.code for i in info.value.issues} == {"done_needs_end"}
    assert event_count(engine) == before
    with Session(engine) as session:
        assert updates.load_record(session, view.id).version == view.version


def test_city_lead_cannot_edit_another_city(engine: Engine) -> None:
    with Session(engine) as session:
        lead = lead_for(session, "Deventer")
        view = updates.load_record(session, record_id(session, "Utrecht", "verkennen"))
        with pytest.raises(PermissionDenied):
            updates.save_update(
                session, lead, view, PhaseUpdate("gepauzeerd", actual_start=view.actual_start)
            )
        with pytest.raises(PermissionDenied):
            reviewer = trainer(email="t@x.nl", user_id=5)
            updates.save_update(session, reviewer, view, PhaseUpdate("gepauzeerd"))
    with Session(engine) as session:
        assert updates.load_record(session, view.id).status == "bezig"


def test_starting_next_phase_asks_about_the_open_previous_one(engine: Engine) -> None:
    with Session(engine) as session:
        lead = lead_for(session, "Deventer")
        view = updates.load_record(session, record_id(session, "Deventer", "verbeelden"))
        start = PhaseUpdate("bezig", actual_start=dt.date(2019, 2, 1))
        events = event_count(engine)
        with pytest.raises(updates.PreviousPhaseOpen) as info:
            updates.save_update(session, lead, view, start, today=TODAY)
        assert info.value.previous.phase_name == "Verkennen"
        assert event_count(engine) == events
        result = updates.save_update(session, lead, view, start, close_previous=True, today=TODAY)
        assert result.closed_previous is not None
        assert result.closed_previous.status == "afgerond"
        assert result.closed_previous.actual_end == dt.date(2019, 2, 1)
        assert result.record.status == "bezig"
    # Both records changed in one transaction: 2 events for Verbeelden, 2 for Verkennen.
    assert event_count(engine) == events + 4


def test_keeping_the_previous_phase_open(session: Session) -> None:
    lead = lead_for(session, "Deventer")
    view = updates.load_record(session, record_id(session, "Deventer", "verbeelden"))
    result = updates.save_update(
        session, lead, view, PhaseUpdate("bezig"), close_previous=False, today=TODAY
    )
    assert result.closed_previous is None
    previous = updates.load_record(session, record_id(session, "Deventer", "verkennen"))
    assert previous.status == "bezig"


def test_stale_form_is_refused_and_shows_what_changed(engine: Engine) -> None:
    with Session(engine) as first, Session(engine) as second:
        record = record_id(first, "Deventer", "verkennen")
        mine = updates.load_record(first, record)
        theirs = updates.load_record(second, record)
        updates.save_update(
            second,
            COORD,
            theirs,
            PhaseUpdate("gepauzeerd", actual_start=theirs.actual_start, note="even stil"),
        )
        with pytest.raises(updates.Conflict) as info:
            updates.save_update(
                first,
                lead_for(first, "Deventer"),
                mine,
                PhaseUpdate("bezig", actual_start=mine.actual_start, note="mijn versie"),
            )
        changes = {(c.field, c.old_value, c.new_value, c.actor) for c in info.value.changes}
        assert changes == {
            ("status", "bezig", "gepauzeerd", "Coördinator"),
            ("note", "", "even stil", "Coördinator"),
        }
        assert info.value.current.version == mine.version + 1
    with Session(engine) as session:
        now = updates.load_record(session, record)
        assert (now.status, now.note) == ("gepauzeerd", "even stil")


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
@pytest.mark.parametrize("threads", [2, 5, 8])
def test_concurrent_saves(make_db_url: Callable[[str], str], threads: int, backend: str) -> None:
    """N threads save the same record at once: one wins, the rest get a Conflict."""
    engine = seeded_engine(make_db_url(backend))
    with Session(engine) as session:
        record = record_id(session, "Deventer", "verkennen")
        view = updates.load_record(session, record)
        lead = lead_for(session, "Deventer")
    before = event_count(engine)
    barrier = threading.Barrier(threads)
    outcomes: list[str] = []
    lock = threading.Lock()

    def save(n: int) -> None:
        with Session(engine) as session:
            # Everyone has loaded the same version before anybody saves.
            updates.load_record(session, record)
            barrier.wait()
            try:
                updates.save_update(
                    session,
                    lead,
                    view,
                    PhaseUpdate("gepauzeerd", actual_start=view.actual_start, note=f"thread {n}"),
                )
                outcome = "won"
            except updates.Conflict:
                outcome = "conflict"
        with lock:
            outcomes.append(outcome)

    workers = [threading.Thread(target=save, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(outcomes) == ["conflict"] * (threads - 1) + ["won"]
    # One winning save changed two fields (status, note): exactly one event set.
    assert event_count(engine) == before + 2
    with Session(engine) as session:
        final = updates.load_record(session, record)
        assert final.version == view.version + 1
        notes = session.scalars(
            select(StatusEvent.new_value).where(
                StatusEvent.phase_record_id == record, StatusEvent.field == "note"
            )
        ).all()
        assert notes == [final.note]
    engine.dispose()


def test_history_and_choices(session: Session) -> None:
    lead = lead_for(session, "Deventer")
    found = choices.dialogue_choices(session, lead)
    assert found[0].city == "Deventer" and found[0].editable
    assert [c.editable for c in found].count(True) == 1
    dialogue = found[0].id
    entries = history.dialogue_history(session, dialogue)
    assert sorted((e.field, e.new_value, e.phase_name) for e in entries) == [
        ("actual_start", "2018-07-03", "Verkennen"),
        ("status", "bezig", "Verkennen"),
    ]
    records = updates.dialogue_records(session, dialogue)
    assert [r.position for r in records] == [1, 2, 3, 4, 5]


def test_choices_from_the_summary_are_the_choices_read_from_the_database(
    session: Session,
) -> None:
    # The status page builds its list from the dashboards' summary instead of reading every
    # dialogue again: the same dialogues, in the same order, in the same phase.
    seed.add_demo(session.get_bind())
    codes = {p.position: p.code for p in phases.list_phases(session)}
    summary = cities.summarise(history.records_frame(session))
    assert choices.from_summary(summary, codes) == choices.dialogue_choices(session)
    assert {c.current_phase_code for c in choices.from_summary(summary, codes)} > {"verkennen"}
    lead = lead_for(session, "Utrecht")
    mine = choices.for_actor(choices.from_summary(summary, codes), lead)
    assert mine == choices.dialogue_choices(session, lead)
    assert [c.city for c in mine if c.editable] == ["Utrecht", "Utrecht"]
    assert not any(c.editable for c in mine[2:])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    status=st.sampled_from(["niet gestart", "bezig", "afgerond", "gepauzeerd"]),
    ps=dates,
    pe=dates,
    as_=dates,
    ae=dates,
)
def test_save_accepts_exactly_the_valid_updates(sqlite_url, status, ps, pe, as_, ae) -> None:
    """Against a real database: a save succeeds iff validation passes; a refusal writes nothing."""
    engine = _seeded(sqlite_url)
    with Session(engine) as session:
        view = updates.load_record(session, record_id(session, "Utrecht", "vormgeven"))
        before = event_count(engine)
        change = PhaseUpdate(status, ps, pe, as_, ae, "")
        expected = validate(change, TODAY)
        try:
            updates.save_update(session, COORD, view, change, today=TODAY, close_previous=False)
            saved = True
        except updates.ValidationFailed as exc:
            saved = False
            assert exc.issues == expected
        assert saved == (not expected)
    after = event_count(engine)
    with Session(engine) as session:
        now = updates.load_record(session, view.id)
    if saved:
        assert now.version == view.version + (after > before)
    else:
        assert (after, now.version, now.status) == (before, view.version, view.status)


_ENGINES: dict[str, Engine] = {}


def _seeded(url: str) -> Engine:
    """One migrated, seeded database per test run of the property test (examples share it)."""
    if url not in _ENGINES:
        engine = seeded_engine(url)
        _ENGINES[url] = engine
    return _ENGINES[url]
