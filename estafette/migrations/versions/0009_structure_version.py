"""structure version counter

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 20:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The second counter of estafette.data_version (the relay's shape), starting where the
    # first one stands so that no cached entry of an older key can ever be mistaken for it.
    op.execute(
        sa.text(
            "INSERT INTO data_version (id, version) "
            "SELECT 2, version FROM data_version WHERE id = 1"
        )
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM data_version WHERE id = 2"))
