"""The report's map and timeline, drawn with matplotlib's Agg backend (offline, no display)."""

from __future__ import annotations

import datetime as dt
import io
import math

import pandas as pd

from estafette import relay
from estafette.maps import phase_colour
from estafette.report_render import DETAIL_LIMIT

TIMELINE_ROWS = 40


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=110)


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def map_image(summary: pd.DataFrame, handovers: list[relay.HandoverInfo]) -> bytes:
    """Dialogues as dots coloured by current phase, with the hand-overs as lines."""
    fig = _figure(6.0, 6.5)
    ax = fig.add_subplot()
    for h in handovers:
        ax.plot(
            [h.from_longitude, h.to_longitude],
            [h.from_latitude, h.to_latitude],
            color="#555555",
            linewidth=1,
            linestyle="--",
        )
    if not summary.empty:
        ax.scatter(
            summary["longitude"],
            summary["latitude"],
            c=[phase_colour(p) for p in summary["current_position"]],
            s=30 if len(summary) > DETAIL_LIMIT else 60,
            edgecolors="#222222",
            linewidths=0.5,
        )
        if summary["city"].nunique() <= 15:
            for city, part in summary.groupby("city"):
                ax.annotate(
                    city,
                    (part["longitude"].iloc[0], part["latitude"].iloc[0]),
                    xytext=(5, 5),
                    textcoords="offset points",
                    fontsize=8,
                )
    # The Netherlands' extent, with the true aspect of a degree at 52° north.
    ax.set_xlim(3.2, 7.3)
    ax.set_ylim(50.7, 53.6)
    ax.set_aspect(1 / math.cos(math.radians(52.2)))
    ax.set_xlabel("°E")
    ax.set_ylabel("°N")
    ax.grid(True, linewidth=0.3)
    return _png(fig)


def timeline_image(records: pd.DataFrame, as_of: dt.date, lang: str) -> tuple[bytes, int]:
    """Planned (light) and actual (solid) phase bars of up to TIMELINE_ROWS dialogues."""
    from matplotlib.dates import date2num

    from estafette.charts import row_labels

    chosen = records
    ids = list(dict.fromkeys(records["dialogue_id"])) if not records.empty else []
    if len(ids) > TIMELINE_ROWS:
        chosen = records[records["dialogue_id"].isin(ids[:TIMELINE_ROWS])]
    shown = min(len(ids), TIMELINE_ROWS)
    fig = _figure(7.5, max(2.0, 0.32 * max(shown, 1) + 1.2))
    ax = fig.add_subplot()
    if chosen.empty:
        return _png(fig), 0
    labels = row_labels(chosen, lang).map(lambda s: s.replace("&amp;", "&"))
    order = list(dict.fromkeys(labels))
    y = labels.map({label: i for i, label in enumerate(order)})
    today = pd.Timestamp(as_of)
    # One barh call per kind and phase (vectorised): hundreds of single bars are slow.
    for start_col, end_col, alpha, height in (
        ("planned_start", "planned_end", 0.35, 0.8),
        ("actual_start", "actual_end", 1.0, 0.45),
    ):
        rows = chosen[chosen[start_col].notna()]
        for position, part in rows.groupby("phase_position"):
            left = date2num(part[start_col].to_numpy())
            end = date2num(part[end_col].fillna(today).to_numpy())
            ax.barh(
                y[part.index].to_numpy(),
                (end - left).clip(min=1),
                left=left,
                height=height,
                color=phase_colour(int(position)),
                alpha=alpha,
            )
    ax.axvline(date2num(today), color="#C00000", linewidth=1)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(order, fontsize=7)
    ax.invert_yaxis()
    ax.xaxis_date()
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(True, axis="x", linewidth=0.3)
    return _png(fig), shown
