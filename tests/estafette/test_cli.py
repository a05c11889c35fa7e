"""The command line on a fresh database: db upgrade, seed, demo."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from estafette import db
from estafette.cli import main
from estafette.models import City, Dialogue


def test_db_upgrade_seed_and_demo(db_url: str, capsys) -> None:
    assert main(["--database-url", db_url, "db", "upgrade"]) == 0
    assert main(["--database-url", db_url, "seed"]) == 0
    assert main(["--database-url", db_url, "seed"]) == 0
    assert "niets dubbel toegevoegd" in capsys.readouterr().out
    assert main(["--database-url", db_url, "demo"]) == 0
    engine = db.make_engine(db_url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(City)) == 3
        assert session.scalar(select(func.count()).select_from(Dialogue)) == 6
    engine.dispose()
