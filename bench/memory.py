"""Idle memory: TwinCoach's resident set against the bare PTB echo bot's, in one run.

Both bots run as deployed against the loopback fake Bot API (`python -m bot run` on a
SQLite database with one registered teacher, bench/echo_bot.py). TwinCoach restarts on
its database as it usually does: the schema current and the shipped school holidays
stored (its first start, which migrates and stores them, costs a few MB once). Each is
read twice from /proc/<pid>/status (VmRSS): once it is long-polling and has settled
("after start-up"), and again after a teacher's /start and /help have been answered
("idle"). The target is on the idle figure: at most twice the echo bot's.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.harness import (
    BotProcess,
    fresh_database,
    is_reply_in,
    seed_teachers,
    teacher_ids,
    wait_for_calls,
)
from bench.report import Result
from bot.fakeapi import update_factory
from bot.fakeapi.server import FakeBotApi
from scheduler.school_data.seed import seed
from storage.db import Database

TARGET_RATIO = 2.0
SETTLE_S = 2.0  # after the first long poll / the last reply: let start-up work finish
COMMANDS = ("/start", "/help")


@dataclass(frozen=True)
class Footprint:
    """Resident set sizes (MB) of one bot process."""

    started: float  # polling, before any update
    idle: float  # after COMMANDS were answered


def rss_mb(pid: int) -> float:
    """The process's resident set (VmRSS) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


async def footprint(fake: FakeBotApi, bot: BotProcess, uid: int) -> Footprint:
    """Start `bot`, read its RSS once polling and again after COMMANDS from `uid`."""
    after = fake.last_seq
    await bot.start()
    try:
        assert bot.proc is not None
        await wait_for_calls(
            fake, lambda c: c.method == "getUpdates", 1, after=after, timeout=120, bot=bot
        )
        await asyncio.sleep(SETTLE_S)
        started = rss_mb(bot.proc.pid)
        factory = update_factory.UpdateFactory()
        teacher = update_factory.user(uid, f"Teacher {uid}", "en")
        for text in COMMANDS:
            after = fake.last_seq
            fake.add_update(
                factory.text(teacher, update_factory.private_chat(teacher), text, fake.bot_username)
            )
            await wait_for_calls(fake, is_reply_in([uid]), 1, after=after, timeout=60, bot=bot)
        await asyncio.sleep(SETTLE_S)
        return Footprint(started, rss_mb(bot.proc.pid))
    finally:
        await bot.stop()


async def measure(workdir: Path) -> tuple[Footprint, Footprint]:
    """(echo bot, TwinCoach on SQLite), one after the other on the same fake."""
    database = fresh_database(None, workdir, "memory_sqlite")
    seed_teachers(database.url, 1)
    db = Database(database.url)
    try:
        db.session_scope(seed)  # as the bot's first start left it
    finally:
        db.close()
    uid = teacher_ids(1)[0]
    async with FakeBotApi() as fake:
        echo = await footprint(fake, BotProcess.echo(fake, workdir), uid)
        twin = await footprint(
            fake, BotProcess.twincoach(fake, database.url, workdir, "memory_sqlite"), uid
        )
    return echo, twin


def rows(echo: Footprint, twin: Footprint) -> list[Result]:
    ratio = twin.idle / echo.idle
    load = f"load average {os.getloadavg()[0]:.1f}"
    return [
        Result(
            "(f) idle memory (RSS), PTB echo bot",
            f"{echo.idle:.0f} MB idle ({echo.started:.0f} MB after start-up)",
            "reference",
            True,
        ),
        Result(
            "(f) idle memory (RSS), TwinCoach on SQLite",
            f"{twin.idle:.0f} MB idle ({twin.started:.0f} MB after start-up)"
            f" = {ratio:.2f} × the echo bot; {load}",
            f"≤ {TARGET_RATIO:.0f} × the echo bot",
            ratio <= TARGET_RATIO,
        ),
    ]


async def run(pg_url: str | None, *, quick: bool = False) -> list[Result]:
    """(f) on SQLite only: the database driver's share is not what is measured
    (`pg_url` and `quick` change nothing; the run takes a few seconds)."""
    del pg_url, quick
    with tempfile.TemporaryDirectory(prefix="twincoach-bench-") as tmp:
        return rows(*await measure(Path(tmp)))


if __name__ == "__main__":  # development only; `python -m bench` runs the whole suite
    from bench.report import table

    print(table(asyncio.run(run(None))))
