"""Serve Leaflet, markercluster and jQuery from the app itself (./static is /app/static/)."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import xstatic.pkg.jquery
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster

from estafette.maps import DEFAULT_ASSET_BASE
from estafette.settings import PROJECT_ROOT

VENDOR_DIR = PROJECT_ROOT / "static" / "vendor"
# folder under static/vendor -> (installed xstatic data folder, files the map needs)
SOURCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "leaflet": (
        xstatic.pkg.leaflet.BASE_DIR,
        (
            "leaflet.js",
            "leaflet.css",
            "images/layers.png",
            "images/layers-2x.png",
            "images/marker-icon.png",
            "images/marker-icon-2x.png",
            "images/marker-shadow.png",
        ),
    ),
    "leaflet.markercluster": (
        xstatic.pkg.leaflet_markercluster.BASE_DIR,
        ("leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"),
    ),
    "jquery": (xstatic.pkg.jquery.BASE_DIR, ("jquery.min.js",)),
}


def install(target: Path = VENDOR_DIR) -> Path:
    """Copy the vendored files into ``target`` when missing or outdated (idempotent)."""
    for folder, (source_dir, files) in SOURCES.items():
        for name in files:
            source = Path(source_dir) / name
            destination = target / folder / name
            if destination.exists() and destination.stat().st_size == source.stat().st_size:
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            # Copy to a temporary name first, so a half-written file is never served.
            partial = destination.with_name(destination.name + ".part")
            shutil.copyfile(source, partial)
            partial.replace(destination)
    return target


@functools.cache
def ensure() -> str:
    """Install the assets once per process; returns the URL base the map uses."""
    install()
    return DEFAULT_ASSET_BASE
