"""content version counter

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 19:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The third counter of estafette.data_version (every write but a status save), starting
    # where the first one stands so that no cached entry of an older key can be mistaken for it.
    op.execute(
        sa.text(
            "INSERT INTO data_version (id, version) "
            "SELECT 3, version FROM data_version WHERE id = 1"
        )
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM data_version WHERE id = 3"))
