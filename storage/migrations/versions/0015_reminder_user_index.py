"""reminder index for one teacher's rows of a kind

Planning check-ins (storage/reminders.silent) counts, for each teacher who has been
quiet, the reminders sent since they last wrote and looks for their check-ins. Through
the index on (status, due_at) that read every sent row of the table: a third of a second
with 70,000 of them, on the bot's event loop. `ix_reminder_user_kind_status` finds one
teacher's rows of a kind sent after a moment.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_reminder_user_kind_status",
        "reminder",
        ["user_id", "kind", "status", "sent_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_reminder_user_kind_status", table_name="reminder")
