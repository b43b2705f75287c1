"""a shared country calendar; the weekly refresh claims a country

A break a teacher enters belongs to their country's calendar, not to one project: it
keeps who entered it and in which team, and gains `confirmed_by`, the second teacher
from that country who confirmed it. Breaks entered before ("manual", now "teacher";
"ics") become that country's entries, unconfirmed, counting for their project as
before. `holiday_fetch` gains the claim of the process fetching a country now and the
mark that its teams still wait for a re-plan (`fetched_at` is empty while a first fetch
is under way). `break_prompt` remembers whom the bot asked to enter their breaks.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("school_break", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmed_by", sa.BigInteger(), nullable=True))
    op.execute("UPDATE school_break SET source = 'teacher' WHERE source = 'manual'")
    with op.batch_alter_table("holiday_fetch", schema=None) as batch_op:
        batch_op.alter_column("fetched_at", existing_type=UTCDateTime(), nullable=True)
        batch_op.add_column(sa.Column("claimed_at", UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("replan_pending", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("holiday_fetch", schema=None) as batch_op:
        batch_op.alter_column("replan_pending", server_default=None)
    op.create_table(
        "break_prompt",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("asked_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "country"),
    )


def downgrade() -> None:
    op.drop_table("break_prompt")
    op.execute("DELETE FROM holiday_fetch WHERE fetched_at IS NULL")
    with op.batch_alter_table("holiday_fetch", schema=None) as batch_op:
        batch_op.drop_column("replan_pending")
        batch_op.drop_column("claimed_at")
        batch_op.alter_column("fetched_at", existing_type=UTCDateTime(), nullable=False)
    op.execute("UPDATE school_break SET source = 'manual' WHERE source = 'teacher'")
    with op.batch_alter_table("school_break", schema=None) as batch_op:
        batch_op.drop_column("confirmed_by")
