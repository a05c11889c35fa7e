"""Beheer's privacy tab: a person's data to download, and the audit log of who did what."""

from __future__ import annotations

import json

import pandas as pd

from estafette import audit, privacy
from estafette.accounts import Actor
from ui import write
from ui.core import moment, read, t


def person_export(actor: Actor, email: str) -> bytes | None:
    """A person's data as JSON bytes (recorded in the audit log), or None when refused."""
    document = write.perform(lambda s: privacy.export_person(s, actor, email))
    if document is None:
        return None
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


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
