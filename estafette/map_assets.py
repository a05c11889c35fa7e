"""The map's own assets, served from the app (./static is /app/static/): no CDN at run time.

``install`` copies the vendored Leaflet, markercluster and jQuery files once, into a folder named
after their versions; ``outline_url`` writes the CBS outline once per process, under a content
hash. Both addresses change whenever their content can, so the app serves them for the browser
to keep (web.headers: a year, immutable): a returning visitor's map loads no asset again, and
an upgraded Leaflet arrives under a new address. The Docker image runs ``install`` at build
time, so the code directory can be mounted read-only.
"""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path

import xstatic.pkg.jquery
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster

from estafette.map_outline import outline_document
from estafette.maps import DEFAULT_ASSET_BASE
from estafette.settings import PROJECT_ROOT

VENDOR_DIR = PROJECT_ROOT / "static" / "vendor"
OUTLINE_DIR = PROJECT_ROOT / "static" / "outline"
OUTLINE_BASE = "/app/static/outline"
# The vendored files' folder: the three packages' versions ("1.9.3-1.4.1-3.7.1").
VERSIONS = "-".join(
    (
        xstatic.pkg.leaflet.VERSION,
        xstatic.pkg.leaflet_markercluster.VERSION,
        xstatic.pkg.jquery.VERSION,
    )
)
VENDOR_BASE = f"{DEFAULT_ASSET_BASE}/{VERSIONS}"
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


def install(target: Path = VENDOR_DIR / VERSIONS) -> Path:
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


def _write_once(destination: Path, body: bytes) -> None:
    """Write ``body`` unless the file is there already (names are content hashes)."""
    if destination.exists() and destination.stat().st_size == len(body):
        return
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + f".{os.getpid()}.part")
    partial.write_bytes(body)
    partial.replace(destination)


@functools.cache
def outline_url(target: Path = OUTLINE_DIR) -> str:
    """Write the outline file once per process; its URL (the browser caches it across visits)."""
    name, body = outline_document()
    _write_once(target / name, body)
    return f"{OUTLINE_BASE}/{name}"


@functools.cache
def ensure() -> str:
    """Install the assets once per process; returns the URL base the map uses."""
    install()
    return VENDOR_BASE
