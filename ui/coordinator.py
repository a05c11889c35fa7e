"""Cached loaders of the coordinator's views, keyed by database URL, filters and as-of date."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy.orm import Session

from estafette import alerts, alternatives, charts, cities, history, i18n, maps, relay, seed
from estafette.models import DATE_FIELDS
from estafette.settings import Settings
from ui.core import cached, engine
from ui.filters import View


@cached
def events(url: str) -> pd.DataFrame:
    """The whole status history (only needed for time travel)."""
    with Session(engine(url)) as session:
        return history.events_frame(session)


@cached
def records(url: str, as_of: dt.date | None = None) -> pd.DataFrame:
    """Every phase record, now or as it stood at the end of ``as_of``."""
    with Session(engine(url)) as session:
        current = history.records_frame(session)
    if as_of is None:
        return current
    return history.state_as_of(current, events(url), as_of)


@cached
def summary(url: str, as_of: dt.date | None = None) -> pd.DataFrame:
    """One row per dialogue, now or as of a date."""
    return cities.summarise(records(url, as_of))


@cached
def choices(url: str, today: dt.date) -> tuple[list[str], list[str], tuple[dt.date, dt.date]]:
    """Filter options: city names in leg order, phase names in order, and the time-travel span."""
    current = records(url)
    city_names = current.drop_duplicates("city")["city"].tolist()
    phase_names = (
        current.drop_duplicates("phase_position").sort_values("phase_position")["phase"].tolist()
    )
    return city_names, phase_names, history.date_range(current, today)


@cached
def dialogues(
    url: str,
    as_of: dt.date | None,
    city_names: tuple[str, ...],
    phase_names: tuple[str, ...],
    statuses: tuple[str, ...],
) -> pd.DataFrame:
    """Dialogues matching the filters (by current phase and status)."""
    return history.select_dialogues(summary(url, as_of), city_names, phase_names, statuses)


@cached
def phase_records(
    url: str,
    as_of: dt.date | None,
    city_names: tuple[str, ...],
    phase_names: tuple[str, ...],
    statuses: tuple[str, ...],
) -> pd.DataFrame:
    """Phase records matching the filters (each record by its own phase and status)."""
    return history.select_records(records(url, as_of), city_names, phase_names, statuses)


@cached
def seed_mark(url: str) -> alerts.SeedMark:
    """Who wrote the seeded history and when it was installed (idle time counts from then)."""
    with Session(engine(url)) as session:
        return seed.seed_mark(session)


@cached
def relay_untouched(url: str) -> bool:
    """Whether the relay is still exactly as seeded (the overview then invites to set it up)."""
    with Session(engine(url)) as session:
        return seed.relay_untouched(session)


@cached
def attention(url: str, as_of: dt.date | None, today: dt.date, stale_days: int) -> pd.DataFrame:
    """The "Aandacht nodig" list as of a date."""
    return alerts.attention(
        records(url, as_of), summary(url, as_of), as_of or today, stale_days, seed_mark(url)
    )


@cached
def dialogue_history(url: str, dialogue_id: int, as_of: dt.date | None) -> pd.DataFrame:
    """One dialogue's phase history, newest first (up to ``as_of`` when time travelling)."""
    with Session(engine(url)) as session:
        changes = history.events_frame(session, dialogue_id)
    current = records(url)
    out = history.phase_history(changes, current[current["dialogue_id"] == dialogue_id])
    if as_of is not None:
        out = out[out["at"] < pd.Timestamp(as_of) + pd.Timedelta(days=1)]
    return out


def _label(lang: str) -> Callable[..., str]:
    return functools.partial(i18n.translate, lang=lang)


def _shown(url: str, view: View) -> pd.DataFrame:
    return dialogues(url, view.as_of, view.cities, view.phases, view.statuses)


@cached
def alerts_raw(url: str, view: View, today: dt.date, stale_days: int) -> pd.DataFrame:
    """The alerts for the dialogues in view."""
    found = attention(url, view.as_of, today, stale_days)
    return found[found["dialogue_id"].isin(_shown(url, view)["dialogue_id"])]


@cached
def alert_list(url: str, view: View, today: dt.date, stale_days: int, lang: str) -> pd.DataFrame:
    """The alerts for the dialogues in view, as a translated display table."""
    return alerts.alert_table(alerts_raw(url, view, today, stale_days), _label(lang), lang)


@cached
def alert_counts(url: str, view: View, today: dt.date, stale_days: int) -> dict[str, int]:
    """How many alerts of each kind."""
    kinds = alerts_raw(url, view, today, stale_days)["kind"].value_counts()
    return {kind.value: int(kinds.get(kind.value, 0)) for kind in alerts.AlertKind}


def city_cards(shown: pd.DataFrame) -> list[tuple[int, str, pd.DataFrame]]:
    """The dialogues in view grouped per city, in relay order: (leg, city, its dialogues)."""
    return [(int(leg), str(city), rows) for (leg, city), rows in shown.groupby(["leg", "city"])]


@cached
def matrix(url: str, view: View, lang: str) -> pd.DataFrame:
    """The city × phase matrix of the dialogues in view, limited to the chosen phases."""
    shown = _shown(url, view)["dialogue_id"]
    chosen = records(url, view.as_of)
    chosen = chosen[chosen["dialogue_id"].isin(shown)]
    if view.phases:
        chosen = chosen[chosen["phase"].isin(view.phases)]
    return cities.matrix_table(chosen, _label(lang), lang)


@cached
def relay_progress(url: str, view: View) -> tuple[int, int]:
    """Phases completed and in total, over the dialogues in view."""
    return cities.relay_progress(_shown(url, view))


@cached
def city_progress(url: str, view: View, lang: str) -> pd.DataFrame:
    """Progress per city as a translated display table."""
    label = _label(lang)
    per_city = cities.city_progress(_shown(url, view))
    return per_city.rename(
        columns={
            "leg": label("progress.col_leg"),
            "city": label("progress.col_city"),
            "dialogues": label("progress.col_dialogues"),
            "completed": label("progress.col_completed"),
            "total": label("progress.col_total"),
            "share": label("progress.col_share"),
        }
    )


TIMELINE_PAGE = 25


@dataclass(frozen=True)
class Timeline:
    """The timeline figure and how many phases it lists without dates."""

    figure: go.Figure
    undated: int
    pages: int
    dialogues: int


@cached
def timeline(
    url: str, view: View, phase_names: list[str], lang: str, page: int = 1, window: str = "recent"
) -> Timeline:
    """One page of the timeline of the phase records in view, opened on ``window``."""
    in_view = phase_records(url, view.as_of, view.cities, view.phases, view.statuses)
    chosen, pages = charts.page_of(in_view, page, TIMELINE_PAGE)
    on_page = set(chosen["phase"])
    phases = [(i, name) for i, name in enumerate(phase_names, start=1) if name in on_page]
    figure = charts.timeline(
        chosen,
        phases,
        lang=lang,
        today=view.date,
        past=view.as_of is not None,
        handovers=handovers(url),
        # Cities without a dialogue are listed once, on the first page.
        empty_cities=empty_cities(url, view) if page == 1 else None,
        window=window,
    )
    undated = int(in_view[list(DATE_FIELDS)].isna().all(axis=1).sum())
    return Timeline(figure, undated, pages, int(in_view["dialogue_id"].nunique()))


@cached
def handovers(url: str) -> list[relay.HandoverInfo]:
    """Every hand-over of the relay (map and timeline show those up to the as-of date)."""
    with Session(engine(url)) as session:
        return relay.handovers(session)


@cached
def markers(url: str, view: View, lang: str) -> pd.DataFrame:
    """Marker spots, colours and escaped tooltips of the dialogues in view."""
    # Popup links to the Stad page leave the map's iframe: they need the app's own address.
    link_base = Settings.from_env().base_url or "/"
    return maps.marker_table(_shown(url, view), lang, view.date, link_base)


@cached
def marker_payload(url: str, view: View, lang: str) -> str:
    """The markers in view, encoded for the map script."""
    link_base = Settings.from_env().base_url or "/"
    return maps.marker_payload(markers(url, view, lang), lang, link_base)


@cached
def dialogue_labels(url: str, view: View, lang: str) -> dict[int, str]:
    """A readable name per dialogue in view ("Utrecht · Lombok"), in relay order."""
    shown = _shown(url, view)
    undecided = i18n.translate("overview.undecided", lang)
    hood = shown["neighbourhood"].where(shown["neighbourhood"] != "", undecided)
    names = shown["city"] + " · " + hood
    return dict(zip(shown["dialogue_id"].astype(int), names, strict=True))


@cached
def empty_cities(url: str, view: View) -> pd.DataFrame:
    """Cities in view that have no dialogue yet (hidden when a phase or status is filtered on)."""
    if view.phases or view.statuses:
        return pd.DataFrame(columns=list(cities.EMPTY_CITY_COLUMNS))
    with Session(engine(url)) as session:
        found = cities.without_dialogue(session, view.as_of)
    return found[found["city"].isin(view.cities)] if view.cities else found


@cached
def map_alternative(url: str, view: View, lang: str) -> pd.DataFrame:
    """The map in view as a table (its text alternative)."""
    return alternatives.map_table(_shown(url, view), empty_cities(url, view), lang)


@cached
def timeline_alternative(url: str, view: View, lang: str, page: int = 1) -> pd.DataFrame:
    """The timeline page in view as a table (its text alternative: the same dialogues)."""
    in_view = phase_records(url, view.as_of, view.cities, view.phases, view.statuses)
    # The chart pages by dialogue; so does its table (at national scale the whole relay
    # would be thousands of rows sent on every rerun, for a chart of 25 dialogues).
    chosen, _ = charts.page_of(in_view, page, TIMELINE_PAGE)
    return alternatives.timeline_table(chosen, lang)
