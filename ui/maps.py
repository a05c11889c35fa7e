"""Kaart: the map document's address and the bridge that brings its clicks back.

The map itself is a document of its own (estafette.map_page, served by web/map_frame.py) in a
plain frame; its assets are estafette/map_assets.py's.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import streamlit as st

from estafette import i18n, map_page
from ui.core import cached, data_version_seen
from ui.filters import View
from ui.history import in_view

# ---------------------------------------------------------------------------- the frame


def frame_src(view: View, lang: str) -> str:
    """The address of the view's map at this run's data version and day (a write: a new one)."""
    shown = map_page.MapView(view.cities, view.phases, view.statuses, view.as_of, lang)
    query = shown.query(data_version_seen(), dt.date.today())
    return f"{map_page.PATH}?{urlencode(query)}"


# No markup: it only listens for what the map's frame posts (estafette.map_page.FrameBridge).
# One listener per page, whatever the reruns; each rerun hands it the newest trigger setter.
_BRIDGE_JS = """
export default function ({ setTriggerValue }) {
    const bridge = window.__estafetteMapBridge || (window.__estafetteMapBridge = {});
    bridge.set = setTriggerValue;
    if (!bridge.listening) {
        bridge.listening = true;
        window.addEventListener("message", (event) => {
            const data = event.data;
            if (event.origin !== window.location.origin || !data) { return; }
            if (data.estafette !== "MESSAGE" || !bridge.set) { return; }
            if (Number.isInteger(data.dialogue)) {
                bridge.set("dialogue", data.dialogue);
            } else if (typeof data.href === "string") {
                // A link in a popup: followed only within this site.
                const target = new URL(data.href, window.location.href);
                if (target.origin === window.location.origin) {
                    window.location.assign(target.href);
                }
            }
        });
    }
    return () => { bridge.set = null; };
}
""".replace("MESSAGE", map_page.MESSAGE)
_bridge = st.components.v2.component("estafette_map_bridge", js=_BRIDGE_JS, isolate_styles=False)


def clicked_dialogue(key: str) -> int | None:
    """The dialogue clicked on the map that caused this run (None when nothing was)."""
    # The trigger only lives for the run it causes; the callback is what declares it.
    result = _bridge(key=key, height=0, on_dialogue_change=lambda: None)
    value = getattr(result, "dialogue", None)
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


# ---------------------------------------------------------------------------- loaders


@cached
def dialogue_labels(url: str, view: View, lang: str) -> dict[int, str]:
    """A readable name per dialogue in view ("Utrecht · Lombok"), in relay order."""
    shown = in_view(url, view)
    undecided = i18n.translate("overview.undecided", lang)
    hood = shown["neighbourhood"].where(shown["neighbourhood"] != "", undecided)
    names = shown["city"] + " · " + hood
    return dict(zip(shown["dialogue_id"].astype(int), names, strict=True))
