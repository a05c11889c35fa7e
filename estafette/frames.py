"""Flat tables straight from the driver: plain rows, and dates the database turns into numbers.

After every status save each app process reads all phase records again, so this path is
timed in milliseconds: parsing thousands of ISO date strings in pandas cost more than the query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Float, Select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


def fetch(session: Session, stmt: Select[Any]) -> list[tuple[Any, ...]]:
    """Run ``stmt`` and return plain tuples straight from the driver.

    Tens of thousands of rows spend more time in SQLAlchemy's Row objects than in the
    database; the statement is still built with select() and compiled for the dialect
    (no user values: the only bound values are our own integers, rendered as literals).
    """
    connection = session.connection()
    sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def frame(rows: Sequence[Sequence[Any]], columns: list[str]) -> pd.DataFrame:
    """Plain driver tuples to a frame (an empty result still has its columns)."""
    if not rows:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})
    return pd.DataFrame.from_records(rows, columns=columns)


def timestamps(values: pd.Series) -> pd.Series:
    """ISO 8601 text to naive nanosecond timestamps; what does not parse is NaT."""
    return pd.to_datetime(values, errors="coerce", format="ISO8601").astype("datetime64[ns]")


class epoch_days(FunctionElement[float]):
    """A DATE column as days since 1970-01-01, a number (NULL stays NULL); see ``days``."""

    type = Float()
    inherit_cache = True


@compiles(epoch_days, "sqlite")
def _epoch_days_sqlite(element: epoch_days, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps a DATE as "YYYY-MM-DD" text; julianday() of it is a whole day plus one half.
    return f"(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5)"


@compiles(epoch_days, "postgresql")
def _epoch_days_postgresql(element: epoch_days, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} - DATE '1970-01-01')"


def days(values: Sequence[float | None]) -> np.ndarray:
    """Days since 1970 (``epoch_days``) as nanosecond timestamps; None is NaT."""
    # A DATE holds whole days, so seconds are exact; numpy is far quicker than to_datetime here.
    seconds = np.array(values, dtype=float) * 86400
    return seconds.astype("datetime64[s]").astype("datetime64[ns]")


def moments(values: Sequence[dt.datetime | str | None]) -> np.ndarray:
    """A DATETIME column as the driver gives it, as nanosecond timestamps (None is NaT).

    psycopg gives datetime objects, which pandas converts in C, exactly; SQLite gives the
    ISO text it stores (its own date functions would round to milliseconds).
    """
    sample = next((value for value in values if value is not None), None)
    if isinstance(sample, str):
        return timestamps(pd.Series(values, dtype=object)).to_numpy()
    return pd.DatetimeIndex(values).to_numpy().astype("datetime64[ns]")


# What pandas infers for Python strings: Arrow text, pandas 3's default.
_INFERRED_TEXT = pd.Index(["text"]).dtype


def as_inferred(values: pd.api.extensions.ExtensionArray) -> Any:
    """``values`` as a DataFrame column infers them from ``values.to_numpy()``, quicker.

    Arrow text holding any value comes back unchanged from that round trip, which costs a
    conversion per value both ways; anything else (no text at all, other types) takes it.
    """
    if (
        isinstance(values.dtype, pd.StringDtype)
        and values.dtype == _INFERRED_TEXT
        and not values.isna().all()
    ):
        return values
    return values.to_numpy()
