"""invites know when they were made; removals are remembered

A teacher the coordinator removed must not rejoin with a link made before the removal.
Links made before this migration count as made at it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("created_at", UTCDateTime(), nullable=False, server_default=sa.func.now())
        )
    op.create_table(
        "removal",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("removed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("project_id", "user_id"),
    )


def downgrade() -> None:
    op.drop_table("removal")
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.drop_column("created_at")
