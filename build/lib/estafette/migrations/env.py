"""Alembic environment: uses the engine handed over by estafette.db, else ESTAFETTE_DATABASE_URL."""

from __future__ import annotations

from alembic import context

from estafette import data_version, models
from estafette.db import make_engine
from estafette.settings import Settings

# data_version lives outside Base (see estafette/data_version.py), so backups skip it.
target_metadata = [models.Base.metadata, data_version.metadata]

# Search structures live outside the ORM metadata (built by migration 0002): SQLite's FTS5 table
# with its shadow tables, and PostgreSQL's tsvector column with its GIN index (since 0007
# filled by estafette.search, no longer generated).
SEARCH_OBJECTS = ("lesson_fts", "search_vector", "ix_lesson_search_vector")


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Keep autogenerate/check away from the hand-built full-text search structures."""
    return not (reflected and compare_to is None and name and name.startswith(SEARCH_OBJECTS))


def run_migrations_online() -> None:
    """Run migrations in one transaction on the configured engine."""
    engine = context.config.attributes.get("engine")
    if engine is None:
        engine = make_engine(Settings.from_env().database_url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
            include_object=include_object,
            transaction_per_migration=False,
            # All migrations run in one transaction, on SQLite too (see estafette.db).
            transactional_ddl=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
