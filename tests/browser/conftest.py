"""Real-browser fixtures: a live `streamlit run server.py` and Debian's headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# One Chromium command line for the journeys and the browser benchmark.
from bench.browser import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """A running `streamlit run server.py` on a loopback port."""

    def __init__(self, url: str, database_url: str, process: subprocess.Popen[bytes]) -> None:
        self.url = url
        self.database_url = database_url
        self.process = process


def start_server(
    tmp_path: Path,
    database_url: str | None = None,
    *,
    port: int | None = None,
    secrets: Path | None = None,
    **env: str,
) -> StreamlitServer:
    """Start the app (on a free port unless given) with a fresh database; waits until healthy.

    ``secrets`` is a secrets.toml of its own, e.g. with an [auth] section for SSO.
    """
    port = port or _free_port()
    database_url = database_url or f"sqlite:///{tmp_path / 'browser.db'}"
    environ = {**os.environ, "ESTAFETTE_DATABASE_URL": database_url, **env}
    log = (tmp_path / "streamlit.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            # The served app: app.py inside st.App with the web/ routes and middleware
            # (health, security headers), exactly as deployed.
            str(ROOT / "server.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            *(["--secrets.files", str(secrets)] if secrets else []),
        ],
        cwd=ROOT,
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((tmp_path / "streamlit.log").read_text())
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return StreamlitServer(base, database_url, process)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("streamlit did not become healthy in 60 s")


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Callable[..., StreamlitServer]]:
    """Start one or more app servers; all are stopped after the test."""
    servers: list[StreamlitServer] = []

    def start(database_url: str | None = None, **options: Any) -> StreamlitServer:
        server = start_server(tmp_path, database_url, **options)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()


@pytest.fixture
def server(server_factory: Callable[..., StreamlitServer]) -> StreamlitServer:
    """The app on a fresh SQLite database."""
    return server_factory()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium through Playwright (never a downloaded browser)."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI and missing at {CHROMIUM}")
        pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


CSP_MARKERS = ("Content Security Policy", "Content-Security-Policy")


def csp_violations(messages: list[str]) -> list[str]:
    """The console messages that report a blocked load or script (CSP violations)."""
    return [m for m in messages if any(marker in m for marker in CSP_MARKERS)]


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh browser page (own context), closed after the test; fails on CSP violations."""
    from tests.browser.streamlit_page import track

    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    track(page)  # the Streamlit helpers (tests/browser/streamlit_page.py) follow its reruns
    console: list[str] = []
    # Frames (the map's srcdoc iframe) report to the same page console.
    page.on("console", lambda message: console.append(message.text))
    yield page
    context.close()
    violations = csp_violations(console)
    assert not violations, "Content-Security-Policy blocked something:\n" + "\n".join(violations)
