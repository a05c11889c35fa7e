"""Dates, times and numbers in the reader's language (Babel); times in Europe/Amsterdam."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

import numpy as np
import pandas as pd
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.dates import get_timezone
from babel.numbers import format_percent as _format_percent

from estafette import i18n

TIMEZONE = "Europe/Amsterdam"
_LOCALES = {"nl": "nl_NL", "en": "en_GB"}


def locale(lang: str) -> str:
    """The Babel locale of a UI language."""
    return _LOCALES[i18n.normalise_language(lang)]


def date(value: dt.date | pd.Timestamp | None, lang: str, fmt: str = "d MMM y") -> str:
    """A date such as "5 mrt. 2026" / "5 Mar 2026"; empty for no date."""
    if value is None or pd.isna(value):
        return ""
    if isinstance(value, dt.datetime):  # pd.Timestamp is a datetime too
        value = value.date()
    return _day_text(value, lang, fmt)


@functools.lru_cache(maxsize=16_384)
def _day_text(value: dt.date, lang: str, fmt: str) -> str:
    # Babel formats a date in about 50 µs; a national overview shows thousands of dates, mostly
    # the same ones again on every reload after a change.
    return _format_date(value, fmt, locale=locale(lang))


def datetime(value: dt.datetime | pd.Timestamp | None, lang: str) -> str:
    """A moment in Amsterdam time, e.g. "5 mrt. 2026 15:05"; naive values are taken as UTC."""
    if value is None or pd.isna(value):
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return _format_datetime(
        value, "d MMM y HH:mm", tzinfo=get_timezone(TIMEZONE), locale=locale(lang)
    )


def dates(values: pd.Series, lang: str, fmt: str = "d MMM y") -> pd.Series:
    """Each date of a column as :func:`date` does; formats each distinct date once."""
    stamps = pd.to_datetime(values)
    # Codes instead of iterating the column: iterating builds a Timestamp per row, which at
    # national scale (5,000 records) cost more than formatting the few hundred distinct dates.
    codes, distinct = pd.factorize(stamps)
    # A missing date has code -1, which picks the trailing "".
    labels = np.array([*(date(v, lang, fmt) for v in distinct), ""], dtype=object)
    return pd.Series(labels[codes], index=stamps.index, dtype=object)


@functools.lru_cache(maxsize=1024)
def percent(share: float, lang: str) -> str:
    """A share as a whole percentage in the reader's language ("60%" / "60 %")."""
    return _format_percent(share, "#,##0%", locale=locale(lang))


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(*parts: str) -> str:
    """A safe file-name stem: ASCII letters, digits and hyphens ("Súdwest-Fryslân v2" →
    "sudwest-fryslan-v2"); parts are joined by hyphens."""
    text = "-".join(parts).replace("ß", "ss")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-") or "estafette"
