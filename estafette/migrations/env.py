"""Alembic environment: uses the engine handed over by estafette.db, else ESTAFETTE_DATABASE_URL."""

from __future__ import annotations

from alembic import context

from estafette import models
from estafette.db import make_engine
from estafette.settings import Settings

target_metadata = models.Base.metadata


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
            transaction_per_migration=False,
            # All migrations run in one transaction, on SQLite too (see estafette.db).
            transactional_ddl=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
