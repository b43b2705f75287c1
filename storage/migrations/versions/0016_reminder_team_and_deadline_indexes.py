"""reminder indexes for a team's and a deadline's rows of a status

Re-planning a team deletes its unsent rows (of people who left, of a kind, of its
deadlines). SQLite, which has no statistics in a bot's database, read those through the
index on (status, due_at), which matched more of each statement's columns than the
indexes on project_id and deadline_id alone: every pending row of every team, for each
team (re-planning 10,000 teams did not end in 20 minutes). The single-column indexes
become (project_id, status, kind, due_at) and (deadline_id, status, due_at), which also
serve the foreign keys.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_reminder_project_id", table_name="reminder")
    op.drop_index("ix_reminder_deadline_id", table_name="reminder")
    op.create_index(
        "ix_reminder_project_status",
        "reminder",
        ["project_id", "status", "kind", "due_at"],
        unique=False,
    )
    op.create_index(
        "ix_reminder_deadline_status", "reminder", ["deadline_id", "status", "due_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_reminder_deadline_status", table_name="reminder")
    op.drop_index("ix_reminder_project_status", table_name="reminder")
    op.create_index("ix_reminder_deadline_id", "reminder", ["deadline_id"], unique=False)
    op.create_index("ix_reminder_project_id", "reminder", ["project_id"], unique=False)
