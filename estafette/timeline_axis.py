"""The axes of the static timeline (timeline_svg): dates and rows onto pixels, the date ticks.

The date axis takes the finest step whose labels still fit: half months, months, quarters,
half years, years, or several years. Month names come from Babel (formatting), in the
reader's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from estafette import formatting
from estafette.svg_text import number, xml

MUTED = "#555555"
GRID = "#E6E6E6"
GRID_STRONG = "#BDBDBD"
EPOCH = dt.datetime(1970, 1, 1)
# (months per step, the least room a label needs in pixels): finest first; 0 is half a month.
STEPS = ((0, 64.0), (1, 34.0), (3, 34.0), (6, 34.0), (12, 44.0), (24, 44.0), (60, 44.0))
HALF_MONTH_DAYS = 15.2
MONTH_DAYS = 30.44


def day(value: object) -> float:
    """A plotly date (ISO string, date or datetime) as days since 1970-01-01."""
    moment = value if isinstance(value, dt.date) else dt.datetime.fromisoformat(str(value))
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time())
    return (moment.replace(tzinfo=None) - EPOCH).total_seconds() / 86_400


def date_of(days: float) -> dt.date:
    """The date of a day number (the inverse of :func:`day`, to the day)."""
    return (EPOCH + dt.timedelta(days=days)).date()


@dataclass(frozen=True)
class Frame:
    """Where the plot sits in the SVG and how dates (in days) and rows map onto it."""

    left: float
    right: float
    top: float
    bottom: float
    start: float
    end: float
    rows: dict[str, int]

    @property
    def band(self) -> float:
        """The height of one row."""
        return (self.bottom - self.top) / max(1, len(self.rows))

    def x(self, days: float) -> float:
        """The horizontal position of a date."""
        span = self.end - self.start or 1.0
        return self.left + (days - self.start) / span * (self.right - self.left)

    def y(self, row: str) -> float:
        """The vertical middle of a row."""
        return self.top + (self.rows[row] + 0.5) * self.band

    def shows(self, days: float) -> bool:
        """Whether a date lies inside the window."""
        return self.start <= days <= self.end


@dataclass(frozen=True)
class Tick:
    """One gridline: its date, its label, a second line (the year) and whether it is strong."""

    day: dt.date
    label: str
    second: str = ""
    strong: bool = False


def _months(start: dt.date, end: dt.date, step: int) -> list[dt.date]:
    """The first days of the months in [start, end] whose month fits the step."""
    found = []
    year, month = start.year, start.month
    while dt.date(year, month, 1) <= end:
        first = dt.date(year, month, 1)
        if first >= start and (year * 12 + month - 1) % step == 0:
            found.append(first)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _step(span_days: float, width: float) -> int:
    """Months per tick (0: half a month): the finest step that leaves its labels room."""
    for months, room in STEPS:
        days = HALF_MONTH_DAYS if months == 0 else months * MONTH_DAYS
        if width * days / max(span_days, 1.0) >= room:
            return months
    years = 10
    while width * years * 365.25 / max(span_days, 1.0) < 44.0:
        years *= 2
    return years * 12


def ticks(start: dt.date, end: dt.date, width: float, lang: str) -> list[Tick]:
    """The ticks between ``start`` and ``end`` on an axis ``width`` pixels wide."""
    step = _step((end - start).days, width)
    if step == 0:
        days = [
            when
            for first in _months(start.replace(day=1), end, 1)
            for when in (first, first.replace(day=16))
            if start <= when <= end
        ]
        return [
            Tick(
                when,
                formatting.date(when, lang, "d MMM"),
                str(when.year) if i == 0 or (when.month, when.day) == (1, 1) else "",
                (when.month, when.day) == (1, 1),
            )
            for i, when in enumerate(days)
        ]
    days = _months(start, end, step)
    if step >= 12:
        return [Tick(when, str(when.year)) for when in days]
    # Month names alone ("jan", "feb"): Babel's stand-alone form. The year goes on a second
    # line under January, and under the first tick unless January is the next (the two
    # years would touch).
    first_year = len(days) > 1 and days[1].month != 1
    return [
        Tick(
            when,
            formatting.date(when, lang, "LLL"),
            str(when.year) if when.month == 1 or (i == 0 and first_year) else "",
            when.month == 1,
        )
        for i, when in enumerate(days)
    ]


def grid(frame: Frame, lang: str) -> Iterator[str]:
    """A light line per row, the vertical gridlines with their labels, the plot's border."""
    left, right = number(frame.left), number(frame.right)
    for row in frame.rows:
        y = number(frame.y(row))
        yield (
            f'<line class="est-row-grid" x1="{left}" x2="{right}" y1="{y}" y2="{y}" '
            f'stroke="{GRID}"/>'
        )
    top, bottom = number(frame.top), number(frame.bottom)
    for tick in ticks(date_of(frame.start), date_of(frame.end), frame.right - frame.left, lang):
        x = number(frame.x(day(tick.day)))
        colour = GRID_STRONG if tick.strong else GRID
        yield (
            f'<line class="est-tick" x1="{x}" x2="{x}" y1="{top}" y2="{bottom}" stroke="{colour}"/>'
        )
        yield (
            f'<text class="est-tick-label" x="{x}" y="{number(frame.bottom + 17)}" '
            f'text-anchor="middle" fill="{MUTED}">{xml(tick.label)}</text>'
        )
        if tick.second:
            yield (
                f'<text class="est-tick-year" x="{x}" y="{number(frame.bottom + 33)}" '
                f'text-anchor="middle" fill="{MUTED}">{xml(tick.second)}</text>'
            )
    yield (
        f'<rect class="est-plot" x="{left}" y="{top}" width="{number(frame.right - frame.left)}" '
        f'height="{number(frame.bottom - frame.top)}" fill="none" stroke="{GRID_STRONG}"/>'
    )
