"""AppTest of the calendar link on the timeline: the address of /agenda.ics for the choice."""

from __future__ import annotations

import pytest

from estafette import db, seed
from estafette.accounts import Actor
from tests.uihelpers import app_as, prepare

TIMELINE = "pages/timeline.py"
KEY = "estafette.timeline.calendar"


@pytest.fixture
def actors(sqlite_url: str) -> dict[str, Actor]:
    """Seed, accounts and the demo planning on ``sqlite_url``."""
    prepared = prepare(sqlite_url)
    engine = db.make_engine(sqlite_url)
    seed.add_demo(engine)
    engine.dispose()
    return prepared


def test_the_link_follows_the_city_choice(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str, actors: dict[str, Actor]
) -> None:
    at = app_as(monkeypatch, sqlite_url, None, TIMELINE, ESTAFETTE_ANONYMOUS_READ="1")
    assert not at.exception
    link = at.link_button(key=KEY)
    assert link.proto.label == "Agenda (.ics) downloaden"
    assert link.proto.url == "/agenda.ics?lang=nl"
    # Reading is public, so the address also works as a subscription in a calendar app.
    assert "abonnement" in link.proto.help
    box = at.selectbox(key=f"{KEY}.city")
    assert box.options[0] == "Alle steden"
    box.set_value("Utrecht").run()
    assert not at.exception
    assert at.link_button(key=KEY).proto.url == "/agenda.ics?stad=Utrecht&lang=nl"
    assert not at.get("download_button")


def test_in_english_for_signed_in_readers_only(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str, actors: dict[str, Actor]
) -> None:
    at = app_as(
        monkeypatch, sqlite_url, actors["trainer"], TIMELINE, "en", ESTAFETTE_ANONYMOUS_READ="0"
    )
    assert not at.exception
    link = at.link_button(key=KEY)
    assert link.proto.label == "Download calendar (.ics)"
    assert link.proto.url == "/agenda.ics?lang=en"
    # The route then wants a session cookie, which a calendar app does not send.
    assert link.proto.help == "The planned phase dates as a calendar file, for example for Outlook."
