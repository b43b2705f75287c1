"""A quiz answer's own transaction: what it costs the bot's CPU.

200 teachers in 50 teams; 2,000 transactions, 32 at once, each as a scale press runs
it (storage/answers.py): the teacher with their membership and answers so far in one
SELECT, then the answer's upsert, through `Database.run`. Each figure is the process's
CPU time per transaction in one round, three rounds after a warm-up.

A study for bench/README.md, not in `python -m bench`. To set two versions of the
code side by side, run it from each tree in turn (`PYTHONPATH=DIR`).

Usage: `.venv/bin/python -m bench.transaction [postgresql://…]` (SQLite by default).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime

import uvloop
from sqlmodel import Session

from bench.seed import fresh_database, seed_teams
from storage import answers
from storage.db import Database, make_engine

TRANSACTIONS = 2000
AT_ONCE = 32


def press(user_id: int, project_id: int, n: int) -> Callable[[Session], object]:
    def step(session: Session) -> object:
        teacher, _given = answers.teacher_with_answers(
            session, user_id=user_id, project_id=project_id, questionnaire="quiz", version=1
        )
        answers.save(
            session,
            project_id=project_id,
            user_id=user_id,
            questionnaire="quiz",
            version=1,
            item=f"q{n % 20}",
            value=str(n % 5 + 1),
            now=datetime.now(UTC),
        )
        return teacher

    return step


async def cpu_per_transaction(db: Database, teachers: list[tuple[int, int]]) -> float:
    """Microseconds of this process's CPU per transaction, over one round."""
    slots = asyncio.Semaphore(AT_ONCE)

    async def one(n: int) -> None:
        async with slots:
            await db.run(press(*teachers[n % len(teachers)], n))

    started = time.process_time()
    await asyncio.gather(*(one(n) for n in range(TRANSACTIONS)))
    return (time.process_time() - started) / TRANSACTIONS * 1e6


async def measure(url: str) -> list[float]:
    engine = make_engine(url)
    rng = random.Random(1)  # noqa: S311  (repeatable data, not a secret)
    teams = seed_teams(engine, teams=50, size=4, rng=rng)
    engine.dispose()
    teachers = [(user, project) for project, users in teams.members.items() for user in users]
    db = Database(url)
    try:
        await cpu_per_transaction(db, teachers)  # warm-up: connections, caches
        return [await cpu_per_transaction(db, teachers) for _round in range(3)]
    finally:
        await db.close_async()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pg_url", nargs="?", help="PostgreSQL server URL (SQLite by default)")
    args = parser.parse_args()
    with fresh_database(args.pg_url, "twincoach_bench_transaction") as url:
        rounds = uvloop.run(measure(url))
    print("CPU a transaction, µs:", ", ".join(f"{r:.0f}" for r in rounds))


if __name__ == "__main__":
    main()
