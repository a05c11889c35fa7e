"""Fixtures of the web tests."""

from __future__ import annotations

import pytest

from estafette.accounts import Actor
from tests.web.routes import accounts_and_demo


@pytest.fixture
def actors(db_url: str) -> dict[str, Actor]:
    """The prepared accounts on a database with the demo planning (fifteen planned phases)."""
    return accounts_and_demo(db_url)
