"""Does database work stall the event loop? Measured, not assumed.

3,000 `/team` updates from 300 teachers (each in a project of two) are queued at once on
the loopback fake Bot API; the real bot long-polls them. A ticker task asks for a 5 ms
sleep over and over and records how late it wakes up: that lateness is how long the event
loop was blocked. Two modes on the same data:

- off-loop: every update's session runs in a worker thread (what storage/db.py does
  for PostgreSQL);
- on-loop: the same session runs directly on the event loop (what it does for SQLite).

`--rtt-ms N` adds N ms of simulated network round trip to every SQL statement (a
database on another machine), which is where running sessions off the loop pays.

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

from bot.app import build_application
from bot.config import Settings
from bot.fakeapi import updates
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


async def measure(url: str, *, on_loop: bool, rtt_ms: float) -> dict[str, float]:
    db = Database(url)
    if rtt_ms:

        @event.listens_for(db.engine, "before_cursor_execute")
        def _round_trip(*_args: Any) -> None:
            time.sleep(rtt_ms / 1000)

    worker = None if on_loop else ThreadPoolExecutor(max_workers=1)

    async def run(fn: Any) -> Any:
        if worker is None:
            return db.session_scope(fn)
        return await asyncio.get_running_loop().run_in_executor(worker, db.session_scope, fn)

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
    factory = updates.UpdateFactory()
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
            teacher = updates.user(uid, f"Teacher {uid}", "en")
            fake.add_update(
                factory.text(teacher, updates.private_chat(teacher), "/team", fake.bot_username)
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
        for mode, on_loop in (("off-loop", False), ("on-loop", True)):
            url = fresh_database(args.database, Path(tmp), f"bench_{'on' if on_loop else 'off'}")
            rows.append((mode, await measure(url, on_loop=on_loop, rtt_ms=args.rtt_ms)))
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
