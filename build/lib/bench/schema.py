"""Temporary PostgreSQL schemas for the benchmarks, and the benchmarks' one-line refusal."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from estafette import db


class BenchError(Exception):
    """The benchmark cannot run; the message says why in one line."""


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    """A temporary schema on the given server, dropped afterwards whatever happens."""
    url = db.parse_url(base_url)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.Error as exc:
        shown = db.display_url(base_url)
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BenchError(f"PostgreSQL at {shown} is not usable: {reason}") from exc
    try:
        scoped = url.update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
