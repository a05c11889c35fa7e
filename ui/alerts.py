"""The overview's "Aandacht nodig": which dialogues in view need a coordinator's attention."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy.orm import Session

from estafette import alerts, paging, seed
from ui.core import cached, cached_content, engine, translator
from ui.filters import View
from ui.history import in_view, records, summary


@cached_content
def _stored_seed_mark(url: str) -> alerts.SeedMark | None:
    with Session(engine(url)) as session:
        return seed.stored_seed_mark(session)


@cached
def _seed_mark_from_history(url: str) -> alerts.SeedMark:
    with Session(engine(url)) as session:
        return seed.seed_mark(session)


def seed_mark(url: str) -> alerts.SeedMark:
    """Who wrote the seeded history and when it was installed (idle time counts from then)."""
    # Kept at install time, it never changes with a status save; older databases take the
    # first real change from the history, which does.
    return _stored_seed_mark(url) or _seed_mark_from_history(url)


@cached
def attention(url: str, as_of: dt.date | None, today: dt.date, stale_days: int) -> pd.DataFrame:
    """The "Aandacht nodig" list as of a date."""
    return alerts.attention(
        records(url, as_of), summary(url, as_of), as_of or today, stale_days, seed_mark(url)
    )


@cached
def alerts_raw(url: str, view: View, today: dt.date, stale_days: int) -> pd.DataFrame:
    """The alerts for the dialogues in view."""
    found = attention(url, view.as_of, today, stale_days)
    return found[found["dialogue_id"].isin(in_view(url, view)["dialogue_id"])]


@cached
def alert_page(
    url: str, view: View, today: dt.date, stale_days: int, lang: str, page: int = 1
) -> tuple[pd.DataFrame, paging.Page]:
    """One page of the alerts in view (most urgent first), as a translated display table."""
    # Only the page's rows are translated: at national scale there are hundreds of alerts.
    chosen, at = paging.rows(alerts_raw(url, view, today, stale_days), page)
    return alerts.alert_table(chosen, translator(lang), lang), at


@cached
def alert_counts(url: str, view: View, today: dt.date, stale_days: int) -> dict[str, int]:
    """How many alerts of each kind."""
    kinds = alerts_raw(url, view, today, stale_days)["kind"].value_counts()
    return {kind.value: int(kinds.get(kind.value, 0)) for kind in alerts.AlertKind}
