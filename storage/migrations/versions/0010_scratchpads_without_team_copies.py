"""scratchpads without team copies

No schema change. Dialogs begun before this revision copied the team into the teacher's
scratchpad (/deadline: every member's name, zone and calendar with their breaks and time
away; a plan activity: every member's name) and kept the chosen owner as a Telegram id.
Those copies outlived a teammate's /forgetme. The copies are dropped (the dialogs now look
the team up at each step), and a chosen owner becomes the membership the question now
offers; an owner who is no longer in the project is asked again.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COPIES = ("members", "zones", "places")
WITH_OWNER = ("deadline", "plan_activity")
SCRATCH = sa.table("user_scratch", sa.column("user_id", sa.BigInteger), sa.column("data", sa.Text))
MEMBERSHIP = sa.table(
    "membership",
    sa.column("id", sa.Integer),
    sa.column("project_id", sa.Integer),
    sa.column("user_id", sa.BigInteger),
)


def _membership(bind: sa.Connection, project_id: object, owner: str) -> int | None:
    if not isinstance(project_id, int) or not owner.isdigit():
        return None
    found = bind.execute(
        sa.select(MEMBERSHIP.c.id).where(
            MEMBERSHIP.c.project_id == project_id, MEMBERSHIP.c.user_id == int(owner)
        )
    ).scalar()
    return int(found) if found is not None else None


def upgrade() -> None:
    bind = op.get_bind()
    for user_id, data in bind.execute(sa.select(SCRATCH.c.user_id, SCRATCH.c.data)).all():
        try:
            scratch = json.loads(data)
        except ValueError:
            continue
        form = scratch.get("form") if isinstance(scratch, dict) else None
        if not isinstance(form, dict) or not any(key in form for key in COPIES):
            continue
        for key in COPIES:
            form.pop(key, None)
        answers = form.get("answers")
        owner = answers.get("owner") if isinstance(answers, dict) else None
        if form.get("name") in WITH_OWNER and isinstance(answers, dict) and isinstance(owner, str):
            chosen = _membership(bind, form.get("project"), owner)
            if chosen is None:
                answers.pop("owner")
            else:
                answers["owner"] = str(chosen)
        bind.execute(
            sa.update(SCRATCH)
            .where(SCRATCH.c.user_id == user_id)
            .values(data=json.dumps(scratch, sort_keys=True))
        )


def downgrade() -> None:
    """The copies cannot come back; an older bot would offer no owner buttons in a dialog
    begun after the upgrade (/cancel and start again helps)."""
