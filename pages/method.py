"""De methode: the five phases and what the workshop produced, from the seed text."""

import streamlit as st

from ui import phases, workshop
from ui.core import database_url, language, t

url = database_url()
st.title(t("method.title"))
st.caption(t("method.intro"))

for phase in phases.phase_list(url):
    with st.container(border=True):
        st.subheader(f"{phase.position}. {phase.name}")
        st.write(phase.description_en if language() == "en" else phase.description)

content = workshop.workshop_content(url)
if language() == "en":
    st.caption(t("method.quoted_in_dutch"))
left, right = st.columns(2)
with left:
    st.subheader(t("method.wishes"))
    for wish in content["wishes"]:
        st.markdown(f"**{wish.title}** — {wish.description}")
    st.subheader(t("method.first_steps"))
    st.markdown("\n".join(f"- {step}" for step in content["first_steps"]))
with right:
    st.subheader(t("method.ideal"))
    st.markdown("\n".join(f"- {image}" for image in content["ideal_images"]))
    st.subheader(t("method.quotes"))
    for quote in content["evaluation_quotes"]:
        st.markdown(f"> {quote}")
st.caption(t("method.organisers"))
