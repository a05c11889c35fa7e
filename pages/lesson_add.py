"""Les toevoegen: anyone signed in proposes a lesson in the appreciative frame."""

import datetime as dt

import streamlit as st

from estafette import lessons
from estafette.accounts import Action
from ui import lessons as ui
from ui import write
from ui.core import database_url, t

url = database_url()
st.title(t("lesson_add.title"))
st.caption(t("lesson_add.intro"))
actor = ui.require_sign_in(Action.PROPOSE_LESSON)
opts = ui.options(url)

# One choice for where the lesson comes from: a dialogue, a whole city, or the Leergang.
places: dict[str, str] = {}
for d in opts.dialogues:
    places[f"d:{d.id}"] = ui.dialogue_label(d)
for city_id, name in opts.cities:
    places[f"c:{city_id}"] = t("lesson_add.place_city", city=name)
places["leergang"] = t("lessons.scope_leergang")
own = [f"d:{d.id}" for d in opts.dialogues if d.city_id in actor.city_ids]

with st.form("estafette.lesson_add.form", clear_on_submit=False):
    title = st.text_input(t("lesson_add.field_title"), key="estafette.lesson_add.title")
    left, right = st.columns(2)
    place = left.selectbox(
        t("lesson_add.place"),
        list(places),
        index=list(places).index(own[0]) if own else 0,
        format_func=places.get,
        key="estafette.lesson_add.place",
    )
    phase = right.selectbox(
        t("lessons.filter.phase"),
        [p[0] for p in opts.phases],
        format_func=dict(opts.phases).get,
        key="estafette.lesson_add.phase",
    )
    texts = {
        name: st.text_area(
            t(f"lessons.field.{name}"),
            help=t(f"lesson_add.help.{name}"),
            key=f"estafette.lesson_add.{name}",
            height=90,
        )
        for name in lessons.TEXT_FIELDS
    }
    wishes = st.multiselect(
        t("lessons.themes"),
        [w[0] for w in opts.wishes],
        format_func=dict(opts.wishes).get,
        placeholder=t("lesson_add.themes_placeholder"),
        key="estafette.lesson_add.wishes",
    )
    tags = st.text_input(
        t("lesson_add.tags"), help=t("lesson_add.tags_help"), key="estafette.lesson_add.tags"
    )
    lesson_date = st.date_input(
        t("lesson_add.date"),
        value=dt.date.today(),
        format="DD-MM-YYYY",
        key="estafette.lesson_add.date",
    )
    st.markdown(f"**{t('lesson_add.quotes')}**")
    st.caption(t("lesson_add.quotes_help"))
    quotes = []
    for n in range(1, 4):
        q_left, q_right = st.columns([4, 1])
        text = q_left.text_input(t("lesson_add.quote", n=n), key=f"estafette.lesson_add.quote_{n}")
        consent = q_right.checkbox(t("lesson_add.consent"), key=f"estafette.lesson_add.consent_{n}")
        quotes.append((text, consent))
    consent_basis = st.selectbox(
        t("lesson_add.consent_basis.label"),
        lessons.CONSENT_BASES,
        format_func=lambda basis: t(f"lesson_add.consent_basis.{basis}"),
        help=t("lesson_add.consent_basis.help"),
        key="estafette.lesson_add.consent_basis",
    )
    submitted = st.form_submit_button(
        t("lesson_add.submit"), type="primary", key="estafette.lesson_add.submit"
    )

if submitted:
    kind, _, ident = place.partition(":")
    data = lessons.LessonInput(
        title=title,
        phase_code=phase,
        dialogue_id=int(ident) if kind == "d" else None,
        city_id=int(ident) if kind == "c" else None,
        leergang=kind == "leergang",
        wish_codes=wishes,
        tags=lessons.parse_tags(tags),
        quotes=quotes,
        consent_basis=consent_basis,
        lesson_date=lesson_date,
        **texts,
    )
    if ui.run_write(lessons.propose, actor, data, success=t("lesson_add.saved")):
        # Confirmed in this run, below the form (which keeps what was typed).
        write.show_flash()
        st.page_link("pages/lessons.py", label=t("lesson_add.to_lessons"))
