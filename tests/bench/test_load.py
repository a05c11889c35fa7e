"""The load benchmark's simulated people: page views and a city lead's save over the protocol."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bench import load
from estafette.models import PhaseRecord
from tests.factories import seeded_engine


def test_a_lead_saves_through_the_status_page_and_the_overview_is_viewed(
    sqlite_url: str, tmp_path: Path
) -> None:
    seeded_engine(sqlite_url).dispose()
    (lead,) = load.make_leads(sqlite_url, 1)
    server = load.start_streamlit(load.PROJECT_ROOT / "server.py", sqlite_url, tmp_path, "app")
    try:
        saved = asyncio.run(load.status_save(server.base, lead))
        viewed = asyncio.run(load.page_view(server.base, "overzicht"))
    finally:
        load.stop(server.process)
    assert saved > 0 and viewed > 0
    # The page's own form saved it, as the lead: the note and its history entry are there.
    assert load.committed_saves(sqlite_url) == 1
    engine = seeded_engine(sqlite_url)
    try:
        with Session(engine) as session:
            notes = session.scalars(
                select(PhaseRecord.note).where(PhaseRecord.dialogue_id == lead.dialogue_id)
            ).all()
    finally:
        engine.dispose()
    assert any(note.startswith("Bench ") for note in notes)


def test_a_lead_without_the_form_on_the_page_stops_the_bench(
    sqlite_url: str, tmp_path: Path
) -> None:
    seeded_engine(sqlite_url).dispose()
    (lead,) = load.make_leads(sqlite_url, 1)
    signed_out = load.Lead("not-a-session", lead.dialogue_id)
    server = load.start_streamlit(load.PROJECT_ROOT / "server.py", sqlite_url, tmp_path, "app")
    try:
        with pytest.raises(load.LoadError, match="status form is not on the page"):
            asyncio.run(load.status_save(server.base, signed_out))
    finally:
        load.stop(server.process)
    assert load.committed_saves(sqlite_url) == 0


def test_a_map_view_fetches_its_document_once_per_address(sqlite_url: str, tmp_path: Path) -> None:
    seeded_engine(sqlite_url).dispose()
    server = load.start_streamlit(load.PROJECT_ROOT / "server.py", sqlite_url, tmp_path, "app")
    cache: set[str] = set()
    try:
        asyncio.run(load.page_view(server.base, "kaart", cache))
        asyncio.run(load.page_view(server.base, "kaart", cache))
    finally:
        load.stop(server.process)
    # The page framed the map at one address (view and data version): fetched, then kept.
    assert len(cache) == 1
    (address,) = cache
    assert address.startswith("/kaart.html?") and "&v=" in address
