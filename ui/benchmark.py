"""The AppTest harness of ``python -m estafette bench`` (Streamlit glue, so it lives in ui/)."""

from __future__ import annotations

import logging
import os
import time

import streamlit as st
from streamlit.testing.v1 import AppTest

from estafette.bench import PAGES, Timing
from estafette.settings import PROJECT_ROOT


def _quiet() -> None:
    # AppTest outside a server warns on every cache call; the table is what matters.
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)


def measure(url: str, dataset: str, reruns: int) -> list[Timing]:
    """Time every page with AppTest: a cold first run (caches cleared), then warm reruns."""
    os.environ["ESTAFETTE_DATABASE_URL"] = url
    timings = []
    for name, target in PAGES.items():
        page, _, query = target.partition("?")
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
        for key, value in (part.split("=", 1) for part in query.split("&") if part):
            at.query_params[key] = value
        at.run()
        _quiet()
        # The engine (a cached resource) survives; page data must be loaded from scratch.
        st.cache_data.clear()
        started = time.perf_counter()
        at.switch_page(page).run()
        first = (time.perf_counter() - started) * 1000
        if at.exception:
            raise RuntimeError(f"{page} failed on {dataset}: {at.exception[0].message}")
        samples = []
        for _ in range(reruns):
            started = time.perf_counter()
            at.run()
            samples.append((time.perf_counter() - started) * 1000)
        timings.append(Timing(dataset, name, first, samples))
    return timings
