"""De methode: the five phases and what the workshop produced, from the seed text."""

import streamlit as st

from ui import blocks, phases, workshop
from ui.core import database_url, language, t

url = database_url()
st.title(t("method.title"))
st.caption(t("method.intro"))

# Seeded texts, but a restored backup may bring any text: blocks escapes each one. Read-only
# text, so one HTML block per part instead of an element per heading and paragraph.
english = language() == "en"
blocks.show(
    *(
        blocks.card(
            f"{phase.position}. {phase.name}",
            blocks.paragraphs(phase.description_en if english else phase.description),
        )
        for phase in phases.phase_list(url)
    )
)

content = workshop.workshop_content(url)
if english:
    st.caption(t("method.quoted_in_dutch"))
blocks.show(
    blocks.columns(
        blocks.section(
            t("method.wishes"), blocks.titled((w.title, w.description) for w in content["wishes"])
        )
        + blocks.section(t("method.first_steps"), blocks.bullets(content["first_steps"])),
        blocks.section(t("method.ideal"), blocks.bullets(content["ideal_images"]))
        + blocks.section(t("method.quotes"), blocks.quotes(content["evaluation_quotes"])),
    )
)
st.caption(t("method.organisers"))
