"""Streamlit glue of the coordinator pages: run a domain action, report its outcome in Dutch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from estafette import accounts, audit, cities, privacy, relay, transfer
from estafette.accounts import Actor
from estafette.backup import export_backup
from estafette.models import Role
from ui.core import database_url, engine, moment, t, tn
from ui.write import flash, perform, show_flash  # noqa: F401  (the pages' names for them)

attempt = perform  # the coordinator pages' name for the one write helper

T = TypeVar("T")


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


def end_sessions(session: Session, actor: Actor, email: str) -> int:
    """End every sign-in session of ``email`` and leave a message saying how many."""
    from estafette import sessions

    count = sessions.end_all_for(session, actor, accounts.find_user(session, actor, email).id)
    flash(tn("sessions.ended_all", count, email=email))
    return count


def read(action: Callable[[Session], T]) -> T:
    """Run a read-only domain query."""
    with Session(engine(database_url())) as session:
        return action(session)


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


def audit_table(actor: Actor) -> pd.DataFrame:
    """The newest audit entries with translated headers."""
    entries = read(lambda s: audit.entries(s, actor))
    return pd.DataFrame(
        {
            t("privacy.audit.col_at"): [moment(e.at) for e in entries],
            t("privacy.audit.col_actor"): [e.actor for e in entries],
            t("privacy.audit.col_action"): [e.action for e in entries],
            t("privacy.audit.col_target"): [e.target for e in entries],
            t("privacy.audit.col_detail"): [e.detail for e in entries],
        }
    )


def person_export(actor: Actor, email: str) -> bytes | None:
    """A person's data as JSON bytes (recorded in the audit log), or None when refused."""
    import json

    document = attempt(lambda s: privacy.export_person(s, actor, email))
    if document is None:
        return None
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def city_list() -> list[cities.CityInfo]:
    """All cities in relay order."""
    return read(cities.list_cities)


def city_summary(city: object) -> tuple[str, int]:
    """Name and leg of a just-added city, read while its session is open."""
    return (city.name, city.leg)  # type: ignore[attr-defined]


def cities_table(city_infos: list[cities.CityInfo]) -> pd.DataFrame:
    """The cities with translated headers, in relay order."""
    return pd.DataFrame(
        {
            t("relay.leg"): [c.leg for c in city_infos],
            t("relay.city"): [c.name for c in city_infos],
            t("relay.province"): [c.province for c in city_infos],
            t("relay.latitude"): [c.latitude for c in city_infos],
            t("relay.longitude"): [c.longitude for c in city_infos],
        }
    )


def next_leg() -> int:
    """The leg number the next city gets."""
    return read(relay.next_leg)


def handover_candidates() -> list[tuple[int, str]]:
    """Dialogues in Vervolgen."""
    return read(relay.handover_candidates)


HANDOVER_TO_KEY = "estafette.admin.h_to"


def preselect_next_city(source_key: str) -> None:
    """Point the hand-over's "Naar stad" at the next leg after the chosen dialogue's city."""
    source = st.session_state.get(source_key)
    if source is not None:
        st.session_state[HANDOVER_TO_KEY] = read(lambda s: relay.next_city(s, source))


def handovers() -> list[relay.HandoverInfo]:
    """All hand-overs."""
    return read(relay.handovers)


def export(actor: Actor, fmt: str, dialect: str = transfer.spreadsheets.DEFAULT_DIALECT) -> bytes:
    """The status table in ``fmt`` (CSV in ``dialect``)."""
    return read(lambda s: transfer.export_status(s, actor, fmt, dialect=dialect))


def backup(actor: Actor) -> bytes:
    """The full JSON backup."""
    return read(lambda s: export_backup(s, actor))
