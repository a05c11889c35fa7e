"""SSO: an OIDC login (st.login against a local mock provider) maps to the account by e-mail."""

from __future__ import annotations

import pytest
from oidc_provider_mock import User, run_server_in_thread

from tests.browser.conftest import _free_port
from tests.uihelpers import prepare

pytestmark = pytest.mark.browser
TIMEOUT = 30_000


def test_sso_login_maps_to_account_by_email(page, tmp_path, server_factory) -> None:
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
        server = server_factory(url, port=port, secrets=secrets)
        page.goto(server.url)
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
        other.goto(server.url)
        other_nav = other.get_by_test_id("stSidebarNavItems")
        other_nav.get_by_role("link", name="Inloggen", exact=True).click()
        other.get_by_role("button", name="Inloggen met je organisatieaccount").click()
        other.get_by_role("button", name="stranger", exact=True).click()
        other_nav.get_by_role("link", name="Inloggen", exact=True).click()
        other.get_by_text("Er is geen account voor onbekend@example.nl").wait_for(timeout=TIMEOUT)
        assert other_nav.get_by_role("link", name="Fase bijwerken").count() == 0
        context.close()
