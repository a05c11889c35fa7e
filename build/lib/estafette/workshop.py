"""What the kennismakingsworkshop of 3 July 2018 produced: wishes, images, themes, steps, quotes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from estafette.models import Wish, WorkshopOutcome, WorkshopTheme


@dataclass(frozen=True)
class Theme:
    """A workshop theme (title and what it is about)."""

    title: str
    description: str


def themes(session: Session) -> list[Theme]:
    """The workshop's three themes, in order."""
    rows = session.scalars(select(WorkshopTheme).order_by(WorkshopTheme.position))
    return [Theme(t.title, t.description) for t in rows]


def wishes(session: Session) -> list[Theme]:
    """The five wishes (behoeften onderzoeken … samen doen), in order."""
    rows = session.scalars(select(Wish).order_by(Wish.position))
    return [Theme(w.name, w.description) for w in rows]


def outcomes(session: Session, kind: str) -> list[str]:
    """The texts of one kind of outcome: ideal_image, first_step or evaluation_quote."""
    stmt = (
        select(WorkshopOutcome.text)
        .where(WorkshopOutcome.kind == kind)
        .order_by(WorkshopOutcome.position)
    )
    return list(session.scalars(stmt))
