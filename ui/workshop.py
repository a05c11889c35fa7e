"""What the 2018 workshop produced: themes, wishes, ideal images, first steps, quotes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from estafette import workshop
from ui.core import cached_content, engine


@cached_content
def workshop_content(url: str) -> dict[str, list]:
    """Everything the workshop produced, for the overview and method pages."""
    with Session(engine(url)) as session:
        return {
            "themes": workshop.themes(session),
            "wishes": workshop.wishes(session),
            "ideal_images": workshop.outcomes(session, "ideal_image"),
            "first_steps": workshop.outcomes(session, "first_step"),
            "evaluation_quotes": workshop.outcomes(session, "evaluation_quote"),
        }
