"""Labels the pages share: places, lesson origins, safe Markdown text."""

from __future__ import annotations

import datetime as dt

from estafette.lesson_views import LessonView
from tests.estafette.markdown_reader import shown
from tests.hostile import LINK
from ui import format as fmt


def _view(**fields: object) -> LessonView:
    base: dict[str, object] = dict.fromkeys(LessonView.__dataclass_fields__, None)
    base.update(lesson_date=dt.date(2026, 5, 1), wish_codes=(), wish_names=(), tags=())
    base.update(quotes=(), usages=(), scope="stad")
    base.update(fields)
    return LessonView(**base)  # type: ignore[arg-type]


def test_place_names_city_and_neighbourhood_once() -> None:
    assert fmt.place_label("Utrecht", "Lombok") == "Utrecht · Lombok"
    assert fmt.place_label("Utrecht", None) == "Utrecht"
    assert fmt.place_label("Utrecht", "") == "Utrecht"
    assert fmt.place_label("Utrecht", None, undecided=True) == "Utrecht · nog te bepalen"


def test_origin_names_leg_and_dialogue_or_the_leergang() -> None:
    assert fmt.origin(_view(city_name="Deventer", city_leg=1)) == "Deventer (etappe 1)"
    assert (
        fmt.origin(_view(city_name="Deventer", city_leg=1, dialogue_label="Keizerslanden"))
        == "Deventer (etappe 1) · Keizerslanden"
    )
    assert fmt.origin(_view(scope="leergang")) == "Leergang Wijkdialoog"


def test_safe_escapes_markdown_and_html() -> None:
    assert fmt.safe("**vet** <b>") == "\\*\\*vet\\*\\* &lt;b&gt;"


def test_safe_t_escapes_the_values_and_keeps_the_template() -> None:
    assert shown(fmt.safe_t("city.leads", names=LINK)) == f"Stadstrekkers: {LINK}"
    assert shown(fmt.safe_tn("sessions.ended_all", 2, email="a@b.nl")) == (
        "2 sessies van a@b.nl beëindigd."
    )
    # Numbers and other values pass as they are.
    assert fmt.safe_t("overview.leg", leg=3) == fmt.t("overview.leg", leg=3)
