"""Benchmark (e): fair sharing. Does a flood in one group hold up everyone else?

TwinCoach (`python -m bot run`, as deployed: input limits on) long-polls the loopback
fake Bot API, which enforces Telegram's limits (RateLimits: 30 messages a second, 20 a
minute into one group, 429 with retry_after beyond). 50 teachers use the bot privately:
each sends /team every PERIOD seconds, evenly spread (open loop), and their latency is
the reply's arrival at the fake minus the moment the /team was queued. In one run, the
same load twice: a phase without a flood, then a phase in which one teacher (a project
member) sends 60 × /help into a group at once, FLOOD_AT seconds in. Reported per phase:
p50, p99 and max of the private latencies, and the worst private latency in the two
seconds after the flood began (where a held-up slot would show). Target: the flood
changes the other chats' p99 by less than 100 ms.

Usage: ``python -m bench.fair [--quick] [postgresql://…]`` (SQLite, and PostgreSQL when a
URL is given).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.harness import (
    BotProcess,
    bot_answers,
    fresh_database,
    is_reply_in,
    percentile,
    seed_teachers,
    spread,
    teacher_ids,
    wait_for_calls,
)
from bench.report import Result, table
from bot.fakeapi import update_factory
from bot.fakeapi.server import ApiCall, FakeBotApi, RateLimits

TEACHERS = 50
PERIOD = 8.0  # s between one teacher's /team: 6.25 a second from all 50
FLOOD = 60
FLOOD_AT = 2.0  # s into the flood phase
GROUP_ID = -1_001_234_567_890
TARGET_MS = 100.0
WARM_UP_USER = 99_999  # not a seeded teacher: its /start is not counted


@dataclass(frozen=True)
class Phase:
    latencies: list[float]  # ms, private /team replies
    around_flood: list[float]  # ms, those queued in the 2 s after the flood began

    def summary(self) -> str:
        p50, p99 = percentile(self.latencies, 50), percentile(self.latencies, 99)
        return f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max(self.latencies):.0f} ms"


async def _private_load(
    fake: FakeBotApi, seconds: float, flood: list[dict[str, Any]]
) -> tuple[list[tuple[int, float]], float | None]:
    """Queue each teacher's /team every PERIOD seconds (teacher i at i·PERIOD/50 first),
    and the flood at FLOOD_AT when given. Returns (chat, queued at) in order, and when
    the flood was queued."""
    factory = update_factory.UpdateFactory()
    chats = teacher_ids(TEACHERS)
    who = {uid: update_factory.user(uid, f"Teacher {uid}", "en") for uid in chats}
    due = spread(chats, PERIOD, seconds)
    queued: list[tuple[int, float]] = []
    flooded: float | None = None
    start = time.perf_counter()
    for at, uid in due:
        if flood and flooded is None and at >= FLOOD_AT:
            await asyncio.sleep(max(0.0, start + FLOOD_AT - time.perf_counter()))
            for payload in flood:
                fake.add_update(payload)
            flooded = time.perf_counter()
        await asyncio.sleep(max(0.0, start + at - time.perf_counter()))
        chat = update_factory.private_chat(who[uid])
        fake.add_update(factory.text(who[uid], chat, "/team", fake.bot_username))
        queued.append((uid, time.perf_counter()))
    return queued, flooded


def _flood(fake: FakeBotApi, flooder: int) -> list[dict[str, Any]]:
    factory = update_factory.UpdateFactory()
    who = update_factory.user(flooder, f"Teacher {flooder}", "en")
    group = update_factory.group_chat(GROUP_ID, "Project group")
    return [factory.text(who, group, "/help", fake.bot_username) for _ in range(FLOOD)]


async def _phase(fake: FakeBotApi, bot: BotProcess, seconds: float, *, flood: bool) -> Phase:
    flooder = teacher_ids(TEACHERS + 1)[-1]
    after = fake.last_seq
    queued, flooded = await _private_load(fake, seconds, _flood(fake, flooder) if flood else [])
    sent = is_reply_in(teacher_ids(TEACHERS))
    accepted = lambda c: sent(c) and c.ok  # noqa: E731  (a 429 is no reply)
    await wait_for_calls(fake, accepted, len(queued), after=after, timeout=300, bot=bot)
    replies: dict[int, list[ApiCall]] = defaultdict(list)
    for call in filter(accepted, fake.calls[after:]):
        assert call.chat_id is not None
        replies[call.chat_id].append(call)
    seen: dict[int, int] = defaultdict(int)
    latencies, around = [], []
    for uid, at in queued:  # one reply per /team, in order within a chat
        reply = replies[uid][seen[uid]]
        seen[uid] += 1
        latencies.append((reply.at - at) * 1000)
        if flooded is not None and flooded <= at < flooded + 2:
            around.append(latencies[-1])
    return Phase(latencies, around)


def _group_outcome(fake: FakeBotApi) -> str:
    sent = sum(
        1 for c in fake.calls if c.chat_id == GROUP_ID and c.method == "sendMessage" and c.ok
    )
    return f"{sent} group replies, {fake.too_many} sends answered 429 in the run"


async def measure(pg_url: str | None, workdir: Path, seconds: float) -> tuple[Phase, Phase, str]:
    label = f"fair_{'pg' if pg_url else 'sqlite'}"
    database = fresh_database(pg_url, workdir, label)
    try:
        seed_teachers(database.url, TEACHERS + 1)  # the last one floods the group
        async with FakeBotApi(limits=RateLimits()) as fake:
            bot = BotProcess.twincoach(fake, database.url, workdir, label)
            await bot.start()
            try:
                await bot_answers(fake, bot, WARM_UP_USER, timeout=60)
                quiet = await _phase(fake, bot, seconds, flood=False)
                flooded = await _phase(fake, bot, seconds, flood=True)
                group = _group_outcome(fake)
            finally:
                await bot.stop()
        return quiet, flooded, group
    finally:
        database.drop()


def _rows(db: str, seconds: float, quiet: Phase, flooded: Phase, group: str) -> list[Result]:
    what = (
        f"{TEACHERS} teachers' private /team, {TEACHERS / PERIOD:.2f}/s for {seconds:.0f} s, {db}"
    )
    change = percentile(flooded.latencies, 99) - percentile(quiet.latencies, 99)
    worst = f"{max(flooded.around_flood):.0f} ms" if flooded.around_flood else "none queued"
    return [
        Result(f"(e) fair sharing: {what}, no flood", quiet.summary(), "reference", True),
        Result(
            f"(e) fair sharing: {what}, 60 × /help from one teacher into a group "
            "(fake enforces 30/s and 20/min per group)",
            f"{flooded.summary()} (p99 {change:+.1f} ms; worst in the flood's first 2 s "
            f"{worst}; {group})",
            f"p99 within {TARGET_MS:.0f} ms of no flood",
            change < TARGET_MS,
        ),
    ]


async def run(pg_url: str | None, *, quick: bool = False) -> list[Result]:
    """(e) on SQLite, and on PostgreSQL when a URL is given; `quick`: 16 s phases."""
    seconds = 16.0 if quick else 40.0
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="twincoach-bench-") as tmp:
        for url, db in ((None, "SQLite"), (pg_url, "PostgreSQL")):
            if db == "PostgreSQL" and url is None:
                continue
            quiet, flooded, group = await measure(url, Path(tmp), seconds)
            results += _rows(db, seconds, quiet, flooded, group)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.fair", description=__doc__)
    parser.add_argument("pg_url", nargs="?")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(table(asyncio.run(run(args.pg_url, quick=args.quick))))


if __name__ == "__main__":
    main()
