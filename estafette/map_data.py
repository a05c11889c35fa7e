"""The map's data: per dialogue its marker spot, phase colour, tooltip and popup (plain data).

Built once per data version and view (ui.maps caches it) and sent to the browser as
one JSON array, from which the map script draws every marker.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from urllib.parse import quote

import pandas as pd
from branca.element import Element

from estafette import formatting, i18n
from estafette.cities import status_key

# Okabe–Ito: distinguishable with every common form of colour blindness.
PHASE_COLOURS: dict[int, str] = {
    1: "#E69F00",
    2: "#56B4E9",
    3: "#009E73",
    4: "#CC79A7",
    5: "#0072B2",
}
UNKNOWN_COLOUR = "#999999"
MARKER_COLUMNS = ("dialogue_id", "lat", "lon", "phase", "colour", "tooltip", "extra")
# Dialogues sharing a spot are spread on a small ring (degrees) so each stays clickable.
SPREAD_RADIUS = 0.012


def phase_colour(position: int) -> str:
    """The marker colour of a phase position (1–5)."""
    return PHASE_COLOURS.get(int(position), UNKNOWN_COLOUR)


def marker_positions(summary: pd.DataFrame) -> pd.DataFrame:
    """Where each dialogue's marker goes: its location, spread on a ring when shared."""
    if summary.empty:
        return pd.DataFrame({"dialogue_id": [], "lat": [], "lon": []})
    spots = summary[["dialogue_id", "latitude", "longitude"]].reset_index(drop=True)
    key = spots["latitude"].round(5).astype(str) + "," + spots["longitude"].round(5).astype(str)
    index = spots.groupby(key).cumcount()
    count = key.map(key.value_counts())
    angle = 2 * math.pi * index / count
    shared = count > 1
    lat_scale = 1.0
    lon_scale = 1 / pd.Series(spots["latitude"]).map(lambda v: math.cos(math.radians(v)))
    spots["lat"] = spots["latitude"] + shared * SPREAD_RADIUS * lat_scale * angle.map(math.cos)
    spots["lon"] = spots["longitude"] + shared * SPREAD_RADIUS * lon_scale * angle.map(math.sin)
    return spots[["dialogue_id", "lat", "lon"]].reset_index(drop=True)


def _esc(values: pd.Series) -> pd.Series:
    return values.fillna("").astype(str).map(html.escape)


# The text of a tooltip and of a popup's extra lines, per dialogue. Only these short, escaped
# values travel per marker; the browser fills them into two templates (see templates()).
TEXT_COLUMNS = (
    "city", "hood", "theme", "phase_name", "status", "days", "last", "who", "leg_text", "city_q",
)  # fmt: skip


def templates(lang: str, link_base: str = "/") -> dict[str, list[str]]:
    """The tooltip and popup templates: literal HTML at even places, a text column at odd ones.

    Every literal is our own escaped translation; user text only ever fills a slot, already
    escaped (see texts), so filling is plain concatenation in Python and in the browser.
    """

    def tr(key: str, **values: object) -> str:
        return html.escape(i18n.translate(key, lang, **values))

    base = html.escape(link_base.rstrip("/") + "/")
    tooltip = ["<b>", "city", "</b> · ", "hood", f"<br>{tr('map.theme')}: ", "theme",
               f"<br>{tr('map.phase')}: <b>", "phase_name", "</b> (", "status", ") · ", "days",
               f"<br>{tr('map.last_update')}: ", "last", " · ", "who", ""]  # fmt: skip
    extra = ["<br>", "leg_text", f"<br><i>{tr('map.click_hint')}</i>"
             f'<br><a href="{base}stad?stad=', "city_q", f'" target="_top">{tr("city.link")}</a>'
             f' · <a href="{base}stad?dialoog=', "dialogue_id",
             f'" target="_top">{tr("city.open_dialogue")}</a>']  # fmt: skip
    return {"tooltip": tooltip, "extra": extra}


def fill(template: list[str], row: dict[str, object]) -> str:
    """A template filled with one marker's values (as the map script does in the browser)."""
    return "".join(part if i % 2 == 0 else str(row[part]) for i, part in enumerate(template))


def texts(summary: pd.DataFrame, lang: str, as_of: dt.date) -> pd.DataFrame:
    """The escaped text columns (TEXT_COLUMNS) of each dialogue's tooltip and popup."""

    def tr(key: str, **values: object) -> str:
        return html.escape(i18n.translate(key, lang, **values))

    status = summary["current_status"].map(
        lambda s: tr(status_key(s)) if s else "", na_action="ignore"
    )
    since = pd.to_datetime(summary["current_since"])
    days = (pd.Timestamp(as_of) - since.dt.normalize()).dt.days
    # Dates in the reader's language (Babel), as everywhere else in the app.
    updated = pd.to_datetime(summary["last_update"]).dt.normalize()
    names = {day: html.escape(formatting.date(day, lang)) for day in updated.dropna().unique()}
    return pd.DataFrame(
        {
            "city": _esc(summary["city"]),
            "hood": _esc(summary["neighbourhood"]).replace("", tr("overview.undecided")),
            "theme": _esc(summary["theme"]).replace("", tr("map.no_theme")),
            "phase_name": _esc(summary["current_phase"]),
            "status": status.fillna(""),
            "days": days.map(
                lambda d: (
                    tr("map.days_in_phase", days=int(d)) if pd.notna(d) else tr("map.days_unknown")
                )
            ),
            "last": updated.map(names).fillna("—"),
            "who": _esc(summary["last_update_by"]).replace("", "—"),
            "leg_text": summary["leg"].map(lambda leg: tr("overview.leg", leg=int(leg))),
            "city_q": summary["city"].map(lambda name: html.escape(quote(str(name)))),
        }
    )


def script_json(data: object) -> str:
    """``data`` as a JavaScript expression that is safe inside <script> and inside Jinja.

    The JSON travels as a string literal for JSON.parse in which "<", ">", "&", "{" and "}"
    are \\u-escaped: no "</script>" breakout, and folium's Jinja pass (it re-parses every
    rendered script as a template) never sees "{{" or "{%" coming from user text.
    """
    inner = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    literal = json.dumps(inner, ensure_ascii=False)
    for char in "<>&{}":
        literal = literal.replace(char, f"\\u{ord(char):04x}")
    return f"JSON.parse({literal})"


def marker_payload(markers: pd.DataFrame, lang: str = "nl", link_base: str = "/") -> str:
    """The markers as the JavaScript expression the map script embeds.

    Per marker its spot, colour and text values; the two templates once (at 1,000 markers a
    fifth of the size of sending every tooltip and popup as finished HTML).
    """
    columns = ["dialogue_id", "lat", "lon", "phase", "colour", *TEXT_COLUMNS]
    # Rows of values under one list of column names: no key repeated a thousand times.
    return script_json(
        {
            "templates": templates(lang, link_base),
            "columns": columns,
            "rows": markers[columns].to_numpy().tolist() if len(markers) else [],
        }
    )


def marker_table(
    summary: pd.DataFrame, lang: str, as_of: dt.date, link_base: str = "/"
) -> pd.DataFrame:
    """Per dialogue: marker spot, phase colour, text values, tooltip and popup (plain data)."""
    if summary.empty:
        return pd.DataFrame(columns=[*MARKER_COLUMNS, *TEXT_COLUMNS])
    summary = summary.reset_index(drop=True)
    positions = marker_positions(summary)
    table = pd.DataFrame(
        {
            "dialogue_id": summary["dialogue_id"].astype(int),
            "lat": positions["lat"].round(6),
            "lon": positions["lon"].round(6),
            "phase": summary["current_position"].astype(int),
            "colour": summary["current_position"].map(phase_colour),
        }
    )
    table = pd.concat([table, texts(summary, lang, as_of)], axis=1)
    shapes = templates(lang, link_base)
    rows = table.to_dict("records")
    table["tooltip"] = [fill(shapes["tooltip"], row) for row in rows]
    table["extra"] = [fill(shapes["extra"], row) for row in rows]
    return table


class RenderedScript(Element):
    """Already rendered JavaScript, added to the page as is.

    branca wraps every rendered script in a new Jinja template, which re-lexes the whole
    marker array (slow at 1,000 markers, and template syntax in user text would run).
    """

    def __init__(self, script: str) -> None:
        super().__init__()
        self.script = script

    def render(self, **kwargs: object) -> str:
        """The script itself."""
        return self.script
