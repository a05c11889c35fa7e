"""SQLAlchemy 2.x typed models of the Estafette domain, one module per area.

Importing this package registers every table on ``Base.metadata``; callers import the names
from here (``from estafette.models import City``), so the split stays an internal matter.
"""

from estafette.models.audit import AuditEntry
from estafette.models.base import NAMING_CONVENTION, AppMeta, Base, utcnow
from estafette.models.course import (
    LeergangModule,
    LeergangTopic,
    Wish,
    WorkshopOutcome,
    WorkshopTheme,
)
from estafette.models.lessons import (
    CourseItem,
    CourseVersion,
    Lesson,
    LessonEvent,
    LessonQuote,
    LessonScope,
    LessonStatus,
    LessonTag,
    lesson_wish,
)
from estafette.models.people import LoginThrottle, Role, SentReminder, User, UserSession, user_city
from estafette.models.relay import (
    DATE_FIELDS,
    TRACKED_FIELDS,
    City,
    Dialogue,
    Handover,
    Phase,
    PhaseRecord,
    RelayEvent,
    Status,
    StatusEvent,
    event_text,
)

__all__ = [
    "DATE_FIELDS",
    "NAMING_CONVENTION",
    "TRACKED_FIELDS",
    "AppMeta",
    "AuditEntry",
    "Base",
    "City",
    "CourseItem",
    "CourseVersion",
    "Dialogue",
    "Handover",
    "LeergangModule",
    "LeergangTopic",
    "Lesson",
    "LessonEvent",
    "LessonQuote",
    "LessonScope",
    "LessonStatus",
    "LessonTag",
    "LoginThrottle",
    "Phase",
    "PhaseRecord",
    "RelayEvent",
    "Role",
    "SentReminder",
    "Status",
    "StatusEvent",
    "User",
    "UserSession",
    "Wish",
    "WorkshopOutcome",
    "WorkshopTheme",
    "event_text",
    "lesson_wish",
    "user_city",
    "utcnow",
]
