"""ui.tables: plain HTML tables show exactly what was typed and read back as the same frame."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.uihelpers import tables
from ui import tables as ui_tables

HOSTILE = [
    "<script>alert(1)</script>",
    "[Klik hier](https://evil.example)",
    "**vet** _schuin_ :red[rood] :material/home:",
    '<img src=x onerror="alert(1)">',
    "&amp; & < > \" '",
]


def test_every_value_and_header_is_escaped() -> None:
    frame = pd.DataFrame({"<b>kop</b>": HOSTILE})
    out = ui_tables.html_table(frame)
    assert "<script>" not in out and "<img" not in out and "<b>kop" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    # Markdown is not HTML: it stays the literal text (st.html renders no Markdown).
    assert "[Klik hier](https://evil.example)" in out and "<a " not in out


def test_missing_values_are_empty_cells_and_row_headers_are_headers() -> None:
    frame = pd.DataFrame({"Stad": ["Deventer", "Utrecht"], "Start": [pd.NaT, pd.Timestamp(0)]})
    out = ui_tables.html_table(frame, row_headers=True)
    assert '<th scope="row">Deventer</th><td></td>' in out
    assert '<th scope="col">Stad</th>' in out
    assert "NaT" not in out and "nan" not in out


def _page() -> None:
    """Two tables, one with row headers, each in its keyed container."""
    import pandas as pd

    from ui import tables

    tables.show(
        pd.DataFrame({"Tekst": ["[Klik hier](https://evil.example)", "<b>x</b>"]}), "estafette.t1"
    )
    tables.show(
        pd.DataFrame({"Stad": ["Deventer"], "Fase": ["Verkennen"]}),
        "estafette.t2",
        row_headers=True,
    )


@pytest.fixture
def page() -> AppTest:
    at = AppTest.from_function(_page)
    at.run()
    assert not at.exception
    return at


def test_tables_read_back_as_what_the_page_shows(page: AppTest) -> None:
    first, second = tables(page)
    assert list(first["Tekst"]) == ["[Klik hier](https://evil.example)", "<b>x</b>"]
    assert second.index.name == "Stad" and list(second.index) == ["Deventer"]
    assert list(second["Fase"]) == ["Verkennen"]


def test_pages_draw_tables_only_through_ui_tables() -> None:
    # st.table renders each cell as Markdown: typed text would become links and formatting.
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for folder in ("pages", "ui")
        for path in (root / folder).glob("*.py")
        if re.search(r"\bst\.table\(|\.table\(", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
