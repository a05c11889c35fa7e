"""Overzicht: where each leg of the relay stands, what needs attention, and how far it got."""

import streamlit as st

from estafette.accounts import Action, can
from ui import alerts as alerts_ui
from ui import blocks, cities, filters, history, live, paging, relay, report, tables, workshop
from ui.core import current_actor, database_url, language, settings, t
from ui.format import safe

# Beyond this many dialogues, cards and a static table stop being readable.
CARD_LIMIT = 12
CARDS_PER_ROW = 4
ALERTS_PAGE = "estafette.overview.alerts_page"
MATRIX_PAGE = "estafette.overview.matrix_page"
PROGRESS_PAGE = "estafette.overview.progress_page"

url = database_url()
live.follow()
today = filters.today()
city_names, phase_names, span = history.choices(url, today)
view = filters.sidebar(city_names, phase_names, span)

st.title(t("overview.title"))
st.caption(t("overview.intro"))
filters.as_of_banner(view)

if view.as_of is None and relay.relay_untouched(url):
    # A fresh install: the seeded 2018 workshop state is where the relay starts, not neglect.
    actor = current_actor()
    if can(actor, Action.MANAGE_USERS):
        with st.container(border=True, key="estafette.overview.first_run"):
            st.info(t("firstrun.coordinator"), icon=":material/flag:")
            st.page_link(
                "pages/admin.py", label=t("firstrun.add_lead"), icon=":material/person_add:"
            )
            st.page_link("pages/status.py", label=t("firstrun.set_dates"), icon=":material/event:")
    else:
        st.caption(t("firstrun.neutral"))


# Each table shows one page and reruns on its own (a fragment) when its page is turned; the
# page numbers live in session state, so a live rerun keeps them.
@st.fragment
def alerts_panel() -> None:
    """The count of all alerts in view, and one page of them, most urgent first."""
    stale_days = st.number_input(
        t("alerts.stale_days"),
        min_value=1,
        max_value=3650,
        value=settings().stale_days,
        step=1,
        key="estafette.overview.stale_days",
        width=240,
    )
    table, at = alerts_ui.alert_page(
        url, view, today, int(stale_days), language(), paging.requested(ALERTS_PAGE)
    )
    if not at.total:
        st.success(t("alerts.none"), icon=":material/check_circle:")
        return
    counts = alerts_ui.alert_counts(url, view, today, int(stale_days))
    st.warning(t("alerts.count", **counts), icon=":material/warning:")
    with st.container(key="estafette.overview.alerts"):
        paging.pager(at, ALERTS_PAGE, "alerts")
        tables.show(table)


@st.fragment
def matrix_panel() -> None:
    """One page of the city × phase matrix, as a plain table."""
    table, at = relay.matrix(url, view, language(), paging.requested(MATRIX_PAGE))
    with st.container(key="estafette.overview.matrix"):
        paging.pager(at, MATRIX_PAGE, "matrix")
        tables.show(table, index=True)


@st.fragment
def progress_panel() -> None:
    """One page of the progress per city, in relay order."""
    per_city, at = relay.city_progress(url, view, language(), paging.requested(PROGRESS_PAGE))
    with st.container(key="estafette.progress.cities"):
        paging.pager(at, PROGRESS_PAGE, "progress")
        tables.show(per_city)


shown = history.in_view(url, view)
empty_cities = relay.empty_cities(url, view)
if shown.empty and empty_cities.empty:
    st.info(t("overview.empty") if not city_names else t("map.empty"))
if not empty_cities.empty:
    # A city joins the relay before its first dialogue: it shows from the day it is added.
    st.subheader(t("overview.without_dialogue"))
    rows = list(empty_cities.itertuples())
    for start in range(0, min(len(rows), CARD_LIMIT), CARDS_PER_ROW):
        columns = st.columns(CARDS_PER_ROW)
        for column, row in zip(columns, rows[start : start + CARDS_PER_ROW], strict=False):
            with column, st.container(border=True):
                st.markdown(f"**{safe(row.city)}**")
                st.markdown(f"{t('overview.leg', leg=row.leg)} · {t('overview.no_dialogue')}")
    if len(rows) > CARD_LIMIT:
        st.markdown(
            ", ".join(f"{safe(r.city)} ({t('overview.no_dialogue')})" for r in rows[CARD_LIMIT:])
        )
if not shown.empty:
    if len(shown) <= CARD_LIMIT:
        st.subheader(t("overview.current_phases"))
        # One card per city (relay order): a city with several dialogues lists them inside.
        groups = relay.city_cards(shown)
        # One st.columns row per four cards: cards read left to right, and each row's cards
        # stretch to the tallest one so the row lines up.
        for start in range(0, len(groups), CARDS_PER_ROW):
            columns = st.columns(CARDS_PER_ROW)
            for column, (leg, city, rows) in zip(
                columns, groups[start : start + CARDS_PER_ROW], strict=False
            ):
                with column, st.container(border=True, height="stretch"):
                    st.markdown(f"**{safe(city)}**")
                    st.caption(t("overview.leg", leg=leg))
                    for number, row in enumerate(rows.itertuples()):
                        if number:
                            st.divider()
                        # Neighbourhood names vary in length: keep them on their own caption
                        # line so the phase names line up across a row.
                        st.caption(safe(row.neighbourhood or t("overview.undecided")))
                        cities.dialogue_state(
                            row.current_phase,
                            row.current_status,
                            row.completed,
                            row.total,
                            row.dialogue_id,
                        )

    st.caption(t("city.link"))
    cities.city_links(list(dict.fromkeys(shown["city"])), "estafette.overview.city_link")

    st.subheader(t("alerts.title"))
    alerts_panel()

    st.subheader(t("overview.matrix"))
    matrix_panel()

    st.subheader(t("progress.title"))
    done, total = relay.relay_progress(url, view)
    st.progress(done / total if total else 0.0, text=t("progress.relay", done=done, total=total))
    progress_panel()

    report.report_download(url, view.as_of, settings().stale_days)

st.subheader(t("overview.themes"))
if language() == "en":
    st.caption(t("method.quoted_in_dutch"))
# Seeded, but a restored backup may bring any text: blocks escapes it. Read-only text, so one
# HTML block for the three cards instead of twelve elements.
themes = workshop.workshop_content(url)["themes"]
blocks.show(blocks.columns(*(blocks.note(theme.title, theme.description) for theme in themes)))
