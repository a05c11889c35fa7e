"""The browser bench's --timeline script, run in Chromium on a page that draws in steps."""

from __future__ import annotations

from bench import browser as bench_browser

# A page that draws as a Streamlit page would, in steps: a sidebar paragraph first (which is
# not the page's text), then the title in the main area, then the map's frame, and the markers
# last, in a frame inside that frame. It also opens a WebSocket to a closed port.
PAGE = """<!doctype html><html><body>
<section data-testid="stSidebar"><div data-testid="stMarkdownContainer"><p>Taal</p></div></section>
<section data-testid="stMain"></section>
<script>
const main = document.querySelector('[data-testid="stMain"]');
window.socketMade = new WebSocket("ws://127.0.0.1:9/") instanceof WebSocket;
// Each step a while after the one before (timers never fire early), so each is noted apart.
setTimeout(() => {
    main.insertAdjacentHTML("beforeend", "<h1>Kaart</h1>");
    setTimeout(() => {
        const frame = document.createElement("iframe");
        frame.srcdoc = "<iframe srcdoc='<div class=leaflet-marker-pane></div>'></iframe>";
        frame.onload = () => setTimeout(() => {
            const inner = frame.contentDocument.querySelector("iframe");
            inner.contentDocument.querySelector(".leaflet-marker-pane").innerHTML =
                "<div class='marker-cluster'></div>";
        }, 150);
        main.appendChild(frame);
    }, 150);
}, 150);
</script></body></html>"""


def test_the_timeline_notes_each_step_once_in_the_order_the_page_draws_them(
    browser: object,
) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        context.add_init_script(bench_browser.timeline_script("kaart"))
        # Served by the browser itself: no server, nothing leaves the machine.
        context.route(
            "http://estafette.test/kaart",
            lambda route: route.fulfill(body=PAGE, content_type="text/html"),
        )
        page = context.new_page()
        page.goto("http://estafette.test/kaart")
        # The benchmark's own wait sees the markers two frames down, as the timeline does.
        page.wait_for_function(
            bench_browser._IN_FRAMES, arg=bench_browser.CONTENT["kaart"], polling="raf"
        )
        page.wait_for_function("() => 'drawn' in (window.__estafetteTimeline || {})")
        notes = page.evaluate("() => window.__estafetteTimeline")
        # The socket never opened, and the page's own use of WebSocket still worked.
        assert page.evaluate("() => window.socketMade") is True
        assert set(notes) == {"text", "element", "drawn"}
        # Text when the title came (not the sidebar's paragraph, there from the start), the
        # element with the frame, the content with the markers two frames down.
        assert 150 <= notes["text"] < notes["element"] < notes["drawn"]
    finally:
        context.close()
