"""Paging: a long list shown a readable page at a time (overview tables, timeline)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# Rows a person reads at a glance; a thousand rows are neither readable nor quick to send.
PER_PAGE = 25


@dataclass(frozen=True)
class Page:
    """One page of a list: its number (clamped to the pages that exist) and what it holds."""

    number: int
    pages: int
    per_page: int
    total: int

    @property
    def start(self) -> int:
        """Index of the page's first item (0-based, for slicing)."""
        return min((self.number - 1) * self.per_page, self.total)

    @property
    def stop(self) -> int:
        """Index just past the page's last item (0-based, for slicing)."""
        return min(self.number * self.per_page, self.total)

    @property
    def first(self) -> int:
        """Number of the page's first item as people count (1-based; 0 for an empty list)."""
        return self.start + 1 if self.total else 0

    @property
    def last(self) -> int:
        """Number of the page's last item as people count (1-based; 0 for an empty list)."""
        return self.stop


def page(total: int, number: int, per_page: int = PER_PAGE) -> Page:
    """Page ``number`` (1-based) of ``total`` items; a number past the end gives the last page.

    Clamping keeps a person on the last page that exists when a filter leaves fewer pages.
    """
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    if total < 0:
        raise ValueError("total cannot be negative")
    pages = max(1, -(-total // per_page))
    return Page(min(max(1, number), pages), pages, per_page, total)


def rows(frame: pd.DataFrame, number: int, per_page: int = PER_PAGE) -> tuple[pd.DataFrame, Page]:
    """The rows of page ``number`` of ``frame``, in its order, and that page."""
    at = page(len(frame), number, per_page)
    return frame.iloc[at.start : at.stop], at


def dialogues(
    records: pd.DataFrame, number: int, per_page: int = PER_PAGE
) -> tuple[pd.DataFrame, Page]:
    """The records of the dialogues on page ``number`` (dialogues in order of first record)."""
    ids = records["dialogue_id"].drop_duplicates()
    at = page(len(ids), number, per_page)
    chosen = ids.iloc[at.start : at.stop]
    return records[records["dialogue_id"].isin(chosen)], at
