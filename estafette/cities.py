"""Cities and their dialogues: the legs of the relay and the city × phase overview."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from estafette import formatting
from estafette.models import City, Dialogue, Phase, PhaseRecord, Status
from estafette.permissions import Action, Actor, can
from estafette.phases import STATUSES, current_position


def create_dialogue(
    session: Session,
    city: City,
    *,
    neighbourhood: str | None = None,
    theme: str | None = None,
    central_question: str | None = None,
    is_demo: bool = False,
    created_at: dt.datetime | None = None,
) -> Dialogue:
    """Create a dialogue in ``city`` with one 'niet gestart' record per phase."""
    phases = session.scalars(select(Phase).order_by(Phase.position)).all()
    dialogue = Dialogue(
        city=city,
        neighbourhood=neighbourhood,
        theme=theme,
        central_question=central_question,
        is_demo=is_demo,
    )
    if created_at is not None:
        dialogue.created_at = created_at
    dialogue.records = [PhaseRecord(phase=phase) for phase in phases]
    session.add(dialogue)
    session.flush()
    return dialogue


@dataclass(frozen=True)
class CityInfo:
    """A city as plain data."""

    id: int
    name: str
    province: str
    latitude: float
    longitude: float
    leg: int
    joined_on: dt.date


def list_cities(session: Session) -> list[CityInfo]:
    """All cities in relay order."""
    return [
        CityInfo(c.id, c.name, c.province, c.latitude, c.longitude, c.leg, c.joined_on)
        for c in session.scalars(select(City).order_by(City.leg))
    ]


SUMMARY_EXTRA = (
    "city_id",
    "province",
    "latitude",
    "longitude",
    "current_position",
    "current_since",
    "last_update",
    "last_update_by",
)


def summarise(records: pd.DataFrame) -> pd.DataFrame:
    """Collapse phase records (see history.records_frame) to one row per dialogue, vectorised."""
    phase_names = (
        records.drop_duplicates("phase_position").sort_values("phase_position")["phase"].tolist()
    )
    columns = [*OVERVIEW_FIXED, *SUMMARY_EXTRA, *phase_names]
    if records.empty:
        return pd.DataFrame(columns=columns)
    base = records.drop_duplicates("dialogue_id").set_index("dialogue_id")
    wide = records.pivot(index="dialogue_id", columns="phase_position", values="status")
    wide = wide.reindex(base.index)
    positions = np.array(wide.columns, dtype=int)
    started = (wide.notna() & wide.ne(Status.NIET_GESTART.value)).to_numpy()
    # The current phase is the furthest phase that has left "niet gestart" (see phases.py).
    furthest = np.where(started, positions, 0).max(axis=1)
    current = np.where(furthest > 0, furthest, positions.min())
    current_rows = (
        pd.DataFrame({"dialogue_id": base.index, "phase_position": current})
        .merge(
            records[["dialogue_id", "phase_position", "phase", "status", "actual_start"]],
            on=["dialogue_id", "phase_position"],
            how="left",
        )
        .set_index("dialogue_id")
    )
    # Records nobody touched carry their creation time; they are no "update".
    touched = records[records["updated_by"] != ""]
    latest = (
        touched.sort_values("updated_at", na_position="first")
        .drop_duplicates("dialogue_id", keep="last")
        .set_index("dialogue_id")
    )
    out = pd.DataFrame(
        {
            "dialogue_id": base.index,
            "leg": base["leg"].to_numpy(),
            "city": base["city"].to_numpy(),
            "neighbourhood": base["neighbourhood"].to_numpy(),
            "theme": base["theme"].to_numpy(),
            "is_demo": base["is_demo"].to_numpy(),
            "current_phase": current_rows["phase"].fillna("").to_numpy(),
            "current_status": current_rows["status"].fillna("").to_numpy(),
            "completed": (wide == Status.AFGEROND.value).sum(axis=1).to_numpy(),
            "total": wide.notna().sum(axis=1).to_numpy(),
            "city_id": base["city_id"].to_numpy(),
            "province": base["province"].to_numpy(),
            "latitude": base["latitude"].to_numpy(),
            "longitude": base["longitude"].to_numpy(),
            "current_position": current,
            "current_since": current_rows["actual_start"].to_numpy(),
            "last_update": latest["updated_at"]
            .reindex(base.index)
            .fillna(base["created_at"])
            .to_numpy(),
            "last_update_by": latest["updated_by"].reindex(base.index).fillna("").to_numpy(),
        }
    )
    by_name = dict(zip(positions, wide.columns, strict=True))
    for position, name in zip(sorted(records["phase_position"].unique()), phase_names, strict=True):
        out[name] = wide[by_name[position]].fillna("").to_numpy()
    return out.loc[:, columns].reset_index(drop=True)


def city_progress(summary: pd.DataFrame) -> pd.DataFrame:
    """Phases completed per city, in relay order."""
    grouped = summary.groupby(["leg", "city"], sort=True).agg(
        dialogues=("dialogue_id", "count"), completed=("completed", "sum"), total=("total", "sum")
    )
    grouped = grouped.reset_index()
    grouped["share"] = (grouped["completed"] / grouped["total"].where(grouped["total"] > 0)).fillna(
        0.0
    )
    return grouped


def relay_progress(summary: pd.DataFrame) -> tuple[int, int]:
    """Phases completed and phases in total, over the whole relay."""
    return int(summary["completed"].sum()), int(summary["total"].sum())


STATUS_SYMBOLS = {"niet gestart": "○", "bezig": "◐", "afgerond": "●", "gepauzeerd": "⏸"}


def status_key(status: str) -> str:
    """The translation key of a status value."""
    return "status." + status.replace(" ", "_")


def matrix_table(records: pd.DataFrame, label: Callable[..., str], lang: str) -> pd.DataFrame:
    """The city × phase matrix for display: one row per dialogue, status and dates per cell."""
    if records.empty:
        return pd.DataFrame()
    undecided = label("overview.undecided")
    statuses = records["status"].map(
        {s: f"{STATUS_SYMBOLS.get(s, '')} {label(status_key(s))}" for s in STATUSES}
    )
    actual = (
        formatting.dates(records["actual_start"], lang)
        + " → "
        + formatting.dates(records["actual_end"], lang)
    ).str.rstrip()
    planned = (
        label("matrix.planned") + " " + formatting.dates(records["planned_start"], lang) + " → "
    )
    planned = (planned + formatting.dates(records["planned_end"], lang)).str.rstrip()
    dates = actual.where(
        records["actual_start"].notna() | records["actual_end"].notna(),
        planned.where(
            records["planned_start"].notna() | records["planned_end"].notna(),
            label("matrix.no_dates"),
        ),
    )
    cells = records.assign(cell=statuses.fillna(records["status"]) + " · " + dates)
    order = cells.drop_duplicates("dialogue_id")[["dialogue_id", "city", "neighbourhood"]]
    wide = cells.pivot(index="dialogue_id", columns="phase_position", values="cell")
    names = cells.drop_duplicates("phase_position").set_index("phase_position")["phase"]
    wide = wide.reindex(order["dialogue_id"]).rename(columns=names.to_dict()).fillna("")
    # One row per dialogue, labelled by its city; the neighbourhood tells a city's rows apart.
    hood = order["neighbourhood"].where(order["neighbourhood"] != "", undecided)
    wide.insert(0, label("overview.col_neighbourhood"), hood.to_numpy())
    wide.index = pd.Index(order["city"].to_numpy(), name=label("overview.col_city"))
    done = (records["status"] == Status.AFGEROND.value).groupby(records["dialogue_id"]).sum()
    total = records.groupby("dialogue_id")["status"].size()
    pairs = zip(
        done.reindex(order["dialogue_id"]).to_numpy(),
        total.reindex(order["dialogue_id"]).to_numpy(),
        strict=True,
    )
    # A relay of 1,000 dialogues has only a few dozen distinct "3 of 5" values: translate each once.
    progress = functools.cache(
        lambda d, n: label("overview.progress_value", done=int(d), total=int(n))
    )
    wide[label("overview.col_progress")] = [progress(d, n) for d, n in pairs]
    wide.columns.name = None
    return wide


OVERVIEW_FIXED = (
    "dialogue_id",
    "leg",
    "city",
    "neighbourhood",
    "theme",
    "is_demo",
    "current_phase",
    "current_status",
    "completed",
    "total",
)


def dialogue_city(session: Session, dialogue_id: int) -> str | None:
    """The name of the city a dialogue belongs to (None for an unknown id)."""
    return session.scalar(
        select(City.name)
        .join(Dialogue, Dialogue.city_id == City.id)
        .where(Dialogue.id == dialogue_id)
    )


EMPTY_CITY_COLUMNS = ("city_id", "city", "leg", "province", "latitude", "longitude", "joined_on")


def without_dialogue(session: Session, as_of: dt.date | None = None) -> pd.DataFrame:
    """Cities (that had joined by ``as_of``) without any dialogue yet, in leg order."""
    stmt = (
        select(City)
        .where(~select(Dialogue.id).where(Dialogue.city_id == City.id).exists())
        .where(City.archived_at.is_(None))
        .order_by(City.leg)
    )
    rows = [
        (c.id, c.name, c.leg, c.province, c.latitude, c.longitude, c.joined_on)
        for c in session.scalars(stmt)
        if as_of is None or c.joined_on is None or c.joined_on <= as_of
    ]
    return pd.DataFrame(rows, columns=list(EMPTY_CITY_COLUMNS))


@dataclass(frozen=True)
class DialogueChoice:
    """A dialogue as a picker option: its place, its current phase, whether one may edit it."""

    id: int
    city_id: int
    city: str
    neighbourhood: str
    theme: str
    current_phase_code: str
    editable: bool


def dialogue_choices(session: Session, actor: Actor | None = None) -> list[DialogueChoice]:
    """All dialogues in relay order with the phase each is in now.

    With ``actor``, ``editable`` says whether they may edit its status, and those come first.
    """
    stmt = (
        select(Dialogue)
        .join(Dialogue.city)
        .where(Dialogue.archived_at.is_(None), City.archived_at.is_(None))
        .options(selectinload(Dialogue.city))
        .order_by(City.leg, Dialogue.id)
    )
    dialogues = list(session.scalars(stmt))
    phases = [code for (code,) in session.execute(select(Phase.code).order_by(Phase.position))]
    # Plain rows, not records: the status page reads this list on every run.
    statuses: dict[int, dict[str, str]] = {}
    rows = session.execute(
        select(PhaseRecord.dialogue_id, Phase.code, PhaseRecord.status).join(PhaseRecord.phase)
    )
    for dialogue_id, code, status in rows:
        statuses.setdefault(dialogue_id, {})[code] = status
    choices = []
    for d in dialogues:
        by_code = statuses.get(d.id, {})
        position = current_position([by_code.get(code, Status.NIET_GESTART) for code in phases])
        choices.append(
            DialogueChoice(
                id=d.id,
                city_id=d.city_id,
                city=d.city.name,
                neighbourhood=d.neighbourhood or "",
                theme=d.theme or "",
                current_phase_code=phases[position] if phases else "",
                editable=actor is not None and can(actor, Action.EDIT_STATUS, city_id=d.city_id),
            )
        )
    return sorted(choices, key=lambda c: not c.editable) if actor is not None else choices
