"""Text alternatives for the map and the timeline: the same facts as a table (WCAG 1.1.1)."""

from __future__ import annotations

import pandas as pd

from estafette import formatting, i18n
from estafette.cities import status_key


def _tr(lang: str):
    return lambda key, **values: i18n.translate(key, lang, **values)


def map_table(summary: pd.DataFrame, empty_cities: pd.DataFrame | None, lang: str) -> pd.DataFrame:
    """Per dialogue what its marker says (and per city without a dialogue, that it has none)."""
    tr = _tr(lang)
    undecided = tr("overview.undecided")
    rows = [
        {
            "leg": int(r.leg),
            tr("table.dialogue"): r.neighbourhood or undecided,
            tr("table.city"): r.city,
            tr("table.leg"): int(r.leg),
            tr("table.phase"): f"{int(r.current_position)} {r.current_phase}",
            tr("table.status"): tr(status_key(r.current_status)) if r.current_status else "",
            tr("table.since"): formatting.date(r.current_since, lang),
            tr("table.last_update"): formatting.datetime(r.last_update, lang),
        }
        for r in summary.itertuples()
    ]
    for r in (empty_cities if empty_cities is not None else pd.DataFrame()).itertuples():
        rows.append(
            {
                "leg": int(r.leg),
                tr("table.dialogue"): tr("overview.no_dialogue"),
                tr("table.city"): r.city,
                tr("table.leg"): int(r.leg),
                tr("table.phase"): "",
                tr("table.status"): "",
                tr("table.since"): "",
                tr("table.last_update"): "",
            }
        )
    columns = [
        tr(k)
        for k in (
            "table.dialogue",
            "table.city",
            "table.leg",
            "table.phase",
            "table.status",
            "table.since",
            "table.last_update",
        )
    ]
    frame = pd.DataFrame(rows, columns=["leg", *columns])
    return frame.sort_values("leg", kind="stable")[columns].reset_index(drop=True)


def timeline_table(records: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per dialogue and phase what the bars say: status, planned and actual dates."""
    tr = _tr(lang)
    undecided = tr("overview.undecided")

    def span(start: object, end: object) -> str:
        first, last = formatting.date(start, lang), formatting.date(end, lang)
        return f"{first} – {last}" if first or last else ""

    out = pd.DataFrame(
        {
            tr("table.dialogue"): records["neighbourhood"].fillna("").replace("", undecided),
            tr("table.city"): records["city"],
            tr("table.leg"): records["leg"].astype(int),
            tr("table.phase"): records["phase_position"].astype(int).astype(str)
            + " "
            + records["phase"],
            tr("table.status"): records["status"].map(lambda s: tr(status_key(s)) if s else ""),
            tr("table.planned"): [
                span(a, b)
                for a, b in zip(records["planned_start"], records["planned_end"], strict=True)
            ],
            tr("table.actual"): [
                span(a, b)
                for a, b in zip(records["actual_start"], records["actual_end"], strict=True)
            ],
        }
    )
    order = records.sort_values(["leg", "dialogue_id", "phase_position"], kind="stable").index
    return out.loc[order].reset_index(drop=True)
