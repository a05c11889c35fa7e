"""Kaart: the markers in view, and the map's own assets (Leaflet, markercluster, the outline).

Leaflet, markercluster and the CBS outline are served from the app (./static is /app/static/):
``install`` copies the vendored files once, ``outline_url`` writes the outline once per process.
"""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path

import pandas as pd
import xstatic.pkg.jquery
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster

from estafette import i18n, maps
from estafette.map_outline import outline_document
from estafette.maps import DEFAULT_ASSET_BASE
from estafette.settings import PROJECT_ROOT, Settings
from ui.core import cached
from ui.filters import View
from ui.history import in_view

# ---------------------------------------------------------------------------- loaders


@cached
def markers(url: str, view: View, lang: str) -> pd.DataFrame:
    """Marker spots, colours and escaped tooltips of the dialogues in view."""
    # Popup links to the Stad page leave the map's iframe: they need the app's own address.
    link_base = Settings.from_env().base_url or "/"
    return maps.marker_table(in_view(url, view), lang, view.date, link_base)


@cached
def marker_payload(url: str, view: View, lang: str) -> str:
    """The markers in view, encoded for the map script."""
    link_base = Settings.from_env().base_url or "/"
    return maps.marker_payload(markers(url, view, lang), lang, link_base)


@cached
def dialogue_labels(url: str, view: View, lang: str) -> dict[int, str]:
    """A readable name per dialogue in view ("Utrecht · Lombok"), in relay order."""
    shown = in_view(url, view)
    undecided = i18n.translate("overview.undecided", lang)
    hood = shown["neighbourhood"].where(shown["neighbourhood"] != "", undecided)
    names = shown["city"] + " · " + hood
    return dict(zip(shown["dialogue_id"].astype(int), names, strict=True))


# ---------------------------------------------------------------------------- assets

VENDOR_DIR = PROJECT_ROOT / "static" / "vendor"
OUTLINE_DIR = PROJECT_ROOT / "static" / "outline"
OUTLINE_BASE = "/app/static/outline"
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
    return DEFAULT_ASSET_BASE
