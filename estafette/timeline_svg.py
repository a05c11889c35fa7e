"""The timeline as one static SVG: the figure charts.timeline builds, drawn without plotly.js.

The plotly figure stays the chart's model (charts.py); this module draws exactly the subset it
produces (horizontal bars on a base date, marker scatters, the today line and its label, a
fixed x range, a reversed category axis), so the browser never loads plotly's 4.7 MB bundle.
What it does not know (another trace type, bar direction, pattern or symbol) raises
ValueError rather than being drawn wrong.

Every text is plain in the result (svg_text): read as plotly would show it, XML-escaped once,
newlines as references. The SVG has no blank line, and its first line is the ``<svg>`` tag
alone, so a Markdown reader takes it as one raw HTML block (the page shows it with
st.markdown) and never reads text in it as Markdown.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

import plotly.graph_objects as go

from estafette import formatting, i18n
from estafette.svg_text import FONT, fit, hover_text, number, plain, width, xml
from estafette.timeline_axis import Frame, date_of, day, grid

WIDTH = 1100
# Streamlit's font where the SVG sits in the page; any sans-serif elsewhere.
FONT_FAMILY = "'Source Sans', 'Source Sans Pro', sans-serif"
LABEL_MAX = 320
LEGEND_MAX = 250
AXIS_HEIGHT = 38
LEGEND_ROW = 22
BAND_MAX = 40
TEXT = "#31333F"
DAY_MS = 86_400_000
# Plotly's defaults where the figure leaves them out.
DEFAULT_HEIGHT = 450
DEFAULT_MARGIN = {"l": 80, "r": 80, "t": 100, "b": 80}
DASHES = {"dot": "2 3", "dash": "6 4", "dashdot": "6 3 2 3", "longdash": "10 4"}
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]")


def _kind(trace: dict[str, Any]) -> str:
    return str((trace.get("meta") or {}).get("kind") or trace.get("type"))


def _check(spec: dict[str, Any]) -> None:
    """Refuse what this module does not draw, rather than drawing it wrong."""
    for trace in spec["data"]:
        if trace.get("type") not in ("bar", "scatter"):
            raise ValueError(f"unsupported trace type {trace.get('type')!r}")
        if trace.get("type") == "bar" and trace.get("orientation") != "h":
            raise ValueError("only horizontal bars are drawn")


def _categories(spec: dict[str, Any]) -> list[str]:
    """The rows from top to bottom: the category array, then any other y in order of use."""
    axis = spec["layout"].get("yaxis", {})
    order = [str(row) for row in axis.get("categoryarray") or []]
    for trace in spec["data"]:
        order.extend(str(y) for y in trace.get("y") or [])
    order = list(dict.fromkeys(order))
    # Plotly puts the first category at the bottom unless the axis is reversed.
    return order if axis.get("autorange") == "reversed" else order[::-1]


def _window(spec: dict[str, Any]) -> tuple[float, float] | None:
    """The visible stretch of time in days: the x range, or (without one) every date used."""
    shown = spec["layout"].get("xaxis", {}).get("range")
    if shown:
        return day(shown[0]), day(shown[1])
    days: list[float] = []
    for trace in spec["data"]:
        if trace.get("type") == "bar":
            for base, length in zip(trace.get("base") or [], trace.get("x") or [], strict=False):
                days += [day(base), day(base) + float(length) / DAY_MS]
        else:
            days += [day(x) for x in trace.get("x") or []]
    return (min(days) - 14, max(days) + 14) if days else None


def _patterns(spec: dict[str, Any], prefix: str) -> tuple[list[str], dict[int, str]]:
    """One hatch ``<pattern>`` per distinct bar pattern, and each trace's fill (by index)."""
    defs: list[str] = []
    fills: dict[int, str] = {}
    made: dict[tuple[Any, ...], str] = {}
    for index, trace in enumerate(spec["data"]):
        pattern = (trace.get("marker") or {}).get("pattern") or {}
        if not pattern.get("shape"):
            continue
        if pattern["shape"] != "/":
            raise ValueError(f"unsupported bar pattern {pattern['shape']!r}")
        size = float(pattern.get("size") or 8)
        solidity = float(pattern.get("solidity") or 0.3)
        key = (pattern.get("fgcolor") or TEXT, pattern.get("bgcolor") or "#ffffff", size, solidity)
        if key not in made:
            made[key] = f"{prefix}-hatch-{len(made) + 1}"
            s, less, more = number(size), number(size - 1), number(size + 1)
            # One stripe corner to corner, and the two corner pieces that join the next tile.
            defs.append(
                f'<pattern id="{made[key]}" patternUnits="userSpaceOnUse" width="{s}" '
                f'height="{s}"><rect width="{s}" height="{s}" fill="{xml(key[1])}"/>'
                f'<path d="M0,{s} L{s},0 M-1,1 L1,-1 M{less},{more} L{more},{less}" '
                f'stroke="{xml(key[0])}" stroke-width="{number(max(1.0, size * solidity * 0.6))}"'
                "/></pattern>"
            )
        fills[index] = f"url(#{made[key]})"
    return defs, fills


def _bar_style(trace: dict[str, Any], fill: str | None) -> str:
    marker = trace.get("marker") or {}
    line = marker.get("line") or {}
    style = f'fill="{fill or xml(str(marker.get("color") or TEXT))}"'
    if line.get("color") and line.get("width"):
        style += f' stroke="{xml(line["color"])}" stroke-width="{number(float(line["width"]))}"'
    return style


def _bars(spec: dict[str, Any], frame: Frame, fills: dict[int, str]) -> Iterator[str]:
    """Every bar inside the window (cut at its edges), with its hover text as a title."""
    for index, trace in enumerate(spec["data"]):
        if trace.get("type") != "bar":
            continue
        meta = trace.get("meta") or {}
        # A few rows in the figure's least height would make slabs of bars: a row drawn
        # at most BAND_MAX high, centred in its band.
        height = float(trace.get("width") or 0.8) * min(frame.band, BAND_MAX)
        phase = xml(str(meta.get("phase", "")))
        start_of = f'<rect class="est-bar est-{xml(_kind(trace))}" data-phase="{phase}"'
        style = _bar_style(trace, fills.get(index))
        custom = trace.get("customdata") or []
        for i, (base, length) in enumerate(zip(trace["base"], trace["x"], strict=True)):
            start = day(base)
            end = start + float(length) / DAY_MS
            if end <= frame.start or start >= frame.end:
                continue
            x0, x1 = frame.x(max(start, frame.start)), frame.x(min(end, frame.end))
            row = str(trace["y"][i])
            title = hover_text(trace.get("hovertemplate"), custom[i] if custom else None, row)
            yield (
                f'{start_of} data-row="{frame.rows[row]}" '
                f'x="{number(x0)}" y="{number(frame.y(row) - height / 2)}" '
                f'width="{number(max(1.0, x1 - x0))}" height="{number(height)}" {style}>'
                f"<title>{xml(title)}</title></rect>"
            )


def _symbol(symbol: str, x: float, y: float, size: float, colour: str) -> tuple[str, str]:
    """A plotly marker symbol (the timeline's: circle-open, diamond) as a tag and attributes."""
    r = size / 2
    if symbol == "diamond":
        points = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
        path = " L".join(f"{number(px)},{number(py)}" for px, py in points)
        return "path", f'd="M{path} Z" fill="{colour}"'
    if symbol in ("circle-open", "circle"):
        # Open is white inside: the grid line does not cross it, and it can still be hovered.
        inside = colour if symbol == "circle" else "#ffffff"
        circle = f'cx="{number(x)}" cy="{number(y)}" r="{number(r)}" fill="{inside}"'
        return "circle", f'{circle} stroke="{colour}" stroke-width="2"'
    raise ValueError(f"unsupported marker symbol {symbol!r}")


def _markers(spec: dict[str, Any], frame: Frame) -> Iterator[str]:
    """Every scatter marker inside the window, with its hover text as a title."""
    for trace in spec["data"]:
        if trace.get("type") != "scatter":
            continue
        marker = trace.get("marker") or {}
        colour = xml(str(marker.get("color") or TEXT))
        custom = trace.get("customdata") or []
        for i, (x, y) in enumerate(zip(trace.get("x") or [], trace.get("y") or [], strict=True)):
            if not frame.shows(day(x)):
                continue
            row = str(y)
            title = hover_text(trace.get("hovertemplate"), custom[i] if custom else None, row, x)
            size = float(marker.get("size") or 6)
            tag, shape = _symbol(
                str(marker.get("symbol") or "circle"), frame.x(day(x)), frame.y(row), size, colour
            )
            yield (
                f'<{tag} class="est-marker est-{xml(_kind(trace))}" data-row="{frame.rows[row]}" '
                f"{shape}>"
                f"<title>{xml(title)}</title></{tag}>"
            )


def _row_labels(frame: Frame, room: float) -> Iterator[str]:
    """The row labels, right-aligned left of the plot; a cut label keeps its whole text.

    Labels, bars and markers carry their row's number (``data-row``, 0 at the top).
    """
    for row in frame.rows:
        label = plain(row)
        shown = fit(label, room)
        text = (
            f'<text x="{number(frame.left - 8)}" y="{number(frame.y(row))}" text-anchor="end" '
            f'dominant-baseline="central" fill="{TEXT}">{xml(shown)}</text>'
        )
        whole = "" if shown == label else f"<title>{xml(label)}</title>"
        yield f'<g class="est-row-label" data-row="{frame.rows[row]}">{whole}{text}</g>'


def _today(spec: dict[str, Any], frame: Frame) -> Iterator[str]:
    """The figure's vertical line shapes (the today line) and the annotations above the plot."""
    top, bottom = number(frame.top), number(frame.bottom)
    for shape in spec["layout"].get("shapes") or []:
        if shape.get("type") != "line" or shape.get("x0") != shape.get("x1"):
            continue
        if not frame.shows(day(shape["x0"])):
            continue
        line = shape.get("line") or {}
        dash = DASHES.get(str(line.get("dash")))
        x = number(frame.x(day(shape["x0"])))
        yield (
            f'<line class="est-today" x1="{x}" x2="{x}" y1="{top}" y2="{bottom}" '
            f'stroke="{xml(str(line.get("color") or TEXT))}" '
            f'stroke-width="{number(float(line.get("width") or 2))}"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + "/>"
        )
    for note in spec["layout"].get("annotations") or []:
        if not frame.shows(day(note["x"])):
            continue
        colour = xml(str((note.get("font") or {}).get("color") or TEXT))
        yield (
            f'<text class="est-today-label" x="{number(frame.x(day(note["x"])))}" '
            f'y="{number(frame.top - 6)}" text-anchor="middle" fill="{colour}">'
            f"{xml(plain(note.get('text', '')))}</text>"
        )


def _swatch(trace: dict[str, Any], fill: str | None, x: float, y: float) -> str:
    """A legend key: a hatched or solid bar (a thinner solid one, as drawn), or the marker."""
    if trace.get("type") == "scatter":
        marker = trace.get("marker") or {}
        colour = xml(str(marker.get("color") or TEXT))
        tag, shape = _symbol(str(marker.get("symbol") or "circle"), x + 12, y, 10, colour)
        return f"<{tag} {shape}/>"
    height = 14 if fill else 7
    return (
        f'<rect x="{number(x)}" y="{number(y - height / 2)}" width="24" height="{height}" '
        f"{_bar_style(trace, fill)}/>"
    )


def _legend(spec: dict[str, Any], fills: dict[int, str], left: float, top: float) -> list[str]:
    """The legend right of the plot: its title, then one key per trace, groups apart."""
    title = plain(((spec["layout"].get("legend") or {}).get("title") or {}).get("text") or "")
    parts = ['<g class="est-legend">']
    y = top + 4
    if title:
        parts.append(
            f'<text x="{number(left)}" y="{number(y)}" dominant-baseline="central" '
            f'font-weight="bold" fill="{TEXT}">'
            f"{xml(title)}</text>"
        )
        y += LEGEND_ROW + 2
    group = None
    for index, trace in enumerate(spec["data"]):
        if group is not None and trace.get("legendgroup") != group:
            y += 6
        group = trace.get("legendgroup")
        name = fit(plain(trace.get("name") or ""), WIDTH - left - 40)
        parts.append(
            f'<g class="est-legend-item" data-kind="{xml(_kind(trace))}">'
            f"{_swatch(trace, fills.get(index), left, y)}"
            f'<text x="{number(left + 32)}" y="{number(y)}" dominant-baseline="central" '
            f'fill="{TEXT}">{xml(name)}</text>'
            "</g>"
        )
        y += LEGEND_ROW
    parts.append("</g>")
    return parts


def _legend_height(spec: dict[str, Any]) -> float:
    groups = len({trace.get("legendgroup") for trace in spec["data"]})
    return 30 + LEGEND_ROW * len(spec["data"]) + 6 * groups


def _summary(spec: dict[str, Any], window: tuple[float, float] | None, lang: str) -> str:
    """The chart's title for screen readers: how many dialogues, which stretch of time."""
    without = {str(y) for t in spec["data"] if _kind(t) == "no_dialogue" for y in t.get("y") or []}
    count = len([row for row in _categories(spec) if row not in without])
    text = i18n.translate_count("timeline.svg_title", lang, count)
    if window:
        start, end = (formatting.date(date_of(days), lang) for days in window)
        text += i18n.translate("timeline.svg_period", lang, start=start, end=end)
    return text


def _description(spec: dict[str, Any], lang: str) -> str:
    """What the marks mean, and the date of each vertical line with its label."""
    text = i18n.translate("timeline.svg_desc", lang)
    layout = spec["layout"]
    for shape, note in zip(
        layout.get("shapes") or [], layout.get("annotations") or [], strict=False
    ):
        when = formatting.date(date_of(day(shape["x0"])), lang)
        marker = plain(note.get("text", ""))
        text += " " + i18n.translate("timeline.svg_line", lang, date=when, marker=marker)
    return text


def _period(window: tuple[float, float] | None) -> str:
    """The window as ISO dates on the root (for tests and tools that read the SVG)."""
    if window is None:
        return ""
    return f' data-start="{date_of(window[0])}" data-end="{date_of(window[1])}"'


def _prefix(spec: dict[str, Any], given: str | None) -> str:
    """A valid id prefix: the given one, or a short hash of the figure (unique per content)."""
    if given:
        cleaned = _NOT_ID.sub("-", given)
        return cleaned if cleaned[0].isalpha() else f"t{cleaned}"
    return "est-" + hashlib.blake2s(repr(spec).encode(), digest_size=4).hexdigest()


def render(figure: go.Figure, lang: str, *, prefix: str | None = None) -> str:
    """``figure`` (from charts.timeline) as one self-contained ``<svg>`` string, no blank line.

    ``prefix`` starts every id in the SVG (default: a hash of the figure), so that two
    timelines on one page keep their own hatch patterns.
    """
    spec = figure.to_dict()
    spec["data"] = [t for t in spec["data"] if t.get("visible", True) is not False]
    _check(spec)
    layout = spec["layout"]
    ids = _prefix(spec, prefix)
    margin = {**DEFAULT_MARGIN, **(layout.get("margin") or {})}
    rows = _categories(spec)
    label_room = min(LABEL_MAX, max((width(plain(row)) for row in rows), default=0))
    names = [plain(t.get("name") or "") for t in spec["data"]]
    legend_room = min(LEGEND_MAX, 48 + max((width(n) for n in names), default=0)) if names else 0
    height = max(float(layout.get("height") or DEFAULT_HEIGHT), margin["t"] + _legend_height(spec))
    window = _window(spec)
    frame = Frame(
        left=margin["l"] + label_room + 10,
        right=WIDTH - margin["r"] - legend_room,
        top=margin["t"],
        bottom=height - margin["b"] - AXIS_HEIGHT,
        start=window[0] if window else 0.0,
        end=window[1] if window else 1.0,
        rows={row: i for i, row in enumerate(rows)},
    )
    defs, fills = _patterns(spec, ids)
    # The opening tag alone on the first line: that starts a raw HTML block in Markdown.
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="est-timeline" role="img" '
        f'aria-labelledby="{ids}-title {ids}-desc" viewBox="0 0 {WIDTH} {number(height)}" '
        f'width="100%" font-family="{FONT_FAMILY}" font-size="{FONT}"{_period(window)}>',
        f'<title id="{ids}-title">{xml(_summary(spec, window, lang))}</title>',
        f'<desc id="{ids}-desc">{xml(_description(spec, lang))}</desc>',
        f"<defs>{''.join(defs)}</defs>" if defs else "",
        f'<rect class="est-background" width="{WIDTH}" height="{number(height)}" fill="#ffffff"/>',
    ]
    if window:
        parts += grid(frame, lang)
    parts += _row_labels(frame, label_room)
    if window:
        parts += [*_bars(spec, frame, fills), *_markers(spec, frame), *_today(spec, frame)]
    if names:
        parts += _legend(spec, fills, frame.right + 16, frame.top)
    parts.append("</svg>")
    return "\n".join(part for part in parts if part)
