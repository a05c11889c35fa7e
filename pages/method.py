"""De methode: the five phases and what the workshop produced, from the seed text."""

import streamlit as st

from ui import phases, workshop
from ui.core import database_url, language, t
from ui.format import safe

url = database_url()
st.title(t("method.title"))
st.caption(t("method.intro"))

# Seeded texts, but a restored backup may bring any text: each shows as text.
for phase in phases.phase_list(url):
    with st.container(border=True):
        st.subheader(f"{phase.position}. {safe(phase.name)}")
        st.markdown(safe(phase.description_en if language() == "en" else phase.description))

content = workshop.workshop_content(url)
if language() == "en":
    st.caption(t("method.quoted_in_dutch"))
left, right = st.columns(2)
with left:
    st.subheader(t("method.wishes"))
    # One Markdown element per list, not one per line: each element costs the browser a
    # Markdown parser of its own.
    st.markdown(
        "\n\n".join(f"**{safe(w.title)}** — {safe(w.description)}" for w in content["wishes"])
    )
    st.subheader(t("method.first_steps"))
    st.markdown("\n".join(f"- {safe(step)}" for step in content["first_steps"]))
with right:
    st.subheader(t("method.ideal"))
    st.markdown("\n".join(f"- {safe(image)}" for image in content["ideal_images"]))
    st.subheader(t("method.quotes"))
    st.markdown("\n\n".join(f"> {safe(quote)}" for quote in content["evaluation_quotes"]))
st.caption(t("method.organisers"))
