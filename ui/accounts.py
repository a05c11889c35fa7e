"""Accounts: the first coordinator (sign-in page), and Beheer's list of accounts and roles."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from estafette import accounts
from estafette.accounts import Actor
from estafette.models import Role
from ui import write
from ui.core import moment, read, t


def has_coordinator() -> bool:
    """Whether the first-run form is closed."""
    return read(accounts.has_coordinator)


def bootstrap(email: str, password: str, name: str) -> bool:
    """Create the first coordinator; shows the reason when refused. They then sign in."""
    return write.attempt(
        lambda s: accounts.bootstrap_coordinator(s, email=email, password=password, name=name),
        success=t("auth.first_run_done"),
        # Someone else finished the first run in the meantime.
        denied="auth.first_run_closed",
    )


def users_table(actor: Actor) -> pd.DataFrame:
    """All accounts with translated headers."""
    users = read(lambda s: accounts.list_users(s, actor))
    return pd.DataFrame(
        {
            t("admin.col_email"): [u.email for u in users],
            t("admin.col_name"): [u.name for u in users],
            t("admin.col_role"): [t(f"user.role.{u.role}") for u in users],
            t("admin.col_cities"): [", ".join(u.city_names) for u in users],
            t("admin.col_active"): [u.active for u in users],
            t("admin.col_locked"): [moment(u.locked_until) for u in users],
        }
    )


def role_and_cities(
    label: str, city_names: dict[int, str], role_key: str, cities_key: str
) -> tuple[str, list[int]]:
    """A role choice and the cities a city lead would edit (inside an account form)."""
    role = st.selectbox(
        label,
        [r.value for r in Role],
        format_func=lambda r: t(f"user.role.{r}"),
        key=role_key,
    )
    chosen = st.multiselect(
        t("admin.cities"),
        list(city_names),
        format_func=city_names.get,
        placeholder=t("admin.choose"),
        key=cities_key,
    )
    return role, chosen
