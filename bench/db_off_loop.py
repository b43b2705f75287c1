"""Does database work stall the event loop? Measured, not assumed.

3,000 `/team` updates from 300 teachers (each in a project of two) are queued at once on
the loopback fake Bot API; the real bot long-polls them. A ticker task asks for a 5 ms
sleep over and over and records how late it wakes up: that lateness is how long the event
loop was blocked. The modes, on the same data:

- threads: every update's session runs in a worker thread;
- on-loop: the same synchronous session runs directly on the event loop (what
  storage/db.py does for SQLite);
- async driver (PostgreSQL only): `Database.run` as shipped, the session in a greenlet
  with every round trip awaited through psycopg's async connection.

`--rtt-ms N` adds N ms of simulated network round trip to every SQL statement (a
database on another machine): a blocking sleep for the synchronous modes, an awaited one
for the async driver.

Usage: `.venv/bin/python bench/db_off_loop.py [--rtt-ms N] [postgresql://…]` (SQLite by default).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import event
from sqlalchemy.util import await_only

from bot.app.application import build_application
from bot.config import Settings
from bot.fakeapi import update_factory
from bot.fakeapi.server import FakeBotApi
from storage import teams
from storage.db import Database
from storage.migrate import upgrade
from storage.models import User

TEACHERS = 300
UPDATES = 3000
TOKEN = "123456:bench-token-for-the-loopback-fake-api"  # noqa: S105  (the fake accepts any)


def seed(db: Database) -> None:
    def make(session: Any) -> None:
        for uid in range(1, TEACHERS + 1):
            lead = User(id=uid, display_name=f"Teacher {uid}", country="LV", school=f"School {uid}")
            partner = User(id=100_000 + uid, display_name=f"Partner {uid}", country="LT")
            session.add_all([lead, partner])
            project = teams.create_project(session, founder=lead, title=f"Project {uid}")
            session.flush()
            assert project.id is not None
            invite = teams.create_invite(
                session, project_id=project.id, created_by=uid, now=lead.created_at
            )
            teams.redeem_invite(session, token=invite.token, user=partner, now=lead.created_at)

    db.session_scope(make)


def _with_round_trips(db: Database, rtt_ms: float) -> None:
    """Every statement waits `rtt_ms` first, as if the database were on another host."""
    if not rtt_ms:
        return

    @event.listens_for(db.engine, "before_cursor_execute")
    def _blocking(*_args: Any) -> None:
        time.sleep(rtt_ms / 1000)

    if db.async_engine is not None:

        @event.listens_for(db.async_engine.sync_engine, "before_cursor_execute")
        def _awaited(*_args: Any) -> None:
            await_only(asyncio.sleep(rtt_ms / 1000))


async def measure(url: str, *, mode: str, rtt_ms: float) -> dict[str, float]:
    db = Database(url)
    _with_round_trips(db, rtt_ms)
    worker = ThreadPoolExecutor(max_workers=1) if mode == "threads" else None

    async def run(fn: Any) -> Any:
        if worker is None:
            return db.session_scope(fn)
        return await asyncio.get_running_loop().run_in_executor(worker, db.session_scope, fn)

    if mode != "async driver":
        db.run = run  # type: ignore[method-assign]
    fake = FakeBotApi()
    await fake.start()
    settings = Settings(
        _env_file=None,
        telegram_bot_token=SecretStr(TOKEN),
        telegram_api_base_url=fake.base_url,
        database_url=url,
    )  # type: ignore[call-arg]
    app = build_application(settings, db)
    factory = update_factory.UpdateFactory()
    lateness: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            start = time.perf_counter()
            await asyncio.sleep(0.005)
            lateness.append(time.perf_counter() - start - 0.005)

    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=10)
        after = fake.last_seq
        ticking = asyncio.create_task(ticker())
        began = time.perf_counter()
        for n in range(UPDATES):
            uid = n % TEACHERS + 1
            teacher = update_factory.user(uid, f"Teacher {uid}", "en")
            fake.add_update(
                factory.text(
                    teacher, update_factory.private_chat(teacher), "/team", fake.bot_username
                )
            )
        replies = 0
        seq = after
        while replies < UPDATES:
            call = await fake.wait_for(lambda c: c.method == "sendMessage", after=seq, timeout=120)
            seq, replies = call.seq, replies + 1
        elapsed = time.perf_counter() - began
        done.set()
        await ticking
        await app.updater.stop()
        await app.stop()
    await fake.stop()
    await db.close_async()
    db.close()
    if worker is not None:
        worker.shutdown()
    ordered = sorted(lateness)
    return {
        "updates_per_s": UPDATES / elapsed,
        "lag_p50_ms": statistics.median(ordered) * 1000,
        "lag_p99_ms": ordered[int(len(ordered) * 0.99)] * 1000,
        "lag_max_ms": ordered[-1] * 1000,
    }


def fresh_database(base: str | None, workdir: Path, name: str) -> str:
    if base is None:
        url = f"sqlite:///{workdir / name}.db"
    else:
        import sqlalchemy as sa  # noqa: PLC0415  (only needed for PostgreSQL)

        from storage.db import normalise_url  # noqa: PLC0415

        admin = sa.create_engine(normalise_url(base), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = admin.url.set(database=name).render_as_string(hide_password=False)
        admin.dispose()
    db = Database(url)
    upgrade(db.engine)
    seed(db)
    db.close()
    return url


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database", nargs="?", help="a PostgreSQL URL (default: SQLite)")
    parser.add_argument("--rtt-ms", type=float, default=0.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        modes = ["threads", "on-loop"] + (["async driver"] if args.database else [])
        for n, mode in enumerate(modes):
            url = fresh_database(args.database, Path(tmp), f"bench_mode{n}")
            rows.append((mode, await measure(url, mode=mode, rtt_ms=args.rtt_ms)))
    backend = "PostgreSQL" if args.database else "SQLite"
    print(
        f"{backend}, {args.rtt_ms:g} ms per statement: "
        f"{UPDATES} /team updates from {TEACHERS} chats, queued at once"
    )
    print(
        f"{'mode':<20} {'updates/s':>10} {'lag p50 ms':>11} {'lag p99 ms':>11} {'lag max ms':>11}"
    )
    for mode, r in rows:
        print(
            f"{mode:<20} {r['updates_per_s']:>10.0f} {r['lag_p50_ms']:>11.2f} "
            f"{r['lag_p99_ms']:>11.2f} {r['lag_max_ms']:>11.2f}"
        )


if __name__ == "__main__":
    asyncio.run(main())
