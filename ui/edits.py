"""Stad: coordinators edit a city's or a dialogue's details, archive and restore them."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from estafette import dossier, edits
from estafette.accounts import Actor
from ui import write
from ui.core import t


def _coordinates(
    left: DeltaGenerator,
    right: DeltaGenerator,
    latitude: float | None,
    longitude: float | None,
    prefix: str,
) -> tuple[float | None, float | None]:
    """Latitude and longitude inputs side by side, to five decimals (about a metre)."""
    lat = left.number_input(t("edit.latitude"), value=latitude, format="%.5f", key=f"{prefix}.lat")
    lon = right.number_input(
        t("edit.longitude"), value=longitude, format="%.5f", key=f"{prefix}.lon"
    )
    return lat, lon


def city_editor(actor: Actor, found: dossier.CityDossier) -> None:
    """Coordinators: edit the city's details, archive or restore it."""
    with st.expander(t("edit.city_title"), icon=":material/edit:"):
        with st.form(key="estafette.city.edit_form"):
            name = st.text_input(t("edit.name"), found.name, key="estafette.city.edit.name")
            province = st.text_input(
                t("edit.province"), found.province, key="estafette.city.edit.province"
            )
            left, middle, right = st.columns(3)
            lat, lon = _coordinates(
                left, middle, found.latitude, found.longitude, "estafette.city.edit"
            )
            leg = right.number_input(
                t("edit.leg"), value=found.leg, min_value=1, step=1, key="estafette.city.edit.leg"
            )
            saved = st.form_submit_button(t("edit.save"), key="estafette.city.edit.save")
        if saved and write.attempt(
            lambda s: edits.edit_city(
                s,
                actor,
                found.id,
                name=name,
                province=province,
                latitude=float(lat),
                longitude=float(lon),
                leg=int(leg),
            ),
            success=t("edit.saved"),
        ):
            st.query_params["stad"] = name.strip()
            st.rerun()
        archive_button(actor, "city", found.id, found.archived)


def dialogue_editor(actor: Actor, summary: dossier.DialogueSummary) -> None:
    """Coordinators: edit the dialogue's details, archive or restore it."""
    with st.expander(t("edit.dialogue_title"), icon=":material/edit:"):
        with st.form(key="estafette.dialogue.edit_form"):
            hood = st.text_input(
                t("edit.neighbourhood"), summary.neighbourhood, key="estafette.dialogue.edit.hood"
            )
            theme = st.text_input(
                t("edit.theme"), summary.theme, key="estafette.dialogue.edit.theme"
            )
            question = st.text_area(
                t("edit.question"), summary.central_question, key="estafette.dialogue.edit.question"
            )
            own = st.checkbox(
                t("edit.own_location"),
                value=summary.latitude is not None,
                key="estafette.dialogue.edit.own_location",
            )
            left, right = st.columns(2)
            lat, lon = _coordinates(
                left, right, summary.latitude, summary.longitude, "estafette.dialogue.edit"
            )
            saved = st.form_submit_button(t("edit.save"), key="estafette.dialogue.edit.save")
        if saved and write.attempt(
            lambda s: edits.edit_dialogue(
                s,
                actor,
                summary.id,
                neighbourhood=hood,
                theme=theme,
                central_question=question,
                latitude=float(lat) if own and lat is not None else None,
                longitude=float(lon) if own and lon is not None else None,
            ),
            success=t("edit.saved"),
        ):
            st.rerun()
        archive_button(actor, "dialogue", summary.id, summary.archived)


def archive_button(actor: Actor, kind: str, target_id: int, archived: bool) -> None:
    """Archive (or restore) a city or a dialogue."""
    action = {
        ("city", False): edits.archive_city,
        ("city", True): edits.restore_city,
        ("dialogue", False): edits.archive_dialogue,
        ("dialogue", True): edits.restore_dialogue,
    }[(kind, archived)]
    label = t("edit.restore") if archived else t("edit.archive")
    st.caption(t(f"edit.{kind}_archive_help"))
    if st.button(
        label,
        key=f"estafette.{kind}.archive",
        icon=":material/unarchive:" if archived else ":material/archive:",
    ) and write.attempt(
        lambda s: action(s, actor, target_id),
        success=t("edit.restored") if archived else t("edit.archived"),
    ):
        st.rerun()
