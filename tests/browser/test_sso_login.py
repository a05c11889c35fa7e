"""SSO: an OIDC login (st.login against a local mock provider) maps to the account by e-mail."""

from __future__ import annotations

import pytest
from oidc_provider_mock import User, run_server_in_thread
from sqlalchemy import select
from sqlalchemy.orm import Session

from estafette import db
from estafette.models import UserSession
from tests.browser.conftest import _free_port
from tests.browser.streamlit_page import (
    click_and_settle,
    goto,
    open_page,
    reload,
    settle,
)
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
        goto(page, server.url)
        nav = page.get_by_test_id("stSidebarNavItems")
        open_page(page, "Inloggen")
        login_via_provider(page, server.url, "lead")
        page.get_by_text("Ingelogd als Stadstrekker Deventer (stadstrekker)").first.wait_for(
            timeout=TIMEOUT
        )
        assert nav.get_by_role("link", name="Fase bijwerken").count() == 1
        # The same server-side session as a local sign-in: an HttpOnly cookie, a row by hash.
        cookies = {c["name"]: c for c in page.context.cookies()}
        assert cookies["estafette_session"]["httpOnly"]
        assert session_methods(url) == ["sso"]
        reload(page)
        page.get_by_text("Ingelogd als Stadstrekker Deventer (stadstrekker)").first.wait_for(
            timeout=TIMEOUT
        )
        click_and_settle(page, page.get_by_role("button", name="Uitloggen").first)
        page.get_by_text("Je bent uitgelogd.").wait_for(timeout=TIMEOUT)
        assert nav.get_by_role("link", name="Fase bijwerken").count() == 0
        assert not any(c["name"].startswith("_streamlit_user") for c in page.context.cookies())

        # An SSO identity without an account gets a clear message, not access.
        context = page.context.browser.new_context()
        other = context.new_page()
        goto(other, server.url + "/inloggen")
        login_via_provider(other, server.url, "stranger")
        other.get_by_text(
            "Er is geen account voor het e-mailadres van je organisatieaccount"
        ).wait_for(timeout=TIMEOUT)
        assert (
            other.get_by_test_id("stSidebarNavItems")
            .get_by_role("link", name="Fase bijwerken")
            .count()
            == 0
        )
        assert "estafette_session" not in {c["name"] for c in context.cookies()}
        context.close()


def login_via_provider(page, app_url: str, user: str) -> None:
    """Sign in with the organisation account: the provider's page, then back in the app."""
    settle(page)
    # st.login leaves the app for the provider's page (no Streamlit there to settle).
    page.get_by_role("button", name="Inloggen met je organisatieaccount").click()
    page.get_by_role("button", name=user, exact=True).click(timeout=TIMEOUT)
    page.wait_for_url(f"{app_url}/**", timeout=TIMEOUT)
    settle(page)


def session_methods(url: str) -> list[str]:
    """How each stored session was opened."""
    engine = db.make_engine(url)
    with Session(engine) as session:
        methods = list(session.scalars(select(UserSession.method)))
    engine.dispose()
    return methods
