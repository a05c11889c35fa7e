"""The official list of Dutch municipalities (CBS), bundled per year in data/gazetteer/.

Each ``gemeenten_YYYY.csv`` holds code, name, province and a point for every municipality on
1 January of that year; the newest file is used. ``build_rows`` makes next year's file from the
bundled CBS outlines (data/geo/), see data/gazetteer/README.md.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from estafette import geo
from estafette.settings import DATA_DIR

GAZETTEER_DIR = DATA_DIR / "gazetteer"
FIELDS = ("code", "name", "province", "latitude", "longitude")
_YEAR_FILE = re.compile(r"^gemeenten_(\d{4})\.csv$")
# CBS adds a short province mark to names used twice, e.g. "Bergen (NH.)", "Hengelo (O.)".
_SUFFIX = re.compile(r"\s*\([^)]*\)$")


@dataclass(frozen=True)
class Municipality:
    """One municipality of the official CBS list."""

    code: str
    name: str
    province: str
    latitude: float
    longitude: float


def fold(text: str) -> str:
    """``text`` without case, accents and surrounding space, for matching names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def years(directory: Path = GAZETTEER_DIR) -> list[int]:
    """The years for which a municipality list is bundled, oldest first."""
    return sorted(
        int(m[1]) for p in directory.glob("gemeenten_*.csv") if (m := _YEAR_FILE.match(p.name))
    )


def newest_year(directory: Path = GAZETTEER_DIR) -> int:
    """The year of the list in use (the newest bundled one)."""
    available = years(directory)
    if not available:
        raise FileNotFoundError(f"no gemeenten_YYYY.csv in {directory}")
    return available[-1]


@cache
def municipalities(
    year: int | None = None, directory: Path = GAZETTEER_DIR
) -> tuple[Municipality, ...]:
    """The municipalities of ``year`` (default: the newest bundled list), sorted by name."""
    path = directory / f"gemeenten_{year or newest_year(directory)}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            Municipality(
                code=row["code"],
                name=row["name"],
                province=row["province"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
            )
            for row in csv.DictReader(handle)
        ]
    return tuple(sorted(rows, key=lambda m: fold(m.name)))


@cache
def _aliases(directory: Path = GAZETTEER_DIR) -> dict[str, str]:
    """Everyday names of municipalities (Den Haag, Den Bosch, ...) → CBS code."""
    path = directory / "aliases.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {fold(row["alias"]): row["code"] for row in csv.DictReader(handle)}


def _names(m: Municipality) -> set[str]:
    return {fold(m.name), fold(_SUFFIX.sub("", m.name))}


def lookup(query: str, limit: int = 10) -> list[Municipality]:
    """Municipalities matching ``query``: exact names (and known aliases) first, then prefixes."""
    wanted = fold(query)
    if len(wanted) < 2:
        return []
    alias = _aliases().get(wanted)
    exact, prefix = [], []
    for m in municipalities():
        names = _names(m)
        if wanted in names or m.code == alias:
            exact.append(m)
        elif any(n.startswith(wanted) for n in names):
            prefix.append(m)
    return (exact + prefix)[:limit]


def find(name: str) -> Municipality | None:
    """The municipality called exactly ``name`` (ignoring case and accents), if it is unique."""
    wanted = fold(name)
    alias = _aliases().get(wanted)
    exact = [m for m in municipalities() if wanted in _names(m) or m.code == alias]
    # "Bergen" is two municipalities: without the province mark the name is not enough.
    return exact[0] if len(exact) == 1 else None


def build_rows(year: int, directory: Path = geo.GEO_DIR) -> list[dict[str, str]]:
    """The rows of ``gemeenten_<year>.csv`` computed from the CBS outlines of that year."""
    provinces = geo.features(geo.outline_path("provincie", year, directory))
    rows = []
    for feature in geo.features(geo.outline_path("gemeente", year, directory)):
        lon, lat = geo.representative_point(feature["geometry"])
        inside = [p for p in provinces if geo.contains(p["geometry"], lon, lat)]
        if len(inside) != 1:
            raise ValueError(f"{feature['properties']['statnaam']}: in {len(inside)} provinces")
        rows.append(
            {
                "code": feature["properties"]["statcode"],
                "name": feature["properties"]["statnaam"],
                "province": inside[0]["properties"]["statnaam"],
                "latitude": f"{lat:.5f}",
                "longitude": f"{lon:.5f}",
            }
        )
    return sorted(rows, key=lambda r: r["code"])


def write_csv(rows: list[dict[str, str]], path: Path) -> None:
    """Write gazetteer rows as UTF-8 CSV (the bundled format)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
