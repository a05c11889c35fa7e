"""Drive a Streamlit page in Playwright without racing its reruns.

Every widget interaction makes the browser send a ``rerun_script`` request over the app's
WebSocket; the server answers with ``new_session`` (a run started) and ``script_finished``.
While a run is going, Streamlit keeps the previous run's elements on screen marked
``data-stale="true"`` until it replaces or removes them, so a locator taken then can match a
stale copy as well as the new one (a strict-mode violation), or act on a widget about to go.

An init script (``track``) watches that message stream in the page itself, decoding the few
protobuf fields it needs, so the helpers here know, without guessing or sleeping:

- whether a rerun has been asked for that has not started yet (also a fragment's own rerun,
  e.g. the map's or the live dashboards' 2 s poll);
- whether a run is going (a run that ends "early for rerun" is followed by the next one);
- whether an action has led to a rerun request at all (``rerun``).

``settle`` waits until none is pending, Streamlit itself shows the script as not running and
connected, and no element is stale or still loading. Each wait has an explicit upper bound.

The journeys use, instead of ``page.goto``, ``.click()``, ``.fill()`` and pauses:

- ``goto`` / ``reload``: navigate, then settle on the new document's first run;
- ``rerun(page, action)``: settle, act, wait for the rerun the action asked for, settle;
- ``click_and_settle``, ``fill_and_settle``, ``select_option``, ``open_page`` (sidebar link),
  ``open_expander``: the usual interactions on top of ``rerun``;
- ``widget(page, key)``: the element made with ``key=``, by its ``st-key-`` class, after
  settling and never a stale copy; ``fresh(locator)`` drops stale copies from any locator;
- ``map_document``: the map component's frame once Leaflet has drawn and the component has
  sent its value (which reruns the map's fragment).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

TIMEOUT = 60_000

# Runs in every document of a tracked page before the app's own scripts.
TRACKER = r"""
(() => {
  if (window.__estafetteRuns || window.top !== window) return;
  const state = {
    doc: Math.random().toString(36).slice(2),
    sent: 0,              // rerun requests sent
    asked: 0,             // ... of them not a fragment's timed rerun (st.fragment(run_every))
    started: 0,           // runs started (new_session)
    finished: 0,          // runs finished (not "early for rerun")
    running: false,
    pendingFull: false,   // a full rerun asked for and not started since
    pendingFragments: {}, // fragment id -> asked for and not started since
    changedAt: 0,
    quietSince: null,
    log: [],              // the last events, for a failure message
  };
  function note(...event) {
    state.log.push([Math.round(performance.now()), ...event]);
    if (state.log.length > 40) state.log.shift();
  }
  window.__estafetteRuns = state;
  const text = new TextDecoder();

  function varint(bytes, at) {
    let value = 0, scale = 1;
    for (;;) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return [value, at];
      scale *= 128;
    }
  }
  // Top-level fields of a protobuf message: [number, varint value or bytes].
  function fields(bytes) {
    const out = [];
    let at = 0;
    while (at < bytes.length) {
      let tag, value, size;
      [tag, at] = varint(bytes, at);
      const number = Math.floor(tag / 8), wire = tag % 8;
      if (wire === 0) {
        [value, at] = varint(bytes, at);
        out.push([number, value]);
      } else if (wire === 2) {
        [size, at] = varint(bytes, at);
        out.push([number, bytes.subarray(at, at + size)]);
        at += size;
      } else if (wire === 1) {
        at += 8;
      } else if (wire === 5) {
        at += 4;
      } else {
        break;
      }
    }
    return out;
  }
  function asBytes(data) {
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    if (ArrayBuffer.isView(data)) {
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    }
    return null;
  }

  // BackMsg.rerun_script = 11 (a ClientState; its fragment_id = 5, is_auto_rerun = 6).
  function sent(data) {
    const bytes = asBytes(data);
    if (!bytes) return;
    for (const [number, value] of fields(bytes)) {
      if (number !== 11) continue;
      let fragment = "", auto = false;
      for (const [inner, part] of fields(value)) {
        if (inner === 5) fragment = text.decode(part);
        else if (inner === 6) auto = part === 1;
      }
      state.sent += 1;
      if (!auto) state.asked += 1;
      note(auto ? "timed rerun asked" : "rerun asked", fragment);
      if (fragment) state.pendingFragments[fragment] = true;
      else state.pendingFull = true;
      state.changedAt = performance.now();
    }
  }

  // ForwardMsg: metadata = 2 (its run = 6, whose fragment_ids = 2), new_session = 4,
  // script_finished = 6 (2 = FINISHED_EARLY_FOR_RERUN: the next run follows).
  function received(data) {
    const bytes = asBytes(data);
    if (!bytes) return;
    let started = false, finished = null;
    const fragments = [];
    for (const [number, value] of fields(bytes)) {
      if (number === 4) started = true;
      else if (number === 6) finished = value;
      else if (number === 2) {
        for (const [inner, run] of fields(value)) {
          if (inner !== 6) continue;
          for (const [item, id] of fields(run)) if (item === 2) fragments.push(text.decode(id));
        }
      }
    }
    if (started) {
      note("run started", fragments.join(","));
      state.started += 1;
      state.running = true;
      if (fragments.length === 0) {
        // A full run reruns every fragment too (the server folds such requests into it).
        state.pendingFull = false;
        state.pendingFragments = {};
      } else {
        for (const id of fragments) delete state.pendingFragments[id];
      }
      state.changedAt = performance.now();
    }
    if (finished !== null) {
      note("run finished", finished);
      if (finished !== 2) {
        state.running = false;
        state.finished += 1;
      }
      state.changedAt = performance.now();
    }
  }

  const Native = window.WebSocket;
  const nativeSend = Native.prototype.send;
  Native.prototype.send = function (data) {
    try { sent(data); } catch (error) { console.debug("estafette tracker", error); }
    return nativeSend.call(this, data);
  };
  class Tracked extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        try { received(event.data); } catch (error) { console.debug("estafette tracker", error); }
      });
      this.addEventListener("close", () => {
        note("socket closed");
        state.running = false;
        state.changedAt = performance.now();
      });
    }
  }
  window.WebSocket = Tracked;
})();
"""

# True once the page has been still for a moment: nothing asked for or running, and the DOM
# says so too. The short stillness covers the gap between two messages of one run chain.
SETTLED = """() => {
    const s = window.__estafetteRuns;
    const app = document.querySelector('[data-testid="stApp"]');
    const quiet = !!s && !!app
        && s.finished > 0 && !s.running && !s.pendingFull
        && Object.keys(s.pendingFragments).length === 0
        && app.getAttribute('data-test-script-state') === 'notRunning'
        && app.getAttribute('data-test-connection-state') === 'CONNECTED'
        && !document.querySelector(
            '[data-stale="true"], [data-testid="stSkeleton"],'
            + ' [data-testid="stStatusWidgetRunningIcon"]');
    if (!quiet) {
        if (s) s.quietSince = null;
        return false;
    }
    const now = performance.now();
    if (s.quietSince === null || s.quietSince < s.changedAt) s.quietSince = now;
    return now - s.quietSince >= 100;
}"""

MARK = """() => {
    const s = window.__estafetteRuns;
    return s ? {doc: s.doc, asked: s.asked} : null;
}"""
# The action asked for a rerun, or led to a new document (a form post, a redirect). A timed
# rerun (the live dashboards' poll) does not count: it would come without the action too.
ASKED = """(before) => {
    const s = window.__estafetteRuns;
    return !!s && (before === null || s.doc !== before.doc || s.asked > before.asked);
}"""

# Any element outside the previous run's stale elements.
NOT_STALE = "xpath=//*[not(ancestor-or-self::*[@data-stale='true'])]"

_tracked: weakref.WeakSet[Page] = weakref.WeakSet()


def track(page: Page) -> None:
    """Install the run tracker in every document ``page`` loads from now on (idempotent)."""
    if page in _tracked:
        return
    page.add_init_script(TRACKER)
    _tracked.add(page)


def _wait(page: Page, script: str, arg: Any = None, timeout: float = TIMEOUT) -> None:
    """``page.wait_for_function``, carried on over a navigation that replaces the document."""
    for _ in range(5):
        try:
            page.wait_for_function(script, arg=arg, polling=50, timeout=timeout)
            return
        except PlaywrightError as error:
            if "Execution context was destroyed" not in str(error) and "navigat" not in str(error):
                raise
    page.wait_for_function(script, arg=arg, polling=50, timeout=timeout)


STATE = """() => {
    const s = window.__estafetteRuns;
    const app = document.querySelector('[data-testid="stApp"]');
    return {
        tracker: s ? {...s, pendingFragments: Object.keys(s.pendingFragments)} : null,
        script: app && app.getAttribute('data-test-script-state'),
        connection: app && app.getAttribute('data-test-connection-state'),
        stale: document.querySelectorAll('[data-stale="true"]').length,
        skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length,
    };
}"""


def state(page: Page) -> dict[str, Any]:
    """What the tracker and Streamlit's own markers say now (for a failure message)."""
    return page.evaluate(STATE)


def settle(page: Page, timeout: float = TIMEOUT) -> None:
    """Wait until no rerun is asked for or going and the page shows the last run's result."""
    if page not in _tracked:
        raise RuntimeError("open the page with streamlit_page.goto (or call track) first")
    try:
        _wait(page, SETTLED, timeout=timeout)
    except PlaywrightTimeout as error:
        raise AssertionError(f"the app did not settle in {timeout} ms: {state(page)}") from error


def goto(page: Page, url: str, timeout: float = TIMEOUT) -> None:
    """Open ``url`` and wait until the app's first run has settled."""
    track(page)
    page.goto(url, timeout=timeout)
    settle(page, timeout)


def reload(page: Page, timeout: float = TIMEOUT) -> None:
    """Reload the page and wait until the new document's first run has settled."""
    track(page)
    page.reload(timeout=timeout)
    settle(page, timeout)


def rerun(page: Page, action: Callable[[], object], timeout: float = TIMEOUT) -> None:
    """Settle, do ``action``, wait until it has asked for a rerun (or navigated), settle.

    For an action that reruns the app: a click on a button, a page link or an option, a
    committed text field. One that does not (a field inside ``st.form``) never gets here.
    """
    settle(page, timeout)
    before = page.evaluate(MARK)
    action()
    try:
        _wait(page, ASKED, arg=before, timeout=timeout)
    except PlaywrightTimeout as error:
        raise AssertionError(
            f"the action asked for no rerun in {timeout} ms: {state(page)}"
        ) from error
    settle(page, timeout)


def act(
    page: Page, action: Callable[[], object], rerun_expected: bool, timeout: float = TIMEOUT
) -> None:
    """Do ``action`` on a settled page: through :func:`rerun` when it reruns the app, else
    plainly (a field inside ``st.form``), settling again afterwards either way."""
    if rerun_expected:
        rerun(page, action, timeout)
    else:
        settle(page, timeout)
        action()
        settle(page, timeout)


def click_and_settle(
    page: Page, target: Locator, *, rerun_expected: bool = True, timeout: float = TIMEOUT
) -> None:
    """Click ``target`` once the page has settled, then wait for the rerun it causes."""
    act(page, lambda: target.click(timeout=timeout), rerun_expected, timeout)


def fill_and_settle(
    page: Page,
    target: Locator,
    text: str,
    *,
    press: str | None = "Enter",
    rerun_expected: bool = True,
    timeout: float = TIMEOUT,
) -> None:
    """Fill a text field and commit it (``press``, or leave the field when None).

    Streamlit sends a text field's value when it is committed, so this waits for that rerun;
    inside ``st.form`` nothing reruns before the submit button: pass ``rerun_expected=False``.
    """

    def commit() -> None:
        target.fill(text, timeout=timeout)
        if press:
            target.press(press, timeout=timeout)
        else:
            target.blur(timeout=timeout)

    act(page, commit, rerun_expected, timeout)


def key_class(key: str) -> str:
    """The CSS class Streamlit gives the element made with ``key=key`` (``st-key-...``)."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def widget(page: Page, key: str, timeout: float = TIMEOUT) -> Locator:
    """The element made with ``key=key``, located once the page has settled, never a stale copy."""
    settle(page, timeout)
    found = page.locator(f'.{key_class(key)}:not([data-stale="true"])')
    found.wait_for(timeout=timeout)
    return found


def fresh(target: Locator) -> Locator:
    """``target`` without matches inside an element left stale by a run in progress."""
    return target.and_(target.page.locator(NOT_STALE))


def select_option(
    page: Page,
    combobox: Locator,
    option: str,
    *,
    exact: bool = True,
    rerun_expected: bool = True,
    timeout: float = TIMEOUT,
) -> None:
    """Choose ``option`` in a Streamlit select box: type to filter, click it, wait for the run.

    By keyboard first: in this Streamlit version the list does not always open on the first
    mouse click. ``exact=False`` picks the one option whose text contains ``option``.
    """

    def choose() -> None:
        combobox.focus(timeout=timeout)
        page.keyboard.type(option)
        options = page.get_by_role("option", name=option, exact=exact)
        expect(options).to_have_count(1, timeout=timeout)
        options.click(timeout=timeout)

    act(page, choose, rerun_expected, timeout)
    expected = option if exact else re.compile(re.escape(option))
    expect(fresh(combobox)).to_have_value(expected, timeout=timeout)


# An st.expander that has finished opening: its <details> open, the content no longer inert and
# the height animation (Web Animations, overflow hidden while it runs) over.
EXPANDED = """details => {
    const content = details.querySelector('[data-testid="stExpanderDetails"]');
    return details.open && !!content && !content.hasAttribute('inert')
        && details.getAnimations({subtree: true}).length === 0;
}"""


def open_expander(
    page: Page, expander: Locator, *, lazy: bool = False, timeout: float = TIMEOUT
) -> None:
    """Open an ``st.expander`` (``[data-testid=stExpander]``) and wait until it has opened.

    A plain expander reruns nothing when opened; a ``lazy`` one (``on_change="rerun"``, whose
    content the app draws only while it is open) reruns, and this waits for that rerun. The
    content is clipped while the height animates, so a click on it before the animation ends
    can land on nothing.
    """
    act(page, lambda: expander.locator("summary").click(timeout=timeout), lazy, timeout)
    expander.locator("details").wait_for(timeout=timeout)
    page.wait_for_function(
        EXPANDED,
        arg=expander.locator("details").element_handle(timeout=timeout),
        polling=50,
        timeout=timeout,
    )


def nav_link(page: Page, name: str) -> Locator:
    """The sidebar navigation link called ``name``."""
    return page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=name, exact=True)


def open_page(page: Page, name: str, timeout: float = TIMEOUT) -> None:
    """Open a page by its sidebar link and wait until its run has settled."""
    click_and_settle(page, nav_link(page, name), timeout=timeout)


MAP_FRAME = "iframe[title^='Kaart van de estafette'], iframe[title^='Map of the relay']"
# The map document's last script (estafette.map_page.FrameBridge) has run: every layer is on
# the map and clicks reach the page.
MAP_READY = "() => typeof window.estafetteDialogueClicked === 'function'"


def map_document(page: Page, timeout: float = TIMEOUT) -> Frame:
    """The map's frame once Leaflet has drawn, its scripts have run and the page has settled."""
    page.frame_locator(MAP_FRAME).locator(".leaflet-container").wait_for(timeout=timeout)
    handle = page.locator(MAP_FRAME).element_handle(timeout=timeout)
    frame = handle.content_frame()
    assert frame is not None
    frame.wait_for_function(MAP_READY, polling=50, timeout=timeout)
    settle(page, timeout)
    return frame
