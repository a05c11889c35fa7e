"""Paging: page counts, clamping, slices and the "26–50 of 312" numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from estafette import charts, paging


def test_page_numbers_of_a_long_list() -> None:
    at = paging.page(312, 2)
    assert (at.number, at.pages, at.first, at.last, at.total) == (2, 13, 26, 50, 312)
    last = paging.page(312, 13)
    assert (last.first, last.last) == (301, 312)


def test_page_is_clamped_to_the_pages_that_exist() -> None:
    # A filter that leaves fewer pages keeps the person on the last one.
    assert paging.page(40, 7).number == 2
    assert paging.page(40, 0).number == 1
    assert paging.page(40, -3).number == 1


def test_short_and_empty_lists_are_one_page() -> None:
    assert paging.page(25, 1).pages == 1
    assert paging.page(26, 1).pages == 2
    empty = paging.page(0, 4)
    assert (empty.number, empty.pages, empty.first, empty.last) == (1, 1, 0, 0)


def test_page_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="per_page"):
        paging.page(10, 1, 0)
    with pytest.raises(ValueError, match="negative"):
        paging.page(-1, 1)


def test_rows_keep_the_frame_order() -> None:
    frame = pd.DataFrame({"n": range(60, 0, -1)})
    chosen, at = paging.rows(frame, 3)
    assert list(chosen["n"]) == list(range(10, 0, -1))
    assert (at.number, at.pages, at.first, at.last) == (3, 3, 51, 60)
    chosen, at = paging.rows(frame, 9)
    assert at.number == 3 and len(chosen) == 10


def test_dialogues_page_by_dialogue_not_by_record() -> None:
    # Five records per dialogue, dialogues in leg order (not id order).
    ids = [7, 3, 9, 1]
    records = pd.DataFrame(
        {"dialogue_id": [i for i in ids for _ in range(5)], "phase_position": [1, 2, 3, 4, 5] * 4}
    )
    chosen, at = paging.dialogues(records, 2, per_page=3)
    assert list(chosen["dialogue_id"].unique()) == [1]
    assert len(chosen) == 5
    assert (at.pages, at.first, at.last, at.total) == (2, 4, 4, 4)
    first, _ = paging.dialogues(records, 1, per_page=3)
    assert list(first["dialogue_id"].unique()) == [7, 3, 9]


def test_the_timeline_pages_the_same_way() -> None:
    records = pd.DataFrame({"dialogue_id": [2, 2, 5, 5, 8]})
    chosen, pages = charts.page_of(records, 5, 2)
    assert pages == 2 and list(chosen["dialogue_id"]) == [8]
