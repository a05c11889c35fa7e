"""features: Dutch search keys (lemma + stem) on both databases

Revision ID: 0007
Revises: 0003
Create Date: 2026-11-25 12:50:00.000000

Search keys are now computed in Python (estafette.search: simplemma lemma + Snowball stem), so
PostgreSQL's search_vector stops being a column generated with the 'dutch' configuration and
becomes a plain tsvector that the application fills; both indexes are rebuilt.
"""

import re
from collections.abc import Sequence

import snowballstemmer
from alembic import op
from sqlalchemy import text
from sqlalchemy.orm import Session

revision: str = "0007"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _reindex() -> None:
    # Imported here: the migration needs today's key rules, and only while it runs.
    from estafette import search

    session = Session(bind=op.get_bind())
    search.reindex_all(session)
    session.flush()


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_lesson_search_vector")
        op.execute("ALTER TABLE lesson DROP COLUMN IF EXISTS search_vector")
        op.execute("ALTER TABLE lesson ADD COLUMN search_vector tsvector")
        op.execute("CREATE INDEX ix_lesson_search_vector ON lesson USING gin (search_vector)")
    _reindex()


# Migration 0002's generated column, restored on downgrade.
PG_SEARCH_VECTOR_0002 = (
    "setweight(to_tsvector('dutch'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('dutch'::regconfig, "
    "coalesce(situation, '') || ' ' || coalesce(what_worked, '') || ' ' || "
    "coalesce(would_repeat, '') || ' ' || coalesce(would_change, '') || ' ' || "
    "coalesce(recommendation, '')), 'B')"
)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_lesson_search_vector")
        op.execute("ALTER TABLE lesson DROP COLUMN IF EXISTS search_vector")
        op.execute(
            f"ALTER TABLE lesson ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({PG_SEARCH_VECTOR_0002}) STORED"
        )
        op.execute("CREATE INDEX ix_lesson_search_vector ON lesson USING gin (search_vector)")
        return
    # SQLite: back to plain Snowball stems, as migration 0002's code stored them.
    stemmer = snowballstemmer.stemmer("dutch")

    def stems(value: str) -> str:
        return " ".join(stemmer.stemWord(w) for w in re.findall(r"\w+", value.lower()))

    fields = "situation, what_worked, would_repeat, would_change, recommendation"
    rows = bind.execute(text(f"SELECT id, title, {fields} FROM lesson")).all()
    bind.execute(text("DELETE FROM lesson_fts"))
    for row in rows:
        bind.execute(
            text("INSERT INTO lesson_fts(rowid, title, body) VALUES (:id, :t, :b)"),
            {"id": row[0], "t": stems(row[1]), "b": stems(" ".join(x or "" for x in row[2:]))},
        )
