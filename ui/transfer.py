"""Importeren en exporteren: the status table and the full backup as downloads."""

from __future__ import annotations

from estafette import transfer
from estafette.accounts import Actor
from estafette.backup import export_backup
from ui.core import read


def export(actor: Actor, fmt: str, dialect: str = transfer.spreadsheets.DEFAULT_DIALECT) -> bytes:
    """The status table in ``fmt`` (CSV in ``dialect``)."""
    return read(lambda s: transfer.export_status(s, actor, fmt, dialect=dialect))


def backup(actor: Actor) -> bytes:
    """The full JSON backup."""
    return read(lambda s: export_backup(s, actor))
