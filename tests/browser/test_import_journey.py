"""Journey: a coordinator uploads a damaged CSV (refused with row and column), then a good one."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from estafette import accounts, db, transfer
from tests.browser.signin import submit_sign_in
from tests.browser.streamlit_page import click_and_settle, goto, open_page, rerun
from tests.browser.test_city_lead_journey import TIMEOUT, status_of
from tests.uihelpers import prepare

pytestmark = pytest.mark.browser


def upload(page, path: Path) -> None:
    """Choose a file and wait until Streamlit has taken it, so Importeren sees this file."""
    rerun(page, lambda: page.locator("input[type='file']").set_input_files(str(path)))
    page.get_by_text(path.name, exact=True).wait_for(timeout=TIMEOUT)


def test_coordinator_imports_a_csv(server_factory, page, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'import.db'}"
    prepare(url)
    engine = db.make_engine(url)
    with Session(engine) as session:
        text = transfer.export_status(session, accounts.SYSTEM, "csv").decode("utf-8-sig")
    engine.dispose()
    lines = text.split("\r\n")
    # Row 3 (Deventer, Verbeelden): planned dates and a note; row 8 names an unknown city.
    lines[2] = lines[2].replace(
        ";;;;;;niet gestart", ";2019-01-01;2019-06-30;;;Gepland;niet gestart"
    )
    good = tmp_path / "status.csv"
    good.write_bytes("\r\n".join(lines).encode("utf-8-sig"))
    lines[7] = "Atlantis" + lines[7][lines[7].index(";") :]
    bad = tmp_path / "status-fout.csv"
    bad.write_bytes("\r\n".join(lines).encode("utf-8-sig"))

    server = server_factory(database_url=url)
    goto(page, server.url)
    open_page(page, "Inloggen")
    submit_sign_in(page, "coord@example.nl")
    page.get_by_text("Ingelogd als Coördinator").first.wait_for(timeout=TIMEOUT)
    open_page(page, "Import/export")

    upload(page, bad)
    click_and_settle(page, page.get_by_role("button", name="Importeren", exact=True))
    page.get_by_text("Niets geïmporteerd. Het bestand heeft 1 fout:").wait_for(timeout=TIMEOUT)
    assert page.get_by_text("Rij 8, kolom stad: onbekende stad ‘Atlantis’").count() == 1
    assert status_of(url, "Deventer", "verbeelden") == ("niet gestart", "")

    upload(page, good)
    click_and_settle(page, page.get_by_role("button", name="Importeren", exact=True))
    page.get_by_text("15 rijen ingelezen: 1 fase gewijzigd, 0 wijkdialogen toegevoegd.").wait_for(
        timeout=TIMEOUT
    )
    assert status_of(url, "Deventer", "verbeelden") == ("niet gestart", "Coördinator")
