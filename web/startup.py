"""Start-up: migrate and seed when the server starts, not on the first page view.

Runs under the database's start-up lock (``db.startup_lock``), so replicas starting together
migrate and seed once. A failure is logged and never stops the server: the pages then show
the clear storage message, and ``/healthz`` answers 503 until the database is fixed.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import pkgutil
from collections.abc import AsyncIterator
from typing import Any

from streamlit import config
from streamlit.runtime.scriptrunner.script_cache import ScriptCache

from estafette import db, seed
from estafette.logs import log_event
from estafette.settings import Settings


def prepare_database(url: str) -> None:
    """Migrate, prove writable and seed ``url`` (each step idempotent, under the lock)."""
    engine = db.make_engine(url)
    try:
        db.ping(engine)
        db.upgrade(engine)
        db.check_writable(engine)
        seeded = seed.seed(engine)
        log_event("database_ready", url=db.display_url(url), seeded_now=seeded)
    finally:
        engine.dispose()


# The libraries the pages use: imported before serving so that the first page view does not
# pay for them and so that they can be frozen out of the garbage collector's way. Not the UI
# modules: a Streamlit component (the map's) registers itself when imported, and before the
# runtime exists that registration is lost and the component's files answer 404.
LIBRARIES = ("pandas", "plotly.graph_objects", "folium", "babel.dates")
PACKAGES = ("estafette",)


def settle_heap() -> int:
    """Import the domain and its libraries, then freeze what they allocated; returns the count.

    Everything imported at start-up lives as long as the process. Frozen objects are skipped by
    every later collection, so the collector's periodic full sweeps walk only what page views
    allocate, not the hundreds of thousands of objects of pandas, plotly and SQLAlchemy.
    """
    for name in LIBRARIES:
        importlib.import_module(name)
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, package_name + "."):
            # Migrations and __main__ run something when imported; the app imports neither.
            if ".migrations" not in info.name and not info.name.endswith("__main__"):
                importlib.import_module(info.name)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


class KeptScriptCache(ScriptCache):
    """Streamlit's cache of compiled page scripts, kept while the source cannot change.

    Streamlit empties it whenever the last open browser session closes, so that a developer's
    edit is picked up; the next visitor then compiles app.py and the page again (py-spy: about
    a tenth of a page view's server time when people come one at a time, as a returning visitor
    reloading the page does). The served app runs without the source watcher
    (``server.fileWatcherType = "none"``), so its source never changes under a running process.
    With the watcher on (developing), it empties as Streamlit intends.
    """

    def clear(self) -> None:
        """Empty the cache, unless the source watcher is off."""
        if config.get_option("server.fileWatcherType") != "none":
            super().clear()


def keep_compiled_scripts() -> None:
    """Make the runtime Streamlit is about to create use ``KeptScriptCache``."""
    # The runtime builds its cache by this module-level name when the server starts, after
    # server.py has been imported (the same moment server.py settles the pages mode).
    import streamlit.runtime.runtime as runtime_module

    runtime_module.ScriptCache = KeptScriptCache  # type: ignore[misc]


@contextlib.asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """Prepare the database before serving (logged, never fatal); settle the heap."""
    url = Settings.from_env().database_url
    try:
        await asyncio.to_thread(prepare_database, url)
    except db.StorageError as exc:
        log_event("database_not_ready", url=db.display_url(url), code=exc.code)
    log_event("heap_settled", frozen_objects=settle_heap())
    yield
