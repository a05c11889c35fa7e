"""Calendar feed: the planned phase dates of the relay as an iCalendar (.ics) file.

One all-day event per phase record that has a planned date, so that a city lead can load the
relay's dates into Outlook or any other calendar. The UID of an event is stable per phase
record, so importing a newer file updates the events instead of duplicating them.

The app serves the file at ``FEED_PATH`` (``web/calendar.py``); ``feed_path`` writes its address.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import icalendar
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from estafette import formatting, i18n
from estafette.cities import status_key
from estafette.errors import DomainError
from estafette.models import City, Dialogue, Phase, PhaseRecord, utcnow

PRODID = "-//Estafette Wijkdialoog//Estafette//NL"
MIME_TYPE = "text/calendar"
# The calendar's address in the app and its query: ?stad=<city name>&lang=nl|en.
FEED_PATH = "/agenda.ics"
CITY_PARAM = "stad"
LANG_PARAM = "lang"


class CalendarError(DomainError, ValueError):
    """A calendar request that cannot be served; ``code`` picks the translated text."""

    prefix = "calendar.error"


def _city(session: Session, name: str) -> City:
    # Case-insensitive equality, not ILIKE: a name from an address may hold "%" or "_".
    wanted = func.lower(City.name) == func.lower(name.strip())
    city = session.scalar(select(City).where(wanted))
    if city is None:
        raise CalendarError("unknown_city", name)
    return city


def planned_records(session: Session, city_name: str | None = None) -> list[PhaseRecord]:
    """Phase records with a planned start or end, in relay order (one city or all), not archived."""
    stmt = (
        select(PhaseRecord)
        .join(Dialogue, Dialogue.id == PhaseRecord.dialogue_id)
        .join(City, City.id == Dialogue.city_id)
        .join(Phase, Phase.id == PhaseRecord.phase_id)
        .where(or_(PhaseRecord.planned_start.is_not(None), PhaseRecord.planned_end.is_not(None)))
        # Archived cities and dialogues have left the relay's planning (estafette.edits).
        .where(Dialogue.archived_at.is_(None), City.archived_at.is_(None))
        .options(
            selectinload(PhaseRecord.dialogue).selectinload(Dialogue.city),
            selectinload(PhaseRecord.phase),
        )
        .order_by(City.leg, Dialogue.id, Phase.position)
    )
    if city_name is not None:
        stmt = stmt.where(City.id == _city(session, city_name).id)
    return list(session.scalars(stmt))


def _span(record: PhaseRecord) -> tuple[dt.date, dt.date]:
    """First day and the day after the last (iCalendar all-day ends are exclusive)."""
    start = record.planned_start or record.planned_end
    end = record.planned_end or record.planned_start
    assert start is not None and end is not None  # planned_records guarantees one of them
    if end < start:
        start, end = end, start
    return start, end + dt.timedelta(days=1)


def build(
    session: Session,
    city_name: str | None = None,
    language: str = "nl",
    base_url: str = "",
) -> bytes:
    """The .ics file of planned phase dates (one city, or all when ``city_name`` is None)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    title = i18n.translate("calendar.name", language)
    if city_name:
        title = f"{title} – {_city(session, city_name).name}"
    cal.add("x-wr-calname", title)
    stamp = utcnow().replace(tzinfo=dt.UTC)
    for record in planned_records(session, city_name):
        dialogue = record.dialogue
        city = dialogue.city
        place = dialogue.neighbourhood or dialogue.theme or city.name
        start, end = _span(record)
        event = icalendar.Event()
        event.add("uid", f"estafette-phase-record-{record.id}@estafette-wijkdialoog")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", f"{city.name} · {place}: {record.phase.name}")
        lines = [
            i18n.translate("calendar.leg", language, leg=city.leg),
            i18n.translate(
                "calendar.status",
                language,
                status=i18n.translate(status_key(record.status), language),
            ),
        ]
        if dialogue.central_question:
            lines.append(dialogue.central_question)
        if base_url:
            link = f"{base_url.rstrip('/')}/stad?dialoog={dialogue.id}"
            lines.append(link)
            event.add("url", link)
        event.add("description", "\n".join(lines))
        event.add("location", f"{place}, {city.name}")
        event.add("categories", ["Estafette Wijkdialoog", record.phase.name])
        cal.add_component(event)
    return cal.to_ical()


def file_name(city_name: str | None = None) -> str:
    """A download name: estafette-planning[-city].ics."""
    if not city_name:
        return "estafette-planning.ics"
    return f"estafette-planning-{formatting.slug(city_name)}.ics"


def feed_path(city_name: str | None = None, language: str = "nl") -> str:
    """The same-site address of the calendar (one city or all) in ``language``."""
    query = {CITY_PARAM: city_name} if city_name else {}
    return f"{FEED_PATH}?{urlencode({**query, LANG_PARAM: i18n.normalise_language(language)})}"
