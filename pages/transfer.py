"""Importeren en exporteren: the status table as CSV/XLSX/JSON, and a full backup download."""

import streamlit as st

from estafette import backup, status_import, transfer
from estafette.accounts import Action, can
from ui import transfer as transfer_ui
from ui import write
from ui.core import current_actor, language, t, tn
from ui.format import safe

actor = current_actor()
st.title(t("transfer.title"))
st.caption(t("transfer.intro"))
if not can(actor, Action.EXPORT_DATA):
    st.info(t("transfer.sign_in"))
    st.page_link("pages/login.py", label=t("auth.nav_login"), icon=":material/login:")
    st.stop()
write.show_flash()

st.subheader(t("transfer.export"))
st.caption(t("transfer.export_caption"))
dialect = st.radio(
    t("transfer.dialect.label"),
    list(transfer.CSV_DIALECTS),
    format_func=lambda code: t(f"transfer.dialect.{code}"),
    help=t("transfer.dialect.help"),
    horizontal=True,
    key="estafette.transfer.dialect",
)
buttons = st.container(horizontal=True)
for fmt in transfer.FORMATS:
    buttons.download_button(
        t(f"transfer.download_{fmt}"),
        transfer_ui.export(actor, fmt, dialect),
        file_name=f"estafette-status.{fmt}",
        mime=transfer.MIME_TYPES[fmt],
        key=f"estafette.transfer.{fmt}",
    )
if can(actor, Action.EXPORT_BACKUP):
    buttons.download_button(
        t("transfer.backup"),
        transfer_ui.backup(actor),
        file_name="estafette-backup.json",
        mime="application/json",
        help=t("transfer.backup_help"),
        key="estafette.transfer.backup",
    )

st.subheader(t("transfer.import"))
if not can(actor, Action.IMPORT_DATA):
    st.info(t("transfer.only_coordinators"))
    st.stop()
upload = st.file_uploader(
    t("transfer.upload"), type=list(transfer.FORMATS), key="estafette.transfer.upload"
)
if upload is not None and st.button(
    t("transfer.run_import"), type="primary", key="estafette.transfer.run"
):
    data = upload.getvalue()
    try:
        fmt = transfer.detect_format(upload.name)
        if fmt == "json" and backup.is_backup(data):
            st.info(t("transfer.backup_in_ui"))
            st.stop()
        result = write.perform(lambda s: status_import.import_status(s, actor, data, fmt))
    except transfer.ImportFailed as exc:
        # The file's own text (cells, column names) shows as text, never as Markdown.
        lines = transfer.issue_lines(exc.issues, language(), escape=safe)
        st.error("\n".join([tn("transfer.failed", len(lines)), *(f"- {line}" for line in lines)]))
    else:
        if result is not None:
            write.flash(
                t(
                    "transfer.imported",
                    rows=tn("transfer.rows_read", result.rows),
                    changed=tn("transfer.phases_changed", result.records_changed),
                    created=tn("transfer.dialogues_added", result.dialogues_created),
                )
                + " "
                + t("transfer.encoding_used", encoding=result.encoding)
            )
            st.rerun()
