"""reminder indexes for "due now" and a chat's pending row of a kind

A burst of 10,000 due reminders among 200,000 rows crawled at 3 a second: the due query
read its rows through the index on (status, due_at), and each digest sent deleted its
group's next pending digest by walking every pending row. `ix_reminder_pending_due`
holds only the pending rows in the order they are sent (a partial index, on SQLite and
PostgreSQL alike); `ix_reminder_chat_kind_status` finds one chat's rows of a kind.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.create_index(
        "ix_reminder_pending_due",
        "reminder",
        ["due_at", "id"],
        unique=False,
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    )
    op.create_index(
        "ix_reminder_chat_kind_status",
        "reminder",
        ["chat_id", "kind", "status", "due_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_reminder_chat_kind_status", table_name="reminder")
    op.drop_index("ix_reminder_pending_due", table_name="reminder")
