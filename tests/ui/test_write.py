"""The one write helper translates every domain refusal through its code and values."""

from __future__ import annotations

import pytest

from estafette import db, i18n
from estafette.accounts import AccountError
from estafette.errors import DomainError
from estafette.lessons import LessonError
from estafette.permissions import PermissionDenied
from ui import write


def _family(cls: type) -> set[type]:
    return {cls} | {sub for child in cls.__subclasses__() for sub in _family(child)}


def test_every_domain_error_prefix_has_texts() -> None:
    # Importing the domain modules registers every subclass.
    import estafette.calendar_feed
    import estafette.edits
    import estafette.privacy
    import estafette.relay
    import estafette.reminders
    import estafette.report  # noqa: F401

    keys = i18n.catalog()
    family = _family(DomainError) - {DomainError}
    assert len(family) >= 10
    for cls in family:
        assert any(key.startswith(cls.prefix + ".") for key in keys), cls.__name__


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (PermissionDenied("nope"), "Dat mag je niet doen met jouw rol. Er is niets gewijzigd."),
        (LessonError("reason_required"), "Geef een reden voor het afwijzen."),
        (AccountError("email_taken", email="a@b.nl"), "Er bestaat al een account voor a@b.nl."),
    ],
)
def test_message_translates_code_and_values(error: DomainError, text: str) -> None:
    assert write.message(error) == text


def test_message_can_name_the_refusal_of_a_page() -> None:
    shown = write.message(PermissionDenied(), denied="lessons.error.permission")
    assert shown.startswith("Alleen trainers en coördinatoren")


def test_storage_errors_name_the_database() -> None:
    shown = write.message(db.StorageError("readonly", "attempt to write"))
    assert shown.startswith("De database is alleen-lezen (")
    assert "{" not in shown


def test_anything_else_is_not_swallowed() -> None:
    with pytest.raises(TypeError):
        write.message(RuntimeError("a bug"))
