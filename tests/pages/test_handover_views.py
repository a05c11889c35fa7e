"""Passing the baton shows on the map (a line to the next city) and on the timeline (a diamond)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from estafette import charts, history, maps, relay
from estafette.models import City, Dialogue, Phase, PhaseRecord
from tests.factories import coordinator, relay_summary

PHASES = [(1, "Verkennen"), (2, "Verbeelden"), (3, "Vormgeven"), (4, "Evalueren"), (5, "Vervolgen")]
COORDINATOR = coordinator(email="c@example.nl", name="Coördinator")
HANDED_OVER = dt.date(2025, 3, 14)


def _hand_over_deventer(session: Session) -> list[relay.HandoverInfo]:
    deventer = session.scalar(select(Dialogue).join(City).where(City.name == "Deventer"))
    final = session.scalar(
        select(PhaseRecord)
        .join(Phase)
        .where(PhaseRecord.dialogue_id == deventer.id, Phase.code == "vervolgen")
    )
    final.status = "bezig"
    session.flush()
    utrecht = session.scalar(select(City.id).where(City.name == "Utrecht"))
    relay.record_handover(
        session,
        COORDINATOR,
        from_dialogue_id=deventer.id,
        to_city_id=utrecht,
        handed_over_on=HANDED_OVER,
        note="<script>alert(1)</script>",
    )
    session.commit()
    return relay.handovers(session)


def test_map_draws_the_handover_from_its_date_on(session: Session) -> None:
    handovers = _hand_over_deventer(session)
    summary = relay_summary(session)
    after = (
        maps.relay_map(summary, PHASES, lang="nl", as_of=HANDED_OVER, handovers=handovers)
        .get_root()
        .render()
    )
    # Dates in the map go through Babel, as everywhere else in the app.
    assert "Stokje overgedragen op 14 mrt 2025: Deventer → Utrecht" in after
    assert "estafette-handover" in after
    before = (
        maps.relay_map(
            summary,
            PHASES,
            lang="nl",
            as_of=HANDED_OVER - dt.timedelta(days=1),
            handovers=handovers,
        )
        .get_root()
        .render()
    )
    assert "Stokje overgedragen op" not in before


def test_timeline_marks_the_handover_on_the_dialogue_row(session: Session) -> None:
    handovers = _hand_over_deventer(session)
    records = history.records_frame(session)
    fig = charts.timeline(
        records, PHASES, lang="en", today=dt.date(2026, 1, 1), handovers=handovers
    )
    traces = [t for t in fig.data if (t.meta or {}).get("kind") == "handover"]
    assert len(traces) == 1
    assert list(traces[0].x) == ["2025-03-14"]
    assert traces[0].y[0].startswith("1 · Deventer")
    assert "Baton passed on 14 Mar 2025: Deventer → Utrecht" in traces[0].customdata[0][0]
    earlier = charts.timeline(
        records, PHASES, lang="en", today=dt.date(2025, 1, 1), handovers=handovers
    )
    assert not [t for t in earlier.data if (t.meta or {}).get("kind") == "handover"]
