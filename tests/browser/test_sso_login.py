"""SSO: an OIDC login (st.login against a local mock provider) maps to the account by e-mail."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from oidc_provider_mock import User, run_server_in_thread

from tests.browser.conftest import ROOT, _free_port
from tests.uihelpers import prepare

pytestmark = pytest.mark.browser
TIMEOUT = 30_000


def start_app(tmp_path: Path, database_url: str, secrets: Path, port: int) -> subprocess.Popen:
    """`streamlit run app.py` on ``port`` with its own secrets file (the [auth] section)."""
    log = (tmp_path / "sso-streamlit.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--secrets.files",
            str(secrets),
        ],
        cwd=ROOT,
        env={**os.environ, "ESTAFETTE_DATABASE_URL": database_url},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError((tmp_path / "sso-streamlit.log").read_text())


def test_sso_login_maps_to_account_by_email(page, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'sso.db'}"
    prepare(url)
    users = [
        User(sub="lead", claims={"email": "lead@deventer.nl", "name": "Lead via SSO"}),
        User(sub="stranger", claims={"email": "onbekend@example.nl"}),
    ]
    with run_server_in_thread(user_claims=users) as provider:
        port = _free_port()
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "een-geheim-voor-de-test-van-estafette"\n'
            'client_id = "estafette"\n'
            'client_secret = "geheim"\n'
            "server_metadata_url = "
            f'"http://localhost:{provider.server_port}/.well-known/openid-configuration"\n'
        )
        process = start_app(tmp_path, url, secrets, port)
        try:
            page.goto(f"http://127.0.0.1:{port}")
            nav = page.get_by_test_id("stSidebarNavItems")
            nav.get_by_role("link", name="Inloggen", exact=True).click()
            page.get_by_role("button", name="Inloggen met je organisatieaccount").click()
            page.get_by_role("button", name="lead", exact=True).click()
            page.get_by_text("Ingelogd als Stadstrekker Deventer (stadstrekker)").first.wait_for(
                timeout=TIMEOUT
            )
            assert nav.get_by_role("link", name="Fase bijwerken").count() == 1
            page.get_by_role("button", name="Uitloggen").first.click()
            # Streamlit also ends the session at the provider, which asks to confirm.
            page.get_by_role("button", name="End session").click()
            nav.get_by_role("link", name="Inloggen", exact=True).wait_for(timeout=TIMEOUT)
            assert nav.get_by_role("link", name="Fase bijwerken").count() == 0

            # An SSO identity without an account gets a clear message, not access.
            context = page.context.browser.new_context()
            other = context.new_page()
            other.goto(f"http://127.0.0.1:{port}")
            other_nav = other.get_by_test_id("stSidebarNavItems")
            other_nav.get_by_role("link", name="Inloggen", exact=True).click()
            other.get_by_role("button", name="Inloggen met je organisatieaccount").click()
            other.get_by_role("button", name="stranger", exact=True).click()
            other_nav.get_by_role("link", name="Inloggen", exact=True).click()
            other.get_by_text("Er is geen account voor onbekend@example.nl").wait_for(
                timeout=TIMEOUT
            )
            assert other_nav.get_by_role("link", name="Fase bijwerken").count() == 0
            context.close()
        finally:
            process.terminate()
            process.wait(timeout=10)
