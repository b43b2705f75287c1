"""Benchmark (c): start-up with 100,000 pending reminders.

A restart must not keep teachers waiting because the reminder table is large. The
database gets 1,000 teachers, each coordinating a project with 25 open deadlines, and
four pending reminders per deadline (7 and 2 days before, on the day, overdue): 100,000
rows due over the coming year, bulk-inserted with SQLAlchemy core. Then the real
`python -m bot run` is spawned and a teacher's /start is queued on the fake Bot API at
once; we measure from spawning the process to the bot's reply arriving (interpreter
start, imports, migrations check, menus, first poll and the answer itself).
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.harness import (
    BotProcess,
    fresh_database,
    is_reply_in,
    seed_teachers,
    teacher_ids,
    utc_now,
    wait_for_calls,
)
from bench.report import Result
from bot.fakeapi import update_factory
from bot.fakeapi.server import FakeBotApi
from storage.db import Database
from storage.models import Deadline, Reminder

TEACHERS = 1_000
DEADLINES_PER_TEACHER = 25
REMINDERS = 100_000  # = TEACHERS × DEADLINES_PER_TEACHER × 4
LIMIT_S = 10.0


def seed_reminders(url: str, projects: dict[int, int]) -> int:
    """Deadlines 1 to 365 days ahead with their four pending reminders, in bulk."""
    now = utc_now()
    deadlines: list[dict[str, Any]] = []
    for n, (uid, project_id) in enumerate(projects.items()):
        for k in range(DEADLINES_PER_TEACHER):
            due = now + timedelta(days=8 + (n * DEADLINES_PER_TEACHER + k) % 358, hours=k % 24)
            deadlines.append(
                {
                    "project_id": project_id,
                    "title": f"Step {k + 1} of project {project_id}",
                    "due_at": due,
                    "owner_id": uid,
                    "created_by": uid,
                    "created_at": now,
                }
            )
    db = Database(url)
    try:
        with db.engine.begin() as conn:
            conn.execute(sa.insert(Deadline), deadlines)
            rows = conn.execute(
                sa.select(Deadline.id, Deadline.owner_id, Deadline.project_id, Deadline.due_at)  # type: ignore[call-overload]
            ).all()
            reminders = [
                {
                    "project_id": project_id,
                    "deadline_id": deadline_id,
                    "user_id": owner,
                    "chat_id": owner,
                    "kind": kind,
                    "due_at": due + offset,
                    "status": "pending",
                    "attempts": 0,
                    "late": False,
                }
                for deadline_id, owner, project_id, due in rows
                for kind, offset in (
                    ("before", timedelta(days=-7)),
                    ("before", timedelta(days=-2)),
                    ("due", timedelta(hours=-6)),
                    ("overdue", timedelta(days=1)),
                )
            ]
            conn.execute(sa.insert(Reminder), reminders)
            return conn.execute(
                sa.select(sa.func.count()).select_from(Reminder).where(Reminder.status == "pending")  # type: ignore[arg-type]
            ).scalar_one()
    finally:
        db.close()


async def time_to_first_answer(pg_url: str | None, workdir: Path) -> tuple[float, int]:
    """Seconds from spawning `python -m bot run` to its answer to a /start."""
    label = "startup_pg" if pg_url else "startup_sqlite"
    database = fresh_database(pg_url, workdir, label)
    try:
        projects = seed_teachers(database.url, TEACHERS)
        pending = seed_reminders(database.url, projects)
        uid = teacher_ids(1)[0]
        teacher = update_factory.user(uid, f"Teacher {uid}", "en")
        start = update_factory.UpdateFactory().text(
            teacher, update_factory.private_chat(teacher), "/start", "TwinCoachBot"
        )
        async with FakeBotApi() as fake:
            bot = BotProcess.twincoach(fake, database.url, workdir, label)
            after = fake.last_seq
            await bot.start()
            fake.add_update(start)  # queued at once: it waits for the bot's first poll
            try:
                reply = await wait_for_calls(
                    fake, is_reply_in([uid]), 1, after=after, timeout=120, bot=bot
                )
            finally:
                await bot.stop()
        return reply[0].at - bot.spawned_at, pending
    finally:
        database.drop()


async def run(pg_url: str | None, *, quick: bool = False) -> list[Result]:
    """(c) on SQLite, and on PostgreSQL when a URL is given (`quick` changes nothing:
    the seeding is the slow part and the target is about exactly this size)."""
    del quick
    results = []
    with tempfile.TemporaryDirectory(prefix="twincoach-bench-") as tmp:
        for url, name in ((None, "SQLite"), (pg_url, "PostgreSQL")):
            if name == "PostgreSQL" and url is None:
                continue
            seconds, pending = await time_to_first_answer(url, Path(tmp))
            results.append(
                Result(
                    f"(c) start-up with {pending:,} pending reminders, {name}",
                    f"{seconds:.2f} s from spawn to the first answer",
                    f"< {LIMIT_S:.0f} s",
                    seconds < LIMIT_S,
                )
            )
    return results


if __name__ == "__main__":  # development only; `python -m bench` runs the whole suite
    import sys

    from bench.report import table

    print(table(asyncio.run(run(sys.argv[1] if len(sys.argv) > 1 else None))))
