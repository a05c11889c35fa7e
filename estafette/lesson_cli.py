"""Subcommands for lessons and course material: ``course export``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from estafette import db, handout, i18n, lessons, transfer
from estafette.accounts import SYSTEM
from estafette.settings import Settings
from estafette.terminal import say


def _course_export(args: argparse.Namespace, engine: Engine) -> int:
    db.upgrade(engine)
    lang = Settings.from_env().language
    out = Path(args.out)
    try:
        with Session(engine) as session:
            data = handout.export(session, SYSTEM, args.module, args.format, args.version, lang)
    except lessons.LessonError as exc:
        message = i18n.translate(f"lessons.error.{exc.code}", lang)
        print(f"estafette: {message} ({args.module})", file=sys.stderr)
        return 1
    try:
        transfer.save_file(out, data)
    except OSError as exc:
        print(
            f"estafette: {say('cannot_write', path=out, reason=exc.strerror or exc)}",
            file=sys.stderr,
        )
        return 1
    print(say("wrote", path=out, size=len(data)))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the lesson subcommands to the main parser."""
    course = sub.add_parser("course", help="Leergang course material")
    course_sub = course.add_subparsers(dest="course_command", required=True)
    export = course_sub.add_parser("export", help="export a module as DOCX or Markdown")
    export.add_argument("--module", required=True, help="module code, e.g. training-2")
    export.add_argument("--format", required=True, choices=("docx", "md"))
    export.add_argument("--version", help="course version label (default: the newest)")
    export.add_argument("out", help="output file")
    export.set_defaults(handler=_course_export)
