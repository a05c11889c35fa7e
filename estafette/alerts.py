"""The "Aandacht nodig" list: what a coordinator should look at first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
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


def _day(moments: np.ndarray) -> np.ndarray:
    """Each moment's midnight, as ``Series.dt.normalize`` gives it."""
    return moments.astype("datetime64[D]").astype(moments.dtype)


def _days(later: pd.Timestamp, earlier: np.ndarray) -> np.ndarray:
    """Whole days from the day of each moment in ``earlier`` to ``later``, floored."""
    return (np.datetime64(later.asm8, "ns") - _day(earlier)) // np.timedelta64(1, "D")


def _most_urgent_first(
    kind: np.ndarray, days: np.ndarray, leg: np.ndarray, dialogue_id: np.ndarray
) -> np.ndarray:
    """Row order by kind, then most days, then relay order: the stable sort sort_values does."""
    if leg.dtype.kind in "iu" and dialogue_id.dtype.kind in "iu":
        # What sort_values itself hands numpy for integer keys (descending as ~days).
        return np.lexsort((dialogue_id, leg, ~days, kind))
    keys = pd.DataFrame({"kind": kind, "days": days, "leg": leg, "dialogue_id": dialogue_id})
    ranked = keys.sort_values(list(keys.columns), ascending=[True, False, True, True])
    return ranked.index.to_numpy()


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
    # Every process recomputes this after every save: the rows of each kind are found as
    # positions and the table is built once from them, not by concatenating three frames.
    status, planned_end = records["status"], records["planned_end"]
    overdue = np.flatnonzero(
        ((status == Status.BEZIG.value) & planned_end.notna() & (planned_end < today)).to_numpy()
    )
    overdue_end = planned_end.iloc[overdue].to_numpy()

    # A dialogue with every phase finished is done, not stale.
    running = np.flatnonzero((summary["completed"] < summary["total"]).to_numpy())
    last = pd.to_datetime(summary["last_update"].iloc[running]).to_numpy()
    if seeded is not None:
        # The seeded state is history, not neglect: nobody was idle before the app existed.
        installed = pd.Timestamp(seeded.at) if seeded.at is not None else pd.NaT
        by_seed = (summary["last_update_by"].iloc[running] == seeded.actor).to_numpy()
        last = np.where(by_seed, installed.to_datetime64(), last)
    known = ~np.isnat(last)
    idle = _days(today, last[known]) > stale_days
    stale, stale_last = running[known][idle], last[known][idle]

    no_end = np.flatnonzero(
        ((status == Status.AFGEROND.value) & records["actual_end"].isna()).to_numpy()
    )

    found = [
        (AlertKind.OVERDUE, records, overdue, "phase", _days(today, overdue_end), overdue_end),
        (
            AlertKind.STALE,
            summary,
            stale,
            "current_phase",
            _days(today, stale_last),
            _day(stale_last),
        ),
        (
            AlertKind.NO_END,
            records,
            no_end,
            "phase",
            np.zeros(len(no_end), dtype=np.int64),
            np.full(len(no_end), np.datetime64("NaT"), dtype="datetime64[ns]"),
        ),
    ]
    parts = [part for part in found if len(part[2])]
    if not parts:
        return pd.DataFrame(columns=list(ALERT_COLUMNS))

    def joined(column: str) -> np.ndarray:
        return np.concatenate(
            [
                frame[phase if column == "phase" else column].array.take(rows).to_numpy()
                for _, frame, rows, phase, _, _ in parts
            ]
        )

    kinds = [kind for kind, *_ in parts]
    sizes = [len(rows) for _, _, rows, *_ in parts]
    columns = {
        "kind": np.repeat(np.array([kind.value for kind in kinds], dtype=object), sizes),
        "dialogue_id": joined("dialogue_id"),
        "leg": joined("leg"),
        "city": joined("city"),
        "neighbourhood": joined("neighbourhood"),
        "phase": joined("phase"),
        "days": np.concatenate([days for *_, days, _ in parts]),
        "since": np.concatenate([since for *_, since in parts]),
    }
    order = list(AlertKind)
    ranked = _most_urgent_first(
        np.repeat([order.index(kind) for kind in kinds], sizes),
        columns["days"],
        columns["leg"],
        columns["dialogue_id"],
    )
    out = pd.DataFrame({name: values[ranked] for name, values in columns.items()})
    out["since"] = pd.to_datetime(out["since"])
    return out


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
