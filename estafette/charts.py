"""The relay timeline: per dialogue its five phases, planned (light) and actual (solid)."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from estafette import formatting, i18n, paging
from estafette.cities import status_key
from estafette.maps import phase_colour
from estafette.models import DATE_FIELDS, Status
from estafette.relay import HandoverInfo

ROW_HEIGHT = 30
# Tall enough for the ten-entry phase legend, which otherwise gets a scrollbar.
MIN_HEIGHT = 420
DAY_MS = 86_400_000
# 12.6:1 against the white plot background.
PLANNED_OUTLINE = "#333333"
# The window the timeline opens on: old rows (the 2018 seed legs) would squash current work.
WINDOWS = ("recent", "all")
RECENT_BEFORE = pd.DateOffset(months=12)
RECENT_AFTER = pd.DateOffset(months=6)


def _esc(values: pd.Series) -> pd.Series:
    return values.fillna("").astype(str).map(html.escape)


def _day(values: pd.Series, lang: str) -> pd.Series:
    days = formatting.dates(values, lang)
    return days.where(days != "", "…")


def row_labels(records: pd.DataFrame, lang: str) -> pd.Series:
    """One unique, readable label per dialogue ("1 · Deventer · Rivierenwijk"), by record."""
    undecided = i18n.translate("overview.undecided", lang)
    hood = records["neighbourhood"].where(records["neighbourhood"] != "", undecided)
    label = records["leg"].astype(str) + " · " + records["city"] + " · " + hood
    # Two dialogues with the same city and neighbourhood still get a row each.
    per_label = records.drop_duplicates("dialogue_id").groupby(label)["dialogue_id"].nunique()
    clash = label.map(per_label).fillna(1) > 1
    label = label.where(~clash, label + " (#" + records["dialogue_id"].astype(str) + ")")
    return _esc(label)


def _hover(lang: str, kind: str) -> str:
    def tr(key: str) -> str:
        return html.escape(i18n.translate(key, lang))

    return (
        "<b>%{customdata[0]}</b> · " + tr(f"timeline.{kind}") + "<br>%{y}<br>"
        "%{customdata[1]} → %{customdata[2]}<br>"
        + tr("timeline.status")
        + ": %{customdata[3]}<br>%{customdata[4]}<extra></extra>"
    )


def _bars(
    frame: pd.DataFrame,
    start: pd.Series,
    end: pd.Series,
    shown_end: pd.Series,
    labels: pd.Series,
    status: pd.Series,
    lang: str,
) -> dict[str, object]:
    custom = pd.DataFrame(
        {
            "phase": _esc(frame["phase"]),
            "start": _day(start, lang),
            "end": _day(shown_end, lang),
            "status": status,
            "note": _esc(frame["note"]).str.slice(0, 300),
        }
    )
    return {
        "y": labels.tolist(),
        "base": start.dt.strftime("%Y-%m-%d").tolist(),
        "x": ((end - start).dt.days.clip(lower=1) * DAY_MS).tolist(),
        "customdata": custom.to_numpy().tolist(),
    }


def _x_range(records: pd.DataFrame, today: pd.Timestamp, window: str = "recent") -> list[str]:
    """The x-axis range: the last 12 months to 6 months ahead, or every date ("all")."""
    if window not in WINDOWS:
        raise ValueError(f"unknown timeline window {window!r}")
    if window == "recent":
        return [
            (today - RECENT_BEFORE).strftime("%Y-%m-%d"),
            (today + RECENT_AFTER).strftime("%Y-%m-%d"),
        ]
    dates = records[list(DATE_FIELDS)]
    first = dates.min().min()
    last = dates.max().max()
    first = today if pd.isna(first) else min(first, today)
    last = today if pd.isna(last) else max(last, today)
    margin = max(pd.Timedelta(days=14), (last - first) * 0.03)
    return [(first - margin).strftime("%Y-%m-%d"), (last + margin).strftime("%Y-%m-%d")]


def timeline(
    records: pd.DataFrame,
    phases: list[tuple[int, str]],
    *,
    lang: str,
    today: dt.date,
    past: bool = False,
    handovers: Sequence[HandoverInfo] = (),
    empty_cities: pd.DataFrame | None = None,
    window: str = "recent",
) -> go.Figure:
    """The timeline of ``records`` (history.records_frame rows), ordered by leg, with a today line.

    Running phases without an end are drawn up to ``today``; phases without any date are listed
    in one "no dates" marker per dialogue, so they are visible instead of silently dropped.
    ``window`` is the stretch of time the chart opens on (see _x_range); zoom and pan stay.
    """

    def tr(key: str, **values: object) -> str:
        return i18n.translate(key, lang, **values)

    fig = go.Figure()
    today_ts = pd.Timestamp(today)
    labels = row_labels(records, lang)
    order = list(dict.fromkeys(labels.tolist()))
    status = (
        records["status"]
        .map({s.value: html.escape(tr(status_key(s.value))) for s in Status})
        .fillna("")
    )

    for position, name in phases:
        of_phase = records["phase_position"] == position
        planned = records[of_phase & records["planned_start"].notna()]
        if not planned.empty:
            end = planned["planned_end"].fillna(planned["planned_start"] + pd.Timedelta(days=1))
            fig.add_trace(
                go.Bar(
                    orientation="h",
                    name=tr("timeline.planned_name", phase=name),
                    legendgroup=f"phase{position}",
                    # Hatched in the phase colour with a dark outline: the bar stands out at
                    # 3:1+ against white (WCAG 1.4.11), and planned differs from actual by more
                    # than colour.
                    marker={
                        "color": "#ffffff",
                        # Dense hatching (size 5): a legend swatch of a dozen pixels still
                        # shows stripes, so planned and actual differ there too.
                        "pattern": {
                            "shape": "/",
                            "fgcolor": phase_colour(position),
                            "bgcolor": "#ffffff",
                            "size": 5,
                            "solidity": 0.5,
                        },
                        "line": {"color": PLANNED_OUTLINE, "width": 1.5},
                    },
                    width=0.8,
                    hovertemplate=_hover(lang, "planned"),
                    meta={"kind": "planned", "phase": position},
                    **_bars(
                        planned,
                        planned["planned_start"],
                        end,
                        planned["planned_end"],
                        labels[planned.index],
                        status[planned.index],
                        lang,
                    ),
                )
            )
        actual = records[of_phase & records["actual_start"].notna()]
        if not actual.empty:
            # A phase still running is drawn up to today; a finished one up to its end.
            end = actual["actual_end"].fillna(max(today_ts, actual["actual_start"].max()))
            end = end.where(end >= actual["actual_start"], actual["actual_start"])
            fig.add_trace(
                go.Bar(
                    orientation="h",
                    name=tr("timeline.actual_name", phase=name),
                    legendgroup=f"phase{position}",
                    marker={"color": phase_colour(position)},
                    width=0.4,
                    hovertemplate=_hover(lang, "actual"),
                    meta={"kind": "actual", "phase": position},
                    **_bars(
                        actual,
                        actual["actual_start"],
                        end,
                        actual["actual_end"],
                        labels[actual.index],
                        status[actual.index],
                        lang,
                    ),
                )
            )

    undated = records[records[list(DATE_FIELDS)].isna().all(axis=1)]
    if not undated.empty:
        names = _esc(undated["phase"]).groupby(labels[undated.index]).agg(", ".join)
        fig.add_trace(
            go.Scatter(
                x=[today_ts.strftime("%Y-%m-%d")] * len(names),
                y=names.index.tolist(),
                mode="markers",
                marker={"symbol": "circle-open", "color": "#666666", "size": 9},
                name=tr("timeline.undated_name"),
                customdata=names.to_numpy().reshape(-1, 1).tolist(),
                hovertemplate=html.escape(tr("timeline.undated_hover"))
                + ": %{customdata[0]}<br>%{y}<extra></extra>",
                meta={"kind": "undated"},
            )
        )

    # Passing the baton: a diamond on the handing-over dialogue's row, at the hand-over date.
    row_of = dict(zip(records["dialogue_id"], labels, strict=True))
    passed = [h for h in handovers if h.handed_over_on <= today and h.from_dialogue_id in row_of]
    if passed:
        texts = [
            html.escape(
                tr(
                    "map.handover",
                    date=formatting.date(h.handed_over_on, lang),
                    source=h.from_city,
                    target=h.to_city,
                )
            )
            for h in passed
        ]
        fig.add_trace(
            go.Scatter(
                x=[h.handed_over_on.isoformat() for h in passed],
                y=[row_of[h.from_dialogue_id] for h in passed],
                mode="markers",
                marker={"symbol": "diamond", "color": "#000000", "size": 12},
                name=tr("timeline.handover_name"),
                customdata=[[text] for text in texts],
                hovertemplate="%{customdata[0]}<extra></extra>",
                meta={"kind": "handover"},
            )
        )

    # Cities without a dialogue yet get a row of their own, in leg order among the others.
    empty = empty_cities if empty_cities is not None else pd.DataFrame()
    if len(empty):
        rows = [
            html.escape(tr("timeline.no_dialogue_row", leg=int(r.leg), city=r.city))
            for r in empty.itertuples()
        ]
        fig.add_trace(
            go.Scatter(
                x=[today_ts.strftime("%Y-%m-%d")] * len(rows),
                y=rows,
                mode="markers",
                marker={"symbol": "circle-open", "color": "#444444", "size": 11},
                name=tr("timeline.no_dialogue_name"),
                hovertemplate="%{y}<extra></extra>",
                meta={"kind": "no_dialogue"},
            )
        )
        legs = dict(zip(labels, records["leg"].astype(int), strict=True))
        legs.update(zip(rows, empty["leg"].astype(int), strict=True))
        order = sorted([*order, *rows], key=lambda label: legs[label])

    marker = tr("timeline.as_of") if past else tr("timeline.today")
    fig.add_shape(
        type="line",
        x0=today_ts.strftime("%Y-%m-%d"),
        x1=today_ts.strftime("%Y-%m-%d"),
        y0=0,
        y1=1,
        yref="paper",
        line={"color": "#D55E00", "width": 2, "dash": "dot"},
    )
    fig.add_annotation(
        x=today_ts.strftime("%Y-%m-%d"),
        y=1,
        yref="paper",
        text=html.escape(marker),
        showarrow=False,
        yanchor="bottom",
        font={"color": "#D55E00"},
    )
    fig.update_layout(
        barmode="overlay",
        height=max(MIN_HEIGHT, 120 + ROW_HEIGHT * len(order)),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        # Explicit range: plotly's autorange ignores the "base" of horizontal date bars.
        xaxis={"type": "date", "title": None, "range": _x_range(records, today_ts, window)},
        yaxis={
            "categoryorder": "array",
            "categoryarray": order,
            "autorange": "reversed",
            "title": None,
        },
        legend={"title": {"text": html.escape(tr("timeline.legend"))}},
        hoverlabel={"align": "left"},
    )
    return fig


def page_of(records: pd.DataFrame, page: int, per_page: int) -> tuple[pd.DataFrame, int]:
    """The records of the dialogues on ``page`` (1-based, in leg order) and the page count.

    A chart with a thousand rows is neither readable nor quick, so the timeline pages.
    """
    chosen, at = paging.dialogues(records, page, per_page)
    return chosen, at.pages
