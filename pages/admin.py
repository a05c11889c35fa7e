"""Beheer: coordinators manage accounts, add cities and dialogues, and pass the baton."""

import datetime as dt

import streamlit as st

from estafette import accounts, privacy, relay
from estafette.accounts import Action, can
from ui import accounts as accounts_ui
from ui import privacy as privacy_ui
from ui import relay as relay_ui
from ui import sessions as sessions_ui
from ui import write
from ui.core import current_actor, database_url, day, t
from ui.format import place_label, safe, safe_t

actor = current_actor()
st.title(t("admin.title"))
if not can(actor, Action.MANAGE_USERS):
    st.info(t("admin.only_coordinators"))
    if actor.is_anonymous:
        st.page_link("pages/login.py", label=t("auth.nav_login"), icon=":material/login:")
    st.stop()
write.show_flash()

all_cities = relay_ui.city_list()
city_names = {c.id: c.name for c in all_cities}
# Keyed and stateful: after a save (and the rerun that shows its message) the same tab stays open.
users_tab, cities_tab, dialogues_tab, handover_tab, privacy_tab = st.tabs(
    [
        t("admin.tab_users"),
        t("admin.tab_cities"),
        t("admin.tab_dialogues"),
        t("admin.tab_handover"),
        t("privacy.tab"),
    ],
    key="estafette.admin.tab",
    on_change="rerun",
)

with users_tab:
    st.subheader(t("admin.users"))
    users = accounts_ui.users_table(actor)
    st.dataframe(users, hide_index=True, width="stretch")

    with st.form("estafette.admin.add_user_form", clear_on_submit=True):
        st.markdown(f"**{t('admin.add_user')}**")
        email = st.text_input(t("auth.email"), key="estafette.admin.user_email")
        name = st.text_input(t("auth.name"), key="estafette.admin.user_name")
        role, chosen = accounts_ui.role_and_cities(
            t("admin.role"), city_names, "estafette.admin.user_role", "estafette.admin.user_cities"
        )
        password = st.text_input(t("admin.password"), type="password", key="estafette.admin.pw")
        if st.form_submit_button(t("admin.add_user")):
            added = write.perform(
                lambda s: (
                    accounts.add_user(
                        s,
                        actor,
                        email=email,
                        role=role,
                        password=password or None,
                        name=name,
                        city_ids=chosen,
                    ).email
                )
            )
            if added:
                write.flash(safe_t("admin.user_added", email=added))
                st.rerun()

    emails = list(users[t("admin.col_email")])
    if emails:
        st.markdown(f"**{t('admin.manage_user')}**")
        target = st.selectbox(t("admin.pick_user"), emails, key="estafette.admin.target")
        row = st.container(horizontal=True)
        if row.button(t("admin.deactivate"), key="estafette.admin.deactivate") and write.perform(
            lambda s: accounts.deactivate_user(s, actor, target) or True
        ):
            write.flash(safe_t("admin.deactivated", email=target))
            st.rerun()
        if row.button(t("admin.reactivate"), key="estafette.admin.reactivate") and write.perform(
            lambda s: accounts.reactivate_user(s, actor, target) or True
        ):
            write.flash(safe_t("admin.reactivated", email=target))
            st.rerun()
        if row.button(
            t("sessions.end_all"), key="estafette.admin.end_sessions"
        ) and sessions_ui.end_all_for(actor, target):
            st.rerun()
        with st.form("estafette.admin.role_form"):
            new_role, role_cities = accounts_ui.role_and_cities(
                t("admin.new_role"),
                city_names,
                "estafette.admin.new_role",
                "estafette.admin.role_cities",
            )
            if st.form_submit_button(t("admin.change_role")) and write.perform(
                lambda s: accounts.set_role(s, actor, target, new_role, role_cities) or True
            ):
                write.flash(
                    safe_t("admin.role_changed", email=target, role=t(f"user.role.{new_role}"))
                )
                st.rerun()
        with st.form("estafette.admin.reset_form", clear_on_submit=True):
            new_password = st.text_input(
                t("admin.new_password"), type="password", key="estafette.admin.new_pw"
            )
            if st.form_submit_button(t("admin.reset")) and write.perform(
                lambda s: accounts.reset_password(s, actor, target, new_password) or True
            ):
                write.flash(safe_t("admin.reset_done", email=target))
                st.rerun()

with cities_tab:
    st.dataframe(
        relay_ui.cities_table(all_cities),
        hide_index=True,
        width="stretch",
        # Same precision for every city, so the coordinates line up.
        column_config={
            t("relay.latitude"): st.column_config.NumberColumn(format="%.4f"),
            t("relay.longitude"): st.column_config.NumberColumn(format="%.4f"),
        },
    )
    st.markdown(f"**{t('relay.add_city')}**")
    query = st.text_input(t("relay.place"), help=t("relay.place_help"), key="estafette.admin.place")
    matches = relay.lookup_place(query) if query.strip() else []
    place = None
    if matches:
        place = st.selectbox(
            t("relay.matches"),
            matches,
            format_func=lambda p: f"{p.name} ({p.province}) · {p.latitude:.4f}, {p.longitude:.4f}",
            key="estafette.admin.match",
        )
    elif query.strip():
        st.info(t("relay.no_match"))
    # Without a gazetteer match the coordinates must be typed in; with one they may be.
    override = (
        st.checkbox(t("relay.override"), key="estafette.admin.override")
        if matches
        else bool(query.strip())
    )
    latitude = longitude = None
    province = place.province if place else ""
    if override:
        lat_col, lon_col, prov_col = st.columns(3)
        latitude = lat_col.number_input(
            t("relay.latitude"),
            # No made-up default: without a match the coordinates stay empty until typed.
            value=place.latitude if place else None,
            format="%.5f",
            key="estafette.admin.lat",
        )
        longitude = lon_col.number_input(
            t("relay.longitude"),
            value=place.longitude if place else None,
            format="%.5f",
            key="estafette.admin.lon",
        )
        province = prov_col.text_input(
            t("relay.province"), value=province, key="estafette.admin.province"
        )
    elif place is not None:
        latitude, longitude = place.latitude, place.longitude
    st.caption(t("relay.next_leg", leg=relay_ui.next_leg()))
    if st.button(t("relay.add_city"), key="estafette.admin.add_city", disabled=not query.strip()):
        name = query.strip()  # the name as typed; a match only supplies the coordinates
        added = write.perform(
            lambda s: relay_ui.city_summary(
                relay.add_city(
                    s,
                    actor,
                    name=name,
                    latitude=latitude,
                    longitude=longitude,
                    province=province or None,
                )
            )
        )
        if added:
            write.flash(safe_t("relay.city_added", name=added[0], leg=added[1]))
            st.rerun()

with dialogues_tab, st.form("estafette.admin.dialogue_form", clear_on_submit=True):
    st.markdown(f"**{t('relay.add_dialogue')}**")
    city_id = st.selectbox(
        t("relay.city"),
        list(city_names),
        format_func=city_names.get,
        key="estafette.admin.d_city",
    )
    hood = st.text_input(t("relay.neighbourhood"), key="estafette.admin.d_hood")
    theme = st.text_input(t("relay.theme"), key="estafette.admin.d_theme")
    question = st.text_area(t("relay.central_question"), key="estafette.admin.d_question")
    if (
        st.form_submit_button(t("relay.add_dialogue"))
        and city_id is not None
        and write.perform(
            lambda s: (
                relay.add_dialogue(
                    s,
                    actor,
                    city_id=city_id,
                    neighbourhood=hood,
                    theme=theme,
                    central_question=question,
                ).id
            )
        )
    ):
        write.flash(safe_t("relay.dialogue_added", city=city_names[city_id]))
        st.rerun()

with handover_tab:
    st.caption(t("relay.handover_intro"))
    candidates = dict(relay_ui.handover_candidates())
    if not candidates:
        st.info(t("relay.no_candidates"))
    else:
        # Outside the form, so that choosing the dialogue moves "Naar stad" to the next leg.
        source = st.selectbox(
            t("relay.from_dialogue"),
            list(candidates),
            format_func=candidates.get,
            key="estafette.admin.h_from",
            on_change=relay_ui.preselect_next_city,
            args=("estafette.admin.h_from",),
        )
        if relay_ui.HANDOVER_TO_KEY not in st.session_state:
            relay_ui.preselect_next_city("estafette.admin.h_from")
        with st.form("estafette.admin.handover_form"):
            target_city = st.selectbox(
                t("relay.to_city"),
                list(city_names),
                format_func=city_names.get,
                placeholder=t("handover.placeholder"),
                key=relay_ui.HANDOVER_TO_KEY,
            )
            on = st.date_input(
                t("relay.handover_date"),
                max_value=dt.date(2100, 12, 31),
                format="DD-MM-YYYY",
                key="estafette.admin.h_date",
            )
            note = st.text_area(t("relay.handover_note"), key="estafette.admin.h_note")
            st.markdown(f"**{t('relay.checklist')}**")
            checks = {
                item: st.checkbox(t(f"relay.check.{item}"), key=f"estafette.admin.h_{item}")
                for item in relay.CHECKLIST
            }
            submitted = st.form_submit_button(t("relay.record_handover"))
            if submitted and target_city is None:
                st.error(t("handover.choose_city"), icon=":material/error:")
            elif submitted and write.perform(
                lambda s: (
                    relay.record_handover(
                        s,
                        actor,
                        from_dialogue_id=source,
                        to_city_id=target_city,
                        handed_over_on=on,
                        note=note,
                        checklist=checks,
                    ).id
                )
            ):
                write.flash(
                    safe_t(
                        "relay.handover_done",
                        from_city=candidates[source],
                        to_city=city_names[target_city],
                    )
                )
                st.rerun()
    st.subheader(t("relay.handovers"))
    done = relay_ui.handovers(database_url())
    if not done:
        st.caption(t("relay.no_handovers"))
    for item in done:
        st.markdown(
            "- "
            + safe_t(
                "relay.handover_line",
                date=day(item.handed_over_on),
                from_city=place_label(item.from_city, item.from_neighbourhood),
                to_city=item.to_city,
            )
            + (f" — {safe(item.note)}" if item.note else "")
        )

with privacy_tab:
    st.subheader(t("privacy.person"))
    st.caption(t("privacy.person_help"))
    person = st.text_input(t("auth.email"), key="estafette.admin.privacy_email")
    export_col, forget_col = st.columns(2)
    if export_col.button(t("privacy.export"), key="estafette.admin.privacy_export"):
        document = privacy_ui.person_export(actor, person)
        if document is not None:
            st.session_state["estafette.admin.privacy_document"] = (person, document)
    prepared = st.session_state.get("estafette.admin.privacy_document")
    if prepared:
        export_col.download_button(
            safe_t("privacy.download", email=prepared[0]),
            prepared[1],
            file_name="persoonsgegevens.json",
            mime="application/json",
            key="estafette.admin.privacy_download",
        )
    confirmed = forget_col.checkbox(
        t("privacy.forget_confirm"), key="estafette.admin.privacy_confirm"
    )
    if forget_col.button(
        t("privacy.forget"),
        key="estafette.admin.privacy_forget",
        type="primary",
        disabled=not confirmed,
    ):
        report = write.perform(lambda s: privacy.forget(s, actor, person))
        if report is not None:
            write.flash(
                safe_t("privacy.forgotten", pseudonym=report.pseudonym)
                + "\n\n"
                + "\n".join(f"- {safe(line)}" for line in report.lines())
            )
            st.session_state.pop("estafette.admin.privacy_document", None)
            st.rerun()
    st.subheader(t("privacy.audit.title"))
    st.caption(t("privacy.audit.help"))
    st.dataframe(privacy_ui.audit_table(actor), hide_index=True, width="stretch")
