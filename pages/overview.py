"""Overzicht: where each leg of the relay stands."""

import streamlit as st

from estafette.cities import matrix_table, status_key
from ui import loaders
from ui.core import database_url, t

url = database_url()
st.title(t("overview.title"))
st.caption(t("overview.intro"))

frame = loaders.overview(url)
if frame.empty:
    st.info(t("overview.empty"))
else:
    st.subheader(t("overview.current_phases"))
    columns = st.columns(min(len(frame), 4))
    for index, row in enumerate(frame.itertuples()):
        with columns[index % len(columns)], st.container(border=True):
            title = f"**{row.city}**"
            if row.neighbourhood:
                title += f" · {row.neighbourhood}"
            st.markdown(title)
            st.caption(t("overview.leg", leg=row.leg))
            st.markdown(f"### {row.current_phase}")
            st.markdown(t(status_key(row.current_status)))
            st.progress(
                row.completed / row.total,
                text=t("overview.progress_value", done=row.completed, total=row.total),
            )

    st.subheader(t("overview.matrix"))
    st.table(matrix_table(frame, t))

st.subheader(t("overview.themes"))
for column, theme in zip(st.columns(3), loaders.workshop_content(url)["themes"], strict=False):
    with column, st.container(border=True):
        st.markdown(f"**{theme.title}**")
        st.write(theme.description)
