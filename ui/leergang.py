"""Leergang: the modules and topics, the course versions and the material to download.

Curation writes (include, move, keep a version) go through ui.lessons.run_write.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from estafette import handout, leergang
from estafette.accounts import Actor
from ui.core import cached, engine


@cached
def modules(url: str) -> list[leergang.ModuleInfo]:
    """The Leergang modules with topics."""
    with Session(engine(url)) as session:
        return leergang.list_modules(session)


@cached
def topics(url: str, module_code: str) -> list[leergang.TopicInfo]:
    """The topics of a module."""
    with Session(engine(url)) as session:
        return leergang.module_topics(session, module_code)


@cached
def versions(url: str, actor: Actor, module_code: str) -> list[leergang.VersionInfo]:
    """A module's course versions, newest first."""
    with Session(engine(url)) as session:
        return leergang.versions(session, actor, module_code)


@cached
def course(url: str, actor: Actor, module_code: str, label: str | None) -> leergang.CourseMaterial:
    """A module's course material (one version)."""
    with Session(engine(url)) as session:
        return leergang.course(session, actor, module_code, label)


@cached
def export(
    url: str, actor: Actor, module_code: str, fmt: str, label: str | None, lang: str
) -> bytes:
    """The course material as DOCX or Markdown bytes."""
    with Session(engine(url)) as session:
        return handout.export(session, actor, module_code, fmt, label, lang)
