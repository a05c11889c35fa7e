"""The "Aandacht nodig" list: what a coordinator should look at first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from estafette import formatting
from estafette.models import Status

ALERT_COLUMNS: tuple[str, ...] = (
    "kind",
    "dialogue_id",
    "leg",
    "city",
    "neighbourhood",
    "phase",
    "days",
    "since",
)


class AlertKind(StrEnum):
    """Why something needs attention; values double as translation key suffixes."""

    OVERDUE = "overdue"
    STALE = "stale"
    NO_END = "no_end"


@dataclass(frozen=True)
class SeedMark:
    """Who wrote the seeded history (its actor) and when the seed was installed, if known."""

    actor: str
    at: dt.datetime | None


def _days(later: pd.Timestamp, earlier: pd.Series) -> pd.Series:
    return (later - earlier.dt.normalize()).dt.days.astype(int)


def attention(
    records: pd.DataFrame,
    summary: pd.DataFrame,
    as_of: dt.date,
    stale_days: int = 30,
    seeded: SeedMark | None = None,
) -> pd.DataFrame:
    """Overdue phases, dialogues idle for over ``stale_days``, and finished phases lacking an end.

    ``records`` come from history.records_frame (or state_as_of), ``summary`` from
    cities.summarise of the same records; everything is judged as of ``as_of``. With
    ``seeded`` (see seed.seed_mark), a dialogue whose latest change is the seed's own is idle
    from the day the seed was installed, not from the 2018 workshop it records.
    """
    if stale_days < 1:
        raise ValueError("stale_days must be at least 1")
    today = pd.Timestamp(as_of)
    frames: list[pd.DataFrame] = []

    overdue = records[
        (records["status"] == Status.BEZIG.value)
        & records["planned_end"].notna()
        & (records["planned_end"] < today)
    ]
    frames.append(
        overdue.assign(
            kind=AlertKind.OVERDUE.value,
            days=_days(today, overdue["planned_end"]),
            since=overdue["planned_end"],
        )
    )

    # A dialogue with every phase finished is done, not stale.
    running = summary[summary["completed"] < summary["total"]]
    last = pd.to_datetime(running["last_update"])
    if seeded is not None:
        # The seeded state is history, not neglect: nobody was idle before the app existed.
        installed = pd.Timestamp(seeded.at) if seeded.at is not None else pd.NaT
        last = last.where(running["last_update_by"] != seeded.actor, installed)
    stale = running.assign(last_update=last)[last.notna()]
    stale = stale[_days(today, stale["last_update"]) > stale_days]
    frames.append(
        stale.assign(
            kind=AlertKind.STALE.value,
            phase=stale["current_phase"],
            days=_days(today, stale["last_update"]),
            since=stale["last_update"].dt.normalize(),
        )
    )

    no_end = records[(records["status"] == Status.AFGEROND.value) & records["actual_end"].isna()]
    frames.append(no_end.assign(kind=AlertKind.NO_END.value, days=0, since=pd.NaT))

    parts = [f.loc[:, list(ALERT_COLUMNS)] for f in frames if not f.empty]
    if not parts:
        return pd.DataFrame(columns=list(ALERT_COLUMNS))
    out = pd.concat(parts, ignore_index=True)
    out["since"] = pd.to_datetime(out["since"])
    order = {kind.value: i for i, kind in enumerate(AlertKind)}
    out["_order"] = out["kind"].map(order)
    out = out.sort_values(
        ["_order", "days", "leg", "dialogue_id"], ascending=[True, False, True, True]
    )
    return out.drop(columns="_order").reset_index(drop=True)


def alert_table(frame: pd.DataFrame, label: Callable[..., str], lang: str) -> pd.DataFrame:
    """The alerts as a display table with translated headers and a readable reason per row."""
    undecided = label("overview.undecided")
    since = formatting.dates(frame["since"], lang)
    reasons = [
        label(f"alerts.reason_{kind}", days=int(days), date=day)
        for kind, days, day in zip(frame["kind"], frame["days"], since, strict=True)
    ]
    return pd.DataFrame(
        {
            label("alerts.col_kind"): [label(f"alerts.kind_{k}") for k in frame["kind"]],
            label("alerts.col_city"): frame["city"].to_numpy(),
            label("alerts.col_neighbourhood"): frame["neighbourhood"]
            .replace("", undecided)
            .to_numpy(),
            label("alerts.col_phase"): frame["phase"].to_numpy(),
            label("alerts.col_reason"): reasons,
        }
    )
