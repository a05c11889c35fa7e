"""The family of refusals: every domain error carries a ``code`` and values to translate.

The UI and the CLI translate any DomainError the same way: ``i18n.translate(error.key, lang,
**error.values)``. Nothing has been written when one is raised.
"""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    """A refusal with a translation key ``<prefix>.<code>`` and the values its text needs."""

    prefix: ClassVar[str] = "error"

    def __init__(self, code: str, detail: str = "", **values: object) -> None:
        shown = f"{code}: {detail}" if detail else f"{code} {values}" if values else code
        super().__init__(shown)
        self.code = code
        self.detail = detail
        # Texts of errors with a detail show it as {detail}.
        self.values = {"detail": detail, **values} if detail else values

    @property
    def key(self) -> str:
        """The locale key of this refusal's text."""
        return f"{self.prefix}.{self.code}"
