"""The relay as a whole: its legs, progress, matrix and hand-overs; Beheer adds cities.

Cached loaders of the overview (city cards, matrix, progress), the hand-overs the map and
timeline draw, and the fresh reads of Beheer's relay tabs (cities, next leg, hand-over).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from estafette import cities, formatting, paging, relay, seed
from ui.core import cached, cached_content, engine, read, t, translator
from ui.filters import View
from ui.history import in_view, records

# ---------------------------------------------------------------------------- overview


@cached
def relay_untouched(url: str) -> bool:
    """Whether the relay is still exactly as seeded (the overview then invites to set it up)."""
    with Session(engine(url)) as session:
        return seed.relay_untouched(session)


def city_cards(shown: pd.DataFrame) -> list[tuple[int, str, pd.DataFrame]]:
    """The dialogues in view grouped per city, in relay order: (leg, city, its dialogues)."""
    return [(int(leg), str(city), rows) for (leg, city), rows in shown.groupby(["leg", "city"])]


@cached
def matrix(url: str, view: View, lang: str, page: int = 1) -> tuple[pd.DataFrame, paging.Page]:
    """One page of the city × phase matrix of the dialogues in view, in the chosen phases."""
    shown = in_view(url, view)["dialogue_id"]
    chosen = records(url, view.as_of)
    chosen = chosen[chosen["dialogue_id"].isin(shown)]
    if view.phases:
        chosen = chosen[chosen["phase"].isin(view.phases)]
    # Formatting every cell is the matrix's cost: do it for the page's dialogues only.
    chosen, at = paging.dialogues(chosen, page)
    return cities.matrix_table(chosen, translator(lang), lang), at


@cached
def relay_progress(url: str, view: View) -> tuple[int, int]:
    """Phases completed and in total, over the dialogues in view."""
    return cities.relay_progress(in_view(url, view))


@cached
def city_progress(
    url: str, view: View, lang: str, page: int = 1
) -> tuple[pd.DataFrame, paging.Page]:
    """One page of the progress per city, in relay order, as a translated display table."""
    label = translator(lang)
    per_city, at = paging.rows(cities.city_progress(in_view(url, view)), page)
    # A plain table (no data grid to load in the browser): the share as a readable percentage.
    per_city = per_city.assign(share=[formatting.percent(s, lang) for s in per_city["share"]])
    table = per_city.rename(
        columns={
            "leg": label("progress.col_leg"),
            "city": label("progress.col_city"),
            "dialogues": label("progress.col_dialogues"),
            "completed": label("progress.col_completed"),
            "total": label("progress.col_total"),
            "share": label("progress.col_share"),
        }
    )
    return table, at


@cached_content
def empty_cities(url: str, view: View) -> pd.DataFrame:
    """Cities in view that have no dialogue yet (hidden when a phase or status is filtered on)."""
    with Session(engine(url)) as session:
        return cities.without_dialogue_in_view(
            session, view.as_of, view.cities, bool(view.phases or view.statuses)
        )


@cached_content
def handovers(url: str) -> list[relay.HandoverInfo]:
    """Every hand-over of the relay (map and timeline show those up to the as-of date)."""
    with Session(engine(url)) as session:
        return relay.handovers(session)


# ---------------------------------------------------------------------------- Beheer


def city_list() -> list[cities.CityInfo]:
    """All cities in relay order."""
    return read(cities.list_cities)


def city_summary(city: object) -> tuple[str, int]:
    """Name and leg of a just-added city, read while its session is open."""
    return (city.name, city.leg)  # type: ignore[attr-defined]


def cities_table(city_infos: list[cities.CityInfo]) -> pd.DataFrame:
    """The cities with translated headers, in relay order."""
    return pd.DataFrame(
        {
            t("relay.leg"): [c.leg for c in city_infos],
            t("relay.city"): [c.name for c in city_infos],
            t("relay.province"): [c.province for c in city_infos],
            t("relay.latitude"): [c.latitude for c in city_infos],
            t("relay.longitude"): [c.longitude for c in city_infos],
        }
    )


def next_leg() -> int:
    """The leg number the next city gets."""
    return read(relay.next_leg)


def handover_candidates() -> list[tuple[int, str]]:
    """Dialogues in Vervolgen."""
    return read(relay.handover_candidates)


HANDOVER_TO_KEY = "estafette.admin.h_to"


def preselect_next_city(source_key: str) -> None:
    """Point the hand-over's "Naar stad" at the next leg after the chosen dialogue's city."""
    source = st.session_state.get(source_key)
    if source is not None:
        st.session_state[HANDOVER_TO_KEY] = read(lambda s: relay.next_city(s, source))
