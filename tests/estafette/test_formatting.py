"""Dates of a whole column, as the matrix, report and tables show them."""

from __future__ import annotations

import pandas as pd

from estafette import formatting


def test_dates_formats_each_row_and_leaves_missing_dates_blank() -> None:
    values = pd.Series(
        [
            pd.Timestamp("2026-03-05"),
            pd.NaT,
            pd.Timestamp("2026-03-05"),
            pd.Timestamp("2025-12-31"),
        ],
        index=[10, 11, 12, 13],
    )
    shown = formatting.dates(values, "nl")
    assert shown.tolist() == ["5 mrt 2026", "", "5 mrt 2026", "31 dec 2025"]
    assert shown.index.tolist() == [10, 11, 12, 13]
    assert formatting.dates(values, "en").tolist()[3] == "31 Dec 2025"
    # Each row matches the single-date formatter.
    assert shown[13] == formatting.date(values[13], "nl")


def test_dates_of_an_empty_or_all_missing_column() -> None:
    assert formatting.dates(pd.Series([], dtype="datetime64[ns]"), "nl").tolist() == []
    assert formatting.dates(pd.Series([pd.NaT, pd.NaT]), "en").tolist() == ["", ""]


def test_percent_is_a_whole_percentage_in_either_language() -> None:
    assert formatting.percent(0.6, "nl") == "60%"
    assert formatting.percent(1 / 3, "en") == "33%"
    assert formatting.percent(0.0, "nl") == "0%"
    assert formatting.percent(1.0, "en") == "100%"
