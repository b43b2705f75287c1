"""The daily pruning of old reminder rows, so the table holds what is to come and what
planning still reads, not every message ever sent (storage/reminders.prune says which
rows are kept whatever their age)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.context import Ctx
from storage import reminders

EVERY = 24 * 3600.0  # seconds between two prunings
JOB = "prune-old-reminders"


async def prune_job(context: Ctx) -> int:
    """Delete settled reminders older than REMINDER_RETENTION_DAYS, a short transaction
    per batch so replies and sends are not held up; returns how many went."""
    before = datetime.now(UTC) - timedelta(days=context.settings.reminder_retention_days)
    pruned = 0
    while True:
        went = await context.db.run(lambda s: reminders.prune(s, before=before))
        pruned += went
        if went < reminders.PRUNE_BATCH:
            return pruned
