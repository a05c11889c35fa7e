"""Small factories for test data, written through the real domain functions."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from estafette.cities import create_dialogue
from estafette.models import City, Dialogue

_counter = itertools.count(1)


def make_city(session: Session, name: str | None = None, **fields: object) -> City:
    """A city with a free leg number and plausible Dutch coordinates."""
    n = next(_counter)
    leg = fields.pop("leg", None) or (session.scalar(select(func.max(City.leg))) or 0) + 1
    city = City(
        name=name or f"Teststad {n}",
        province=str(fields.pop("province", "Utrecht")),
        latitude=float(fields.pop("latitude", 52.0 + n / 100)),
        longitude=float(fields.pop("longitude", 5.0 + n / 100)),
        leg=int(leg),
        joined_on=fields.pop("joined_on", dt.date(2024, 1, 1)),
    )
    session.add(city)
    session.flush()
    return city


def make_dialogue(session: Session, city: City | None = None, **fields: object) -> Dialogue:
    """A dialogue (with its five phase records) in ``city`` or in a new city."""
    city = city or make_city(session)
    return create_dialogue(session, city, **fields)  # type: ignore[arg-type]
