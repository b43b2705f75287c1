"""Benchmark (d): delivering 3,000 due reminders through a Bot API that enforces
Telegram's limits, against the floor those limits set.

The fake Bot API answers 429 (with retry_after, as Telegram does) past 30 messages in any
second overall or 20 in any minute to one group. The bot's own delivery runs as a separate
process, exactly as deployed: ``python -m bot scheduler`` (``run`` when this checkout has
no ``scheduler`` command yet). The mix is realistic: 2,400 deadline reminders to 1,200
teachers' private chats (two each) and 600 to 60 linked group chats (each a weekly digest
and nine deadline reminders), all due now; 240 teams of five teachers from five
countries, in three languages.

The fake answers every method after a round trip (`rtt`, default 50 ms as Telegram's
usual; 0: at once, the row measured before there was one).

Measured: the time from the first accepted reminder to the last (and from process
start), against the floor of 3,000 / 30 = 100 s; the 429 answers; and that each reminder
arrived exactly once (every (chat, text) once at the fake, every row `sent` in the
database).

Usage: ``python -m bench.delivery [--quick] [--rtt MS …] [postgresql://…]``.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, func, select

from bench.harness import BotProcess, bot_env, rtt_main
from bench.report import Result
from bench.seed import fresh_database, insert, seed_teams
from bot.fakeapi.server import ApiCall, FakeBotApi, RateLimits
from storage import reminders
from storage.db import Database, make_engine
from storage.models import ChatBinding, Deadline, Reminder

PER_SECOND = 30
GROUP_PER_MINUTE = 20
TEAM_SIZE = 5
PRIVATE_PER_TEACHER = 2
PER_GROUP = 10  # one digest and nine deadline reminders
TARGET_RATIO = 1.15
GROUP_ID = -1_001_000_000_000  # supergroup ids look like -100…


@dataclass(frozen=True)
class Size:
    teachers: int  # each gets PRIVATE_PER_TEACHER private reminders
    groups: int  # each gets PER_GROUP group messages

    @property
    def reminders(self) -> int:
        return self.teachers * PRIVATE_PER_TEACHER + self.groups * PER_GROUP

    @property
    def floor(self) -> float:
        return self.reminders / PER_SECOND


FULL = Size(teachers=1_200, groups=60)  # 2,400 + 600 = 3,000: a floor of 100 s
QUICK = Size(teachers=240, groups=12)  # 480 + 120 = 600: 20 s


def seed(url: str, size: Size, now: datetime) -> list[int]:
    """Teams, deadlines a few days ahead and the due reminder rows; returns their ids."""
    rng = random.Random(7)  # noqa: S311  (repeatable data, not a secret)
    engine = make_engine(url)
    try:
        seeded = seed_teams(engine, teams=size.teachers // TEAM_SIZE, size=TEAM_SIZE, rng=rng)
        deadlines: list[dict[str, Any]] = []
        for project_id in seeded.project_ids:
            for n, owner in enumerate(seeded.members[project_id] * PRIVATE_PER_TEACHER):
                deadlines.append(
                    {
                        "project_id": project_id,
                        "title": f"Activity {n + 1} of project {project_id} ({owner})",
                        "due_at": now + timedelta(days=3, hours=n),
                        "owner_id": owner,
                        "created_by": seeded.members[project_id][0],
                        "created_at": now,
                    }
                )
        insert(engine, Deadline, deadlines)
        groups: list[dict[str, Any]] = [
            {
                "chat_id": GROUP_ID - k,
                "project_id": project_id,
                "title": f"Project {project_id}",
                "language": ("lv", "lt", "en")[k % 3],
                "bound_at": now,
            }
            for k, project_id in enumerate(seeded.project_ids[: size.groups])
        ]
        insert(engine, ChatBinding, groups)
        due = now - timedelta(minutes=1)
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(
                    Deadline.__table__.c.id,  # type: ignore[attr-defined]
                    Deadline.__table__.c.project_id,  # type: ignore[attr-defined]
                    Deadline.__table__.c.owner_id,  # type: ignore[attr-defined]
                ).order_by(Deadline.__table__.c.id)  # type: ignore[attr-defined]
            ).all()
        by_project: dict[int, list[tuple[int, int]]] = {}
        for deadline_id, project_id, owner in rows:
            by_project.setdefault(project_id, []).append((deadline_id, owner))
        planned: list[dict[str, Any]] = [
            {
                "project_id": project_id,
                "deadline_id": deadline_id,
                "user_id": owner,
                "chat_id": owner,
                "kind": "before",
                "due_at": due,
            }
            for project_id, found in by_project.items()
            for deadline_id, owner in found
        ]
        for group in groups:
            planned.append(
                {
                    "project_id": group["project_id"],
                    "deadline_id": None,
                    "user_id": None,
                    "chat_id": group["chat_id"],
                    "kind": "digest",
                    "due_at": due,
                }
            )
            planned += [
                {
                    "project_id": group["project_id"],
                    "deadline_id": deadline_id,
                    "user_id": owner,
                    "chat_id": group["chat_id"],
                    "kind": "before",
                    "due_at": due,
                }
                for deadline_id, owner in by_project[group["project_id"]][: PER_GROUP - 1]
            ]
        insert(engine, Reminder, planned)
        with engine.connect() as conn:
            ids = conn.execute(sa.select(Reminder.__table__.c.id)).scalars().all()  # type: ignore[attr-defined]
        assert len(ids) == size.reminders, (len(ids), size.reminders)
        return list(ids)
    finally:
        engine.dispose()


async def _command() -> str:
    """``scheduler`` once this checkout has it, else ``run`` (the same dispatcher inside
    the polling bot)."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--help", stdout=asyncio.subprocess.PIPE
    )
    out, _ = await child.communicate()
    return "scheduler" if b"scheduler" in out else "run"


def statuses_of(url: str, ids: list[int]) -> dict[str, int]:
    """How many of these reminder rows are in each status."""
    db = Database(url)
    try:
        query = (
            select(Reminder.status, func.count())
            .where(col(Reminder.id).in_(ids))
            .group_by(col(Reminder.status))
        )
        return {str(k): int(v) for k, v in db.session_scope(lambda s: s.exec(query).all())}
    finally:
        db.close()


async def deliver(
    url: str, size: Size, ids: list[int], workdir: Path, rtt_ms: float = 0.0
) -> dict[str, Any]:
    """Start the fake with the limits and the round trip, and the bot's delivery process;
    wait until every reminder is settled (or a generous time-out); gather the numbers."""
    command = await _command()
    fake = FakeBotApi(
        limits=RateLimits(per_second=PER_SECOND, group_per_minute=GROUP_PER_MINUTE),
        latency=rtt_ms / 1000,
    )
    await fake.start()
    env = bot_env(fake, url)
    if rate := os.environ.get("SEND_RATE"):
        env["SEND_RATE"] = rate
    process = BotProcess([sys.executable, "-m", "bot", command], env, workdir, "delivery")
    timeout = size.floor * 6 + 60
    try:
        await process.start()
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            await asyncio.sleep(1.0)
            process.check_alive()
            if sum(1 for c in fake.calls if _sent(c)) >= size.reminders:
                statuses = await asyncio.to_thread(statuses_of, url, ids)
                if statuses.get(reminders.PENDING, 0) + statuses.get(reminders.SENDING, 0) == 0:
                    break
        await asyncio.sleep(2.0)  # anything sent twice would show up now
    finally:
        await process.stop()
        await fake.stop()
    sends = [c for c in fake.calls if _sent(c)]
    copies = Counter((c.chat_id, c.params.get("text")) for c in sends)
    statuses = await asyncio.to_thread(statuses_of, url, ids)
    first = min((c.at for c in sends), default=float("nan"))
    last = max((c.at for c in sends), default=float("nan"))
    return {
        "command": command,
        "sent": len(sends),
        "distinct": len(copies),
        "duplicates": sum(n - 1 for n in copies.values() if n > 1),
        "too_many": fake.too_many,
        "span": last - first,
        "from_start": last - process.spawned_at,
        "first_after_start": first - process.spawned_at,
        "statuses": statuses,
        "log": str(process.log_path),
    }


def _sent(call: ApiCall) -> bool:
    return call.method == "sendMessage" and call.ok


async def run(
    pg_url: str | None, *, quick: bool = False, rtts: Sequence[float] = (50.0,)
) -> list[Result]:
    """(d) on SQLite, or on PostgreSQL when a URL is given, at each round trip (ms)."""
    results: list[Result] = []
    for rtt in rtts:
        results += await run_rtt(pg_url, quick=quick, rtt_ms=rtt)
    return results


async def run_rtt(pg_url: str | None, *, quick: bool, rtt_ms: float) -> list[Result]:
    size = QUICK if quick else FULL
    backend = "PostgreSQL" if pg_url else "SQLite"
    now = datetime.now(UTC)
    with (
        fresh_database(pg_url, "twincoach_bench_delivery") as url,
        tempfile.TemporaryDirectory(prefix="bench-delivery-") as workdir,
    ):
        ids = await asyncio.to_thread(seed, url, size, now)
        got = await deliver(url, size, ids, Path(workdir), rtt_ms)
        if got["sent"] < size.reminders:
            log = await asyncio.to_thread(Path(got["log"]).read_text, errors="replace")
            print(log[-3000:], file=sys.stderr)
    ratio = got["span"] / size.floor
    sent_rows = got["statuses"].get(reminders.SENT, 0)
    once = got["duplicates"] == 0 and got["distinct"] == size.reminders == sent_rows
    load = os.getloadavg()[0]
    print(
        f"(d) {backend}, rtt {rtt_ms:g} ms, python -m bot {got['command']}: {got['sent']} "
        f"sends, {got['distinct']} distinct (chat, text), {got['duplicates']} duplicates, "
        f"{got['too_many']} answered 429; first accepted {got['first_after_start']:.1f} s "
        f"after process start, last {got['from_start']:.1f} s; rows {got['statuses']}; "
        f"load average {load:.1f}",
        file=sys.stderr,
    )
    label = (
        f"{size.reminders:,} reminders ({size.teachers * PRIVATE_PER_TEACHER:,} private, "
        f"{size.groups * PER_GROUP} to {size.groups} groups), {backend}, rtt {rtt_ms:g} ms, "
        f"python -m bot {got['command']}"
    )
    return [
        Result(
            f"(d) delivery time, {label}",
            f"{got['span']:.1f} s first→last = {ratio:.2f} × floor {size.floor:.0f} s "
            f"({got['from_start']:.1f} s from process start; load {load:.1f})",
            f"≤ {TARGET_RATIO} × floor",
            ratio <= TARGET_RATIO,
        ),
        Result(
            f"(d) 429 answers, {label}",
            f"{got['too_many']}",
            "0",
            got["too_many"] == 0,
        ),
        Result(
            f"(d) delivered exactly once, {label}",
            f"{got['distinct']:,} of {size.reminders:,} once, {got['duplicates']} twice or "
            f"more, {sent_rows:,} rows sent",
            "each once, every row sent",
            once,
        ),
    ]


def main() -> None:
    rtt_main("python -m bench.delivery", __doc__, run, f"{QUICK.reminders} reminders")


if __name__ == "__main__":
    main()
