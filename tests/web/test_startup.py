"""Safe start-up: processes starting together on an empty database migrate and seed once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from estafette import db
from estafette.models import AppMeta, City, Phase

ROOT = Path(__file__).resolve().parents[2]
SEED_DIR = ROOT / "data" / "seed"
PROCESSES = 4


def test_four_processes_starting_at_once_seed_exactly_once(db_url: str) -> None:
    env = {**os.environ, "ESTAFETTE_DATABASE_URL": db_url}
    # Each process does what a starting replica does: migrate, prove writable, seed.
    running = [
        subprocess.Popen(
            [sys.executable, "-m", "estafette", "seed"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    results = [(p.wait(timeout=180), *p.communicate()) for p in running]
    for code, _out, err in results:
        assert code == 0, err
    outputs = [out.strip() for _code, out, _err in results]
    assert outputs.count("de estafette is gevuld met de startgegevens") == 1, outputs
    assert outputs.count("de startgegevens staan er al; niets dubbel toegevoegd") == PROCESSES - 1

    relay = json.loads((SEED_DIR / "relay.json").read_text(encoding="utf-8"))
    phases = json.loads((SEED_DIR / "phases.json").read_text(encoding="utf-8"))
    engine = db.make_engine(db_url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Phase)) == len(phases)
        cities = session.scalar(select(func.count()).select_from(City))
        assert cities == len(relay["cities"])
        assert session.get(AppMeta, "seed_version") is not None
    engine.dispose()


def test_start_up_freezes_the_imported_modules_out_of_the_collector() -> None:
    import gc

    from web import startup

    try:
        frozen = startup.settle_heap()
        # Every page module is imported, and what they allocated is frozen: the collector's
        # full sweeps later walk only what page views allocate.
        assert "estafette.maps" in sys.modules and "folium" in sys.modules
        assert frozen > 100_000 and gc.get_freeze_count() > 100_000
    finally:
        gc.unfreeze()


def test_compiled_scripts_stay_when_the_source_cannot_change(tmp_path: Path) -> None:
    from streamlit import config

    from web import startup

    script = tmp_path / "page.py"
    script.write_text("x = 1\n", encoding="utf-8")
    cache = startup.KeptScriptCache()
    first = cache.get_bytecode(str(script))
    before = config.get_option("server.fileWatcherType")
    try:
        # Served: Streamlit empties the cache when the last visitor leaves; it stays.
        config.set_option("server.fileWatcherType", "none")
        cache.clear()
        assert cache.get_bytecode(str(script)) is first
        # Developing with the watcher on: an edit must be picked up, so it empties.
        config.set_option("server.fileWatcherType", "auto")
        cache.clear()
        assert cache.get_bytecode(str(script)) is not first
    finally:
        config.set_option("server.fileWatcherType", before)


def test_the_served_app_builds_its_runtime_with_the_kept_cache() -> None:
    import streamlit.runtime.runtime as runtime_module

    from web import startup

    original = runtime_module.ScriptCache
    try:
        startup.keep_compiled_scripts()
        assert runtime_module.ScriptCache is startup.KeptScriptCache
    finally:
        runtime_module.ScriptCache = original
    assert "startup.keep_compiled_scripts()" in (ROOT / "server.py").read_text(encoding="utf-8")
