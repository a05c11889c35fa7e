"""The coordinator's pages in headless Chromium with no internet: map, timeline, escaping.

Escaping: one city holds a script payload (``SCRIPT``) and one a Markdown payload (``LINK``)
in its name, its dialogue's neighbourhood and theme, and a note; neither may run or render.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
from playwright.sync_api import Frame, Page, expect
from sqlalchemy.orm import Session

from estafette import accounts, db, lessons, map_assets, seed
from estafette.models import Role
from tests.browser.signin import sign_in
from tests.browser.streamlit_page import goto, map_document, open_expander, rerun
from tests.factories import change, make_city, make_dialogue, phase
from tests.hostile import LINK, SCRIPT
from tests.uihelpers import PASSWORD

pytestmark = pytest.mark.browser

XSS = SCRIPT
# Tiles are the one thing allowed off the machine (and fail quietly without internet).
TILE_HOSTS = {"service.pdok.nl", "tile.openstreetmap.org"}
LOCAL_SCHEMES = {"data", "blob", "about", "chrome-extension"}


def _foreign(urls: list[str]) -> list[str]:
    out = []
    for url in urls:
        parsed = urlparse(url)
        if parsed.scheme in LOCAL_SCHEMES:
            continue
        if parsed.hostname in {"127.0.0.1", *TILE_HOSTS}:
            continue
        out.append(url)
    return out


def _open(page: Page, url: str) -> None:
    """Go to a page; close Streamlit's sporadic "Page not found" notice on deep links."""
    goto(page, url)
    # The notice comes with the first run: once that has settled, it is there or it is not.
    notice = page.get_by_role("dialog").filter(has_text="Page not found")
    if notice.count():
        page.keyboard.press("Escape")
        expect(notice).to_have_count(0)


def _map_frame(page: Page) -> Frame:
    return map_document(page)


def test_map_and_timeline_work_offline(server, page: Page, tmp_path: Path) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    _open(page, f"{server.url}/kaart")
    frame = _map_frame(page)
    markers = frame.locator("path.estafette-marker")
    markers.first.wait_for(timeout=30_000)
    assert markers.count() == 3
    legend = frame.locator(".estafette-legend")
    assert legend.is_visible()
    assert "Verkennen" in legend.inner_text()
    assert frame.locator("path.leaflet-interactive").count() >= 4  # markers + relay line
    page.screenshot(path=str(tmp_path / "map.png"), full_page=True)

    _open(page, f"{server.url}/tijdlijn")
    bars = page.locator("svg.est-timeline rect.est-bar")
    bars.first.wait_for(timeout=30_000)
    assert bars.count() >= 3  # one actual Verkennen bar per seeded leg
    page.screenshot(path=str(tmp_path / "timeline.png"), full_page=True)

    leaflet = f"{map_assets.VENDOR_BASE}/leaflet/leaflet.js"
    assert any(url.endswith(leaflet) for url in requests), requests
    assert _foreign(requests) == [], _foreign(requests)


def _xss_database(url: str) -> int:
    """The seeded relay with a city full of ``XSS`` and one full of ``LINK``; LINK's dialogue.

    The LINK city also has a city lead and a lesson named ``LINK``, and a coordinator
    (coord@example.nl) to sign in with.
    """
    engine = db.make_engine(url)
    db.upgrade(engine)
    seed.seed(engine)
    with Session(engine) as session:
        for payload, latitude in ((XSS, 52.5), (LINK, 51.8)):
            # The LINK city's province and question too (the map's popup counts XSS thrice).
            more = {"province": LINK} if payload == LINK else {}
            city = make_city(session, payload, latitude=latitude, longitude=5.5, **more)
            question = {"central_question": LINK} if payload == LINK else {}
            dialogue = make_dialogue(
                session, city, neighbourhood=payload, theme=payload, **question
            )
            change(
                session,
                phase(dialogue, 1),
                dt.datetime(2025, 1, 6, 10),
                "Lead" if payload == XSS else LINK,
                status="bezig",
                actual_start=dt.date(2025, 1, 6),
                planned_start=dt.date(2025, 1, 6),
                planned_end=dt.date(2025, 3, 1),
                note=payload,
            )
        coordinator = accounts.bootstrap_coordinator(
            session, email="coord@example.nl", password=PASSWORD, name="Coördinator"
        )
        accounts.add_user(
            session,
            coordinator,
            email="lead@evil.example",
            role=Role.CITY_LEAD,
            password=PASSWORD,
            name=LINK,
            city_ids=[city.id],
        )
        lesson = lessons.LessonInput(
            title=LINK,
            phase_code="verkennen",
            dialogue_id=dialogue.id,
            situation=LINK,
            what_worked=LINK,
            quotes=[(LINK, True)],
            consent_basis="mondeling",
        )
        lessons.propose(session, coordinator, lesson)
        session.commit()
        link_dialogue = dialogue.id
    engine.dispose()
    return link_dialogue


def test_script_in_user_text_runs_nowhere(server_factory, page: Page, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'xss.db'}"
    _xss_database(url)
    server = server_factory(url)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    _open(page, server.url)
    # The overview card shows the neighbourhood as text on its own line.
    page.get_by_text(XSS, exact=True).first.wait_for(timeout=30_000)
    assert XSS in page.inner_text("body")

    _open(page, f"{server.url}/kaart")
    frame = _map_frame(page)
    markers = frame.locator("path.estafette-marker")
    markers.first.wait_for(timeout=30_000)
    assert markers.count() == 5  # the seeded three, the XSS city and the LINK city
    for index in range(markers.count()):
        marker = markers.nth(index)
        marker.hover(force=True)
        # Leaflet names the hovered marker's open tooltip in its aria-describedby.
        expect(marker).to_have_attribute("aria-describedby", re.compile(r"\S"))
        tooltip = frame.locator("#" + marker.get_attribute("aria-describedby"))
        expect(tooltip).to_be_attached()
        if XSS in tooltip.inner_text():
            assert tooltip.inner_text().count(XSS) == 3
            # The click selects the dialogue: the map's fragment reruns.
            rerun(page, lambda marker=marker: marker.click(force=True))
            break
    popup = frame.locator(".leaflet-popup-content", has_text=XSS)
    popup.wait_for(timeout=10_000)
    assert popup.inner_text().count(XSS) == 3  # city, neighbourhood and theme
    # The click selects the dialogue: its history (with the note) appears beside the map.
    page.get_by_test_id("stDataFrame").first.wait_for(timeout=30_000)
    chosen = page.get_by_test_id("stSelectbox").get_by_role("combobox")
    assert chosen.input_value() == f"{XSS} · {XSS}"
    page.screenshot(path=str(tmp_path / "map-xss.png"), full_page=True)

    _open(page, f"{server.url}/tijdlijn")
    chart = page.locator("svg.est-timeline")
    bars = chart.locator("rect.est-bar")
    bars.first.wait_for(timeout=30_000)
    # The row label shows the city and neighbourhood as text (a long one cut, whole in its
    # title).
    labels = chart.locator("g.est-row-label").evaluate_all(
        "gs => gs.map(g => (g.querySelector('title') || g.querySelector('text')).textContent)"
    )
    assert any(label.endswith(f" · {XSS} · {XSS}") for label in labels), labels
    # The note travels in the hover: the bar's title, plain text, exactly as typed (with the
    # city and neighbourhood in its row line).
    titles = bars.evaluate_all("rects => rects.map(r => r.querySelector('title').textContent)")
    (hover,) = [title for title in titles if title.endswith(f"\n{XSS}")]
    assert hover.count(XSS) == 3
    # No page or frame holds the markup as an element, so nothing could have run it.
    for frame in page.frames:
        assert frame.locator("img[src='x']").count() == 0, frame.url
    assert dialogs == []


# What the page made of LINK (in any frame): a link to evil.example or a javascript:/data:
# address, its "vet" in bold or italics, its "rood" in colour. Our own links (the Stad page
# with the name in its address) and our own bold (a card's city name) are not counted.
MARKUP_FROM_TEXT = """() => {
  const found = [];
  const docs = [document];
  for (const frame of document.querySelectorAll('iframe')) {
    try { if (frame.contentDocument) docs.push(frame.contentDocument); } catch (e) {}
  }
  for (const doc of docs) {
    for (const a of doc.querySelectorAll('a[href]')) {
      let url;
      try { url = new URL(a.getAttribute('href'), doc.baseURI); } catch (e) { continue; }
      const foreign = url.hostname.endsWith('evil.example');
      if (foreign || ['javascript:', 'data:'].includes(url.protocol)) {
        found.push('link ' + a.getAttribute('href'));
      }
    }
    for (const e of doc.querySelectorAll('strong, b, em, i')) {
      if (e.textContent.trim() === 'vet') found.push(e.tagName + ' vet');
    }
    for (const e of doc.querySelectorAll('[style*="color"]')) {
      if (e.textContent.trim() === 'rood') found.push('colour rood');
    }
  }
  return found;
}"""
# The page's text as a person reads it: the word joiners of ui.format.safe are invisible.
SHOWS = "text => document.body.innerText.replaceAll('\\u2060', '').includes(text)"


def _shows_as_typed(page: Page, times: int = 1) -> None:
    """The page shows LINK as typed (at least ``times`` times), and nothing made of it."""
    page.wait_for_function(SHOWS, arg=LINK, timeout=30_000)
    text = page.evaluate("() => document.body.innerText.replaceAll('\\u2060', '')")
    assert text.count(LINK) >= times, text
    assert page.evaluate(MARKUP_FROM_TEXT) == []


def _open_table(page: Page, title: str) -> None:
    open_expander(page, page.get_by_test_id("stExpander").filter(has_text=title), lazy=True)


def test_markdown_in_user_text_stays_text(server_factory, page: Page, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'markdown.db'}"
    dialogue = _xss_database(url)
    server = server_factory(url)

    # Overzicht: the card (city and neighbourhood), the city link, alerts and matrix tables.
    _open(page, server.url)
    _shows_as_typed(page, times=4)
    page.screenshot(path=str(tmp_path / "overview-markdown.png"), full_page=True)

    # Kaart and Tijdlijn: their text alternatives.
    _open(page, f"{server.url}/kaart")
    map_document(page)
    _open_table(page, "De kaart als tabel")
    _shows_as_typed(page, times=2)
    _open(page, f"{server.url}/tijdlijn")
    _open_table(page, "De tijdlijn als tabel")
    _shows_as_typed(page, times=2)

    # Signed in: Stad (the city, its dialogue, lead and lesson) and Fase bijwerken.
    sign_in(page, server.url, "coord@example.nl")
    _open(page, f"{server.url}/stad?stad={quote(LINK)}")
    _shows_as_typed(page, times=4)  # title, province, lead, dialogue card and theme
    _open(page, f"{server.url}/stad?dialoog={dialogue}")
    _shows_as_typed(page, times=4)  # title, theme, question, back link, lesson
    page.screenshot(path=str(tmp_path / "dialogue-markdown.png"), full_page=True)
    _open(page, f"{server.url}/fase-bijwerken?dialoog={dialogue}")
    _shows_as_typed(page)  # who changed it last
