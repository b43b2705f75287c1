"""The read before each update: what it costs the bot's CPU, measured two ways.

200 teachers, each with a scratchpad and a dialog state; 3,000 reads of one teacher's,
32 at once, as the updates in hand read (storage/persistence.py `DbPersistence.load`):

- SQLAlchemy: the same statement through SQLAlchemy's engine on a connection of its
  own in autocommit (on PostgreSQL its asyncio engine), as `Database.read_row` did;
- read_row: `Database.read_row` as shipped, straight through the driver (sqlite3, or a
  psycopg pool of its own on PostgreSQL).

Each figure is the process's CPU time per read, the best of three rounds after a warm-up.
A study for bench/README.md, not in `python -m bench`.

Usage: `.venv/bin/python -m bench.reads [postgresql://…]` (SQLite by default).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import uvloop
from sqlmodel import Session

from bench.harness import fresh_database
from storage.db import Database
from storage.models import ConversationState, User, UserScratch
from storage.persistence import _read_statement

TEACHERS = 200
READS = 3000
AT_ONCE = 32
DIALOG = "dialog"


def seed(db: Database) -> None:
    def make(session: Session) -> None:
        for uid in range(1, TEACHERS + 1):
            session.add(User(id=uid, display_name=f"Teacher {uid}"))
            session.flush()
            session.add(UserScratch(user_id=uid, data=json.dumps({"title": f"Project {uid}"})))
            session.add(ConversationState(name=DIALOG, key=json.dumps([uid, uid]), state='"quiz"'))

    db.session_scope(make)


def values(n: int) -> dict[str, Any]:
    uid = n % TEACHERS + 1
    return {"user_id": uid, "key0": json.dumps([uid, uid])}


async def cpu_per_read(read: Callable[[int], Awaitable[object]]) -> float:
    """Milliseconds of this process's CPU a read, the best of three rounds."""

    async def reader(first: int) -> None:
        for n in range(first, READS, AT_ONCE):
            await read(n)

    best = float("inf")
    for _round in range(4):  # the first warms up
        started = time.process_time()
        await asyncio.gather(*(reader(k) for k in range(AT_ONCE)))
        best = min(best, (time.process_time() - started) * 1000 / READS)
    return best


async def measure(url: str) -> dict[str, float]:
    db = Database(url)
    seed(db)
    statement = _read_statement((DIALOG,))

    async def through_sqlalchemy(n: int) -> object:
        if db.async_engine is None:
            with db.engine.connect() as conn:
                return (
                    conn.execution_options(isolation_level="AUTOCOMMIT")
                    .execute(statement, values(n))
                    .one()
                )
        async with db.async_engine.connect() as conn:
            alone = await conn.execution_options(isolation_level="AUTOCOMMIT")
            return (await alone.execute(statement, values(n))).one()

    async def through_read_row(n: int) -> object:
        return await db.read_row(statement, values(n))

    try:
        return {
            "SQLAlchemy": await cpu_per_read(through_sqlalchemy),
            "read_row": await cpu_per_read(through_read_row),
        }
    finally:
        await db.close_async()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pg_url", nargs="?")
    pg_url = parser.parse_args().pg_url
    with tempfile.TemporaryDirectory(prefix="twincoach-reads-") as tmp:
        database = fresh_database(pg_url, Path(tmp), "reads")
        try:
            found = uvloop.run(measure(database.url))
        finally:
            database.drop()
    where = "PostgreSQL" if pg_url else "SQLite"
    for way, ms in found.items():
        print(f"{where}, {way}: {ms * 1000:.0f} µs of CPU a read")


if __name__ == "__main__":
    main()
