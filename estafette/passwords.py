"""Passwords: the rules after NIST SP 800-63B, and their argon2id hashes.

The rules: length, no composition rules, no known or guessable passwords.

- At least ``MIN_LENGTH`` characters (spaces count; nothing is truncated), at most
  ``MAX_LENGTH``. No demands for digits, capitals or symbols.
- Refused when it is (a variation of) a common or breached password: zxcvbn's own frequency
  lists plus the bundled Dutch list ``data/common_passwords_nl.txt``.
- Refused when it is built from the person's e-mail address or name, or the app's name.
- Refused when the strength estimate of zxcvbn (a maintained port of Dropbox's estimator) is
  below ``MIN_SCORE``; the Dutch list and the context words count as known words there too.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

from estafette.settings import DATA_DIR

MIN_LENGTH = 12
MAX_LENGTH = 256
MIN_SCORE = 3  # zxcvbn 0–4: 3 means "safely unguessable" for an online attack with throttling
COMMON_LIST = DATA_DIR / "common_passwords_nl.txt"
APP_WORDS: tuple[str, ...] = ("estafette", "wijkdialoog", "wijk", "dialoog", "leergang")
# Parts of an e-mail domain that say nothing about the person.
_GENERIC_DOMAIN_PARTS = frozenset({"nl", "com", "org", "net", "eu", "info", "www", "mail"})
# zxcvbn's cost grows with length; its estimate of the first part is the estimate that matters.
_ESTIMATE_LENGTH = 72

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@dataclass(frozen=True)
class Refusal:
    """Why a password is refused: ``code`` (``user.error.<code>``) and its message values."""

    code: str
    values: dict[str, object] = field(default_factory=dict)


@functools.cache
def common_passwords() -> frozenset[str]:
    """The bundled Dutch list of common passwords and password words (lower case)."""
    lines = COMMON_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def context_words(email: str = "", name: str = "") -> list[str]:
    """Words an attacker tries first for this account: its e-mail parts, name and the app."""
    local, _, domain = email.strip().lower().partition("@")
    words = re.split(r"[^a-z0-9à-ÿ]+", local)
    words += [p for p in domain.split(".") if p not in _GENERIC_DOMAIN_PARTS]
    words += re.split(r"\W+", name.lower())
    words += list(APP_WORDS)
    return sorted({w for w in words if len(w) >= 3}, key=len, reverse=True)


def _letters(text: str) -> str:
    return re.sub(r"[\W\d_]+", "", text.lower())


def _is_common(password: str) -> bool:
    lowered = password.lower().strip()
    common = common_passwords()
    if lowered in common or lowered.replace(" ", "") in common:
        return True
    # "Welkom2024!", "!wachtwoord1": a listed word with digits and symbols around it.
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", lowered)
    if core in common or core.replace(" ", "") in common:
        return True
    # "Welkom2024!Welkom", "zomer2024zomer": nothing but listed words, digits and symbols.
    return _from_context(password, _common_words())


@functools.cache
def _common_words() -> list[str]:
    return sorted((w for w in common_passwords() if len(w) >= 4), key=len, reverse=True)


def _from_context(password: str, words: list[str]) -> bool:
    """Whether little more than context words, digits and symbols remain."""
    rest = password.lower()
    for word in words:
        rest = rest.replace(word, "")
    return len(_letters(rest)) < 4


def check(password: str, *, email: str = "", name: str = "") -> Refusal | None:
    """The reason ``password`` may not be used for this account, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return Refusal("password_short", {"min": MIN_LENGTH})
    if len(password) > MAX_LENGTH:
        return Refusal("password_long", {"max": MAX_LENGTH})
    if not password.strip():
        return Refusal("password_weak")
    if _is_common(password):
        return Refusal("password_common")
    words = context_words(email, name)
    if _from_context(password, words):
        return Refusal("password_context")
    known = [*words, *sorted(common_passwords())]
    estimate = zxcvbn(password[:_ESTIMATE_LENGTH], user_inputs=known)
    if estimate["score"] < MIN_SCORE:
        return Refusal("password_weak")
    return None


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (False for no hash or a broken one)."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with older parameters than the current ones."""
    return _hasher.check_needs_rehash(password_hash)
