"""lesson index on (phase_id, id) for phase-filtered search

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 16:50:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The composite index serves what the single-column one did (phase_id leads) and lets a
    # search within one phase walk that phase's lessons newest first.
    with op.batch_alter_table("lesson", schema=None) as batch_op:
        batch_op.create_index("ix_lesson_phase_id_id", ["phase_id", "id"], unique=False)
        batch_op.drop_index(batch_op.f("ix_lesson_phase_id"))


def downgrade() -> None:
    with op.batch_alter_table("lesson", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lesson_phase_id"), ["phase_id"], unique=False)
        batch_op.drop_index("ix_lesson_phase_id_id")
