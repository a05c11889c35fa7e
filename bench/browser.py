"""``python -m estafette bench --browser``: what a person waits for, timed in Chromium.

The AppTest bench times a page inside the server process; a person waits for the browser.
This bench starts the app (server.py) and a bare one-line Streamlit page (bench/bare.py)
from the same environment and times, in Debian's headless Chromium through Playwright, the
time from navigation until each page's real content is drawn:

- bare page: its one line of text;
- De methode: its lists; Overzicht: its table rows;
- Kaart: the markers or clusters in the Leaflet panes of the map's frame;
- Tijdlijn: the bars of the static SVG timeline (no plotly.js on that page).

A first visit is a fresh browser context (empty cache); a returning visitor has loaded the
page before in the same context (warm HTTP cache). Both at seed and at national scale
(1,000 dialogues). The ratio to the bare page measured in the same run is what counts: the
machine is shared, absolute seconds move with its load.

One more page is timed for reference, with no target: the map's floor (bench/map_floor.py),
a Streamlit page that is only a title and the same map document in a frame.

With ``--timeline`` the returning visits also say where their time went. A script that the
browser runs in each page, before the page's own scripts, notes in milliseconds from navigation
when the WebSocket opened and brought its first message, and when the page's first text, its
content's element and its content were drawn (text and element in Streamlit's main area).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench import map_floor
from bench.load import BARE_PAGE, LoadError, Server, start_streamlit, stop
from estafette.settings import PROJECT_ROOT

CHROMIUM = os.environ.get("ESTAFETTE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}
TIMEOUT_MS = 120_000
# Targets of issue 15 (national scale).
TARGET_RETURNING_RATIO = 1.5  # returning visitor: every page <= 1.5x the bare page
TARGET_FIRST_RATIO = 1.3  # first visit: every page <= 1.3x "De methode"

# A map's content lives in its own (same-origin) frame: whether a selector matches in a
# document or in any frame in it, at any depth. The benchmark's wait and --timeline share it.
_FOUND = """
const found = (doc, selector) => {
    if (!doc) return false;
    if (doc.querySelector(selector)) return true;
    for (const frame of doc.querySelectorAll("iframe")) {
        let inner = null;
        try { inner = frame.contentDocument; } catch (e) { inner = null; }
        if (found(inner, selector)) return true;
    }
    return false;
};
"""
_IN_FRAMES = f"""
(selector) => {{
    {_FOUND}
    return found(document, selector);
}}
"""
# What "drawn" means per page, as a CSS selector (searched in the page and its frames).
CONTENT: dict[str, str] = {
    "bare": '[data-testid="stMarkdownContainer"] p',
    # Its lists: one HTML block of read-only text (ui.blocks).
    "methode": '[data-testid="stHtml"] li, [data-testid="stMarkdownContainer"] li',
    "overzicht": (
        'table.est-table tbody tr, [data-testid="stTable"] tbody tr,'
        ' [data-testid="stDataFrame"] [role="row"], [data-testid="stDataFrame"] canvas'
    ),
    # Clusters (DOM icons in the marker pane) or single markers (SVG paths).
    "kaart": ".leaflet-marker-pane .marker-cluster, .leaflet-overlay-pane path.estafette-marker",
    # The timeline is static SVG (estafette/timeline_svg.py): drawn when its bars are.
    "tijdlijn": "svg.est-timeline rect.est-bar",
}
# The map's floor: a page that is only a title and the same map in a frame (no target).
FLOOR = "kaart, frame only"
CONTENT[FLOOR] = CONTENT["kaart"]
# --timeline looks for a page's own text and content in Streamlit's main area, not the sidebar
# (whose widget labels are paragraphs too, and which may hold st.html of its own).
MAIN = '[data-testid="stMain"]'


def in_main(selector: str) -> str:
    """``selector`` with each of its comma-separated alternatives limited to the main area."""
    return ", ".join(f"{MAIN} {part.strip()}" for part in selector.split(","))


# What holds each page's content: a map is in the page once its frame is.
ELEMENT: dict[str, str] = {
    "bare": in_main(CONTENT["bare"]),
    "methode": in_main('[data-testid="stHtml"], [data-testid="stMarkdownContainer"] ul'),
    "overzicht": in_main('table.est-table, [data-testid="stTable"], [data-testid="stDataFrame"]'),
    "kaart": in_main("iframe"),
    "tijdlijn": in_main("svg.est-timeline"),
    FLOOR: in_main("iframe"),
}
# A Streamlit page has drawn its first text once its title or a paragraph is there.
FIRST_TEXT = in_main('h1, [data-testid="stMarkdownContainer"] p')
# The steps of a visit --timeline reports, in the order they happen, and their column titles.
STEPS = {
    "socket": "WebSocket open",
    "message": "first message",
    "text": "first text drawn",
    "element": "content's element in the page",
    "drawn": "content drawn",
}
# Run in the top document before the page's own scripts: notes the time (performance.now(),
# milliseconds from navigation) of each step once, looking into frames as the benchmark's own
# wait does (_FOUND).
_TIMELINE = """
(() => {
    if (window !== window.top) return;
    const notes = (window.__estafetteTimeline = {});
    const now = () => performance.now();
    const watched = __WATCHED__;
    __FOUND__
    const Socket = window.WebSocket;
    window.WebSocket = class extends Socket {
        constructor(...args) {
            super(...args);
            this.addEventListener("open", () => { notes.socket ??= now(); });
            this.addEventListener("message", () => { notes.message ??= now(); });
        }
    };
    const look = () => {
        for (const [step, selector] of Object.entries(watched)) {
            if (!(step in notes) && found(document, selector)) notes[step] = now();
        }
        if (Object.keys(watched).some((step) => !(step in notes))) requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
})();
"""


def timeline_script(name: str) -> str:
    """The script that notes the steps of a visit to page ``name`` (see --timeline)."""
    watched = {"text": FIRST_TEXT, "element": ELEMENT[name], "drawn": CONTENT[name]}
    return _TIMELINE.replace("__FOUND__", _FOUND).replace("__WATCHED__", json.dumps(watched))


URL_PATH = {"bare": "", "methode": "methode", "overzicht": "overzicht", "kaart": "kaart",
            "tijdlijn": "tijdlijn", FLOOR: ""}  # fmt: skip
PAGES = ("methode", "overzicht", "kaart", "tijdlijn")
# The rows of the tables, in order: the bare page, the pages with targets, the floor.
VIEWS = ("bare", *PAGES, FLOOR)


class BrowserBenchError(Exception):
    """The browser benchmark cannot run; the message says why."""


@dataclass
class Result:
    """Seconds until drawn per (scale, page, visit) and WebSocket bytes per returning view."""

    seconds: dict[tuple[str, str, str], list[float]] = field(default_factory=dict)
    ws_bytes: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    # --timeline: per (scale, page) and returning visit, milliseconds from navigation per step.
    steps: dict[tuple[str, str], list[dict[str, float]]] = field(default_factory=dict)

    def median(self, scale: str, page: str, visit: str) -> float:
        """The median seconds of one cell."""
        return statistics.median(self.seconds[(scale, page, visit)])


def _browser(playwright: object) -> object:
    if not Path(CHROMIUM).exists():
        raise BrowserBenchError(f"Chromium is not installed at {CHROMIUM}")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)  # type: ignore[attr-defined]


def _visit(
    page: object, url: str, selector: str, notes: dict[str, float] | None = None
) -> tuple[float, int]:
    """Navigate and wait until ``selector`` is drawn; seconds and WebSocket bytes received.

    With ``notes``, the page's timeline notes (timeline_script) are added to it.
    """
    received = [0]

    def on_socket(ws: object) -> None:
        ws.on("framereceived", lambda payload: received.__setitem__(0, received[0] + len(payload)))  # type: ignore[attr-defined]

    page.on("websocket", on_socket)  # type: ignore[attr-defined]
    started = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    page.wait_for_function(_IN_FRAMES, arg=selector, polling="raf", timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    seconds = time.perf_counter() - started
    # The rest of the run's messages (e.g. a component's first value) still count as sent.
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    if notes is not None:
        notes.update(page.evaluate("() => window.__estafetteTimeline || {}"))  # type: ignore[attr-defined]
    page.remove_listener("websocket", on_socket)  # type: ignore[attr-defined]
    # Leave the page, as a person closes a tab: an open dashboard page polls the data version
    # every two seconds (ui.live), and four of them polling in the background made every other
    # page's timing (the bare page's too) depend on when their polls fell. The next visit then
    # opens the address from a blank tab, as a bookmark does.
    page.goto("about:blank", timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    return seconds, received[0]


def measure(
    browser: object,
    servers: dict[str, Server],
    scale: str,
    result: Result,
    first: int,
    returning: int,
    timeline: bool = False,
) -> None:
    """Time every page of one scale: ``first`` cold visits and ``returning`` warm ones.

    With ``timeline`` the returning visits also note when each step happened (STEPS).
    """
    targets = {
        "bare": servers["bare"],
        **{name: servers["app"] for name in PAGES},
        FLOOR: servers["floor"],
    }

    def url(name: str) -> str:
        return f"http://{targets[name].base}/{URL_PATH[name]}"

    # One unmeasured view of each page first: the server's own first-run work (imports,
    # caches) is not what a visitor of a running app waits for.
    warm = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
    try:
        for name in targets:
            _visit(warm.new_page(), url(name), CONTENT[name])
    finally:
        warm.close()
    # Interleaved, so a burst of load on the shared machine hits every page alike.
    for _ in range(first):
        for name in targets:
            context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
            try:
                seconds, _ = _visit(context.new_page(), url(name), CONTENT[name])
            finally:
                context.close()
            result.seconds.setdefault((scale, name, "first"), []).append(seconds)
    contexts = {name: browser.new_context(viewport=VIEWPORT) for name in targets}  # type: ignore[attr-defined]
    try:
        if timeline:
            for name, context in contexts.items():
                context.add_init_script(timeline_script(name))  # type: ignore[attr-defined]
        pages = {name: context.new_page() for name, context in contexts.items()}
        for name, page in pages.items():
            _visit(page, url(name), CONTENT[name])  # fills the HTTP cache
        for _ in range(returning):
            for name, page in pages.items():
                notes: dict[str, float] | None = {} if timeline else None
                seconds, sent = _visit(page, url(name), CONTENT[name], notes)
                result.seconds.setdefault((scale, name, "returning"), []).append(seconds)
                result.ws_bytes.setdefault((scale, name), []).append(sent)
                if notes is not None:
                    result.steps.setdefault((scale, name), []).append(notes)
    finally:
        for context in contexts.values():
            context.close()


def table(result: Result, scales: list[str]) -> str:
    """The medians as a Markdown table, with ratios to the bare page and to De methode."""
    lines = [
        "| scale | view | returning visitor (s) | × bare | first visit (s) | × methode "
        "| WebSocket kB per view |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for scale in scales:
        bare = result.median(scale, "bare", "returning")
        method = result.median(scale, "methode", "first")
        for name in VIEWS:
            warm = result.median(scale, name, "returning")
            cold = result.median(scale, name, "first")
            kilobytes = statistics.median(result.ws_bytes[(scale, name)]) / 1000
            lines.append(
                f"| {scale} | {name} | {warm:.2f} | {warm / bare:.2f} | {cold:.2f} "
                f"| {cold / method:.2f} | {kilobytes:.0f} |"
            )
    return "\n".join(lines)


def timeline_table(result: Result, scale: str) -> str:
    """The median time of each step of a returning visit (ms from navigation), per page.

    A step a visit never noted (a page without a title) is left out of that step's median; a
    step no visit noted shows as "–".
    """
    titles = " | ".join(STEPS.values())
    lines = [f"| view | {titles} |", "|---|" + "---:|" * len(STEPS)]
    for name in VIEWS:
        visits = result.steps.get((scale, name), [])
        cells = []
        for step in STEPS:
            noted = [visit[step] for visit in visits if step in visit]
            cells.append(f"{statistics.median(noted):.0f}" if noted else "–")
        lines.append(f"| {name} | {' | '.join(cells)} |")
    return "\n".join(lines)


def missed_targets(result: Result, scale: str) -> list[str]:
    """The issue-15 targets missed at ``scale`` (readable lines; empty when all are met)."""
    bare = result.median(scale, "bare", "returning")
    method = result.median(scale, "methode", "first")
    missed = []
    for name in PAGES:
        warm = result.median(scale, name, "returning")
        if warm > TARGET_RETURNING_RATIO * bare:
            missed.append(
                f"{name}: returning visitor {warm:.2f} s > {TARGET_RETURNING_RATIO}x bare "
                f"page {bare:.2f} s"
            )
        cold = result.median(scale, name, "first")
        if cold > TARGET_FIRST_RATIO * method:
            missed.append(
                f"{name}: first visit {cold:.2f} s > {TARGET_FIRST_RATIO}x De methode "
                f"{method:.2f} s"
            )
    return missed


@contextmanager
def _servers(database_url: str, folder: Path, scale: str) -> Iterator[dict[str, Server]]:
    started: list[Server] = []
    try:
        started.append(start_streamlit(PROJECT_ROOT / "server.py", database_url, folder, scale))
        started.append(start_streamlit(BARE_PAGE, database_url, folder, f"{scale}-bare"))
        started.append(map_floor.serve(database_url, folder, f"{scale}-floor"))
        yield {"app": started[0], "bare": started[1], "floor": started[2]}
    finally:
        for server in started:
            stop(server.process)


def run(
    first: int = 3,
    returning: int = 7,
    scales: tuple[str, ...] = ("seed", "national"),
    timeline: bool = False,
) -> int:
    """Measure every page at each scale in Chromium; print the table; 1 when a target is missed.

    With ``timeline`` it also prints, per scale, when each step of a returning visit happened.
    """
    if first < 1 or returning < 1:
        raise ValueError("at least one first visit and one returning visit per page")
    from playwright.sync_api import sync_playwright

    from bench import data as data_bench

    result = Result()
    with tempfile.TemporaryDirectory(prefix="estafette-browser-") as tmp:
        folder = Path(tmp)
        with sync_playwright() as playwright:
            browser = _browser(playwright)
            try:
                for scale in scales:
                    url = f"sqlite:///{folder / f'{scale}.db'}"
                    sizes, seconds = data_bench.prepare(url, national=scale == "national")
                    print(
                        f"{scale}: {sizes['dialogues']} dialogues (prepared in {seconds:.0f} s)",
                        flush=True,
                    )
                    with _servers(url, folder, scale) as servers:
                        measure(browser, servers, scale, result, first, returning, timeline)
            finally:
                browser.close()  # type: ignore[attr-defined]
    load = os.getloadavg()
    print()
    print(table(result, list(scales)))
    print()
    if timeline:
        for scale in scales:
            print(f"{scale}, returning visit, milliseconds from navigation (medians):")
            print(timeline_table(result, scale))
            print()
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    missed = missed_targets(result, "national") if "national" in scales else []
    if missed:
        print("targets missed (national scale):")
        for line in missed:
            print(f"  - {line}")
        return 1
    print("all browser targets met")
    return 0


__all__ = ["BrowserBenchError", "LoadError", "run"]
