"""Bundled outlines of the Netherlands: TopoJSON decoding and plane geometry (no dependencies)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from estafette.settings import DATA_DIR

GEO_DIR = DATA_DIR / "geo"
_YEAR_FILE = re.compile(r"^(?P<kind>[a-z]+)_(?P<year>\d{4})\.topojson$")

Ring = list[tuple[float, float]]  # (longitude, latitude) pairs, closed
Polygon = list[Ring]  # outer ring first, then holes


def years(kind: str, directory: Path = GEO_DIR) -> list[int]:
    """The years for which an outline of ``kind`` (gemeente/provincie) is bundled, oldest first."""
    found = []
    for path in directory.glob(f"{kind}_*.topojson"):
        match = _YEAR_FILE.match(path.name)
        if match and match["kind"] == kind:
            found.append(int(match["year"]))
    return sorted(found)


def outline_path(kind: str, year: int | None = None, directory: Path = GEO_DIR) -> Path:
    """The TopoJSON file of ``kind`` for ``year`` (default: the newest bundled year)."""
    available = years(kind, directory)
    if not available:
        raise FileNotFoundError(f"no {kind}_YYYY.topojson in {directory}")
    return directory / f"{kind}_{year or available[-1]}.topojson"


def _decode_arcs(topology: dict[str, Any]) -> list[Ring]:
    """Absolute coordinates of every (delta-encoded, quantized) arc."""
    transform = topology.get("transform")
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        x = y = 0.0
        points: Ring = []
        for dx, dy in arc:
            if transform:
                x, y = x + dx, y + dy
                sx, sy = transform["scale"]
                tx, ty = transform["translate"]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((float(dx), float(dy)))
        arcs.append(points)
    return arcs


def _ring(arcs: list[Ring], indices: Sequence[int]) -> Ring:
    points: Ring = []
    for index in indices:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        # Consecutive arcs share their end point; keep it once.
        points.extend(arc if not points else arc[1:])
    return points


def features(path: Path) -> list[dict[str, Any]]:
    """The GeoJSON features (Polygon/MultiPolygon, with properties) of a TopoJSON file."""
    return [dict(f) for f in _features(path)]


@cache
def _features(path: Path) -> tuple[dict[str, Any], ...]:
    topology = json.loads(path.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    out = []
    for obj in topology["objects"].values():
        for geometry in obj["geometries"]:
            if geometry["type"] == "Polygon":
                coords: Any = [_ring(arcs, r) for r in geometry["arcs"]]
            elif geometry["type"] == "MultiPolygon":
                coords = [[_ring(arcs, r) for r in poly] for poly in geometry["arcs"]]
            else:
                continue
            out.append(
                {
                    "type": "Feature",
                    "id": geometry.get("id"),
                    "properties": dict(geometry.get("properties", {})),
                    "geometry": {"type": geometry["type"], "coordinates": coords},
                }
            )
    return tuple(out)


def polygons(geometry: dict[str, Any]) -> list[Polygon]:
    """The polygons of a GeoJSON Polygon or MultiPolygon geometry."""
    coords = geometry["coordinates"]
    return [coords] if geometry["type"] == "Polygon" else list(coords)


def _ring_area_and_moment(ring: Ring) -> tuple[float, float, float]:
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return area / 2, cx / 6, cy / 6


def centroid(geometry: dict[str, Any]) -> tuple[float, float]:
    """The area-weighted centroid (longitude, latitude) of a (Multi)Polygon, holes subtracted."""
    total = mx = my = 0.0
    for polygon in polygons(geometry):
        for position, ring in enumerate(polygon):
            area, cx, cy = _ring_area_and_moment(ring)
            # Outer rings add area and holes take it away, whatever their winding order.
            sign = 1.0 if position == 0 else -1.0
            flip = 1.0 if area >= 0 else -1.0
            total += sign * abs(area)
            mx += sign * flip * cx
            my += sign * flip * cy
    if total == 0:
        raise ValueError("geometry without area")
    return mx / total, my / total


def _inside_ring(x: float, y: float, ring: Ring) -> bool:
    inside = False
    for (x0, y0), (x1, y1) in pairwise(ring):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def contains(geometry: dict[str, Any], longitude: float, latitude: float) -> bool:
    """Whether the point lies inside the (Multi)Polygon (and not in one of its holes)."""
    for polygon in polygons(geometry):
        if _inside_ring(longitude, latitude, polygon[0]) and not any(
            _inside_ring(longitude, latitude, hole) for hole in polygon[1:]
        ):
            return True
    return False


def _scanline(geometry: dict[str, Any], latitude: float) -> tuple[float, float] | None:
    """The middle of the widest inside stretch of the geometry along ``latitude``."""
    crossings: list[float] = []
    for polygon in polygons(geometry):
        for ring in polygon:
            for (x0, y0), (x1, y1) in pairwise(ring):
                if (y0 > latitude) != (y1 > latitude):
                    crossings.append(x0 + (latitude - y0) * (x1 - x0) / (y1 - y0))
    crossings.sort()
    stretches = list(zip(crossings[::2], crossings[1::2], strict=False))
    if not stretches:
        return None
    left, right = max(stretches, key=lambda s: s[1] - s[0])
    return (left + right) / 2, latitude


def representative_point(geometry: dict[str, Any]) -> tuple[float, float]:
    """The centroid if it lies inside the geometry, else a point that surely does."""
    lon, lat = centroid(geometry)
    if contains(geometry, lon, lat):
        return lon, lat
    ys = [y for polygon in polygons(geometry) for _, y in polygon[0]]
    low, high = min(ys), max(ys)
    # Try the centroid's latitude first, then lines spread over the height of the shape.
    for latitude in [lat] + [low + (high - low) * k / 20 for k in range(1, 20)]:
        point = _scanline(geometry, latitude)
        if point and contains(geometry, *point):
            return point
    raise ValueError("no inside point found")
