"""Benchmarks (a) and (a'): how fast TwinCoach takes quiz answers, against a bare bot.

(a) Throughput. The same button presses are queued at once on the loopback fake Bot API
for four bots, each in its own process, in one run:

- the baseline, bench/echo_bot.py: a bare python-telegram-bot echo bot (PTB defaults);
- for reference, the same echo bot on TwinCoach's Bot API request class (aiohttp), so
  the table shows what of TwinCoach's rate that class buys and what less work does;
- TwinCoach (`python -m bot run`) on SQLite, and on PostgreSQL when a URL is given.

TwinCoach's path per press is the one the issue names: the scale answer arrives as a
callback query (data `quiz:<scale>:<1–5>`, as the bot's buttons carry), membership is
checked, the answer stored, the dialog state persisted, the press answered and the
pressed question turned into the next one (editMessageText, as in the chat). The
quiz has nine scales, so 5,000 updates over 500 chats cannot all be scale answers: we
use 556 chats × 9 presses = 5,004, the ninth in each chat rendering the closing message
instead of a tenth question. Before the timed part, an untimed warm-up drives every
teacher through the real bot to the first scale (/quiz, then /skip the eleven words).
Throughput = presses / (first press queued → last reply arrived); a reply is the
echo's sendMessage or TwinCoach's editMessageText.

(a') Latency under a paced load, TwinCoach on SQLite and, for scale, the echo bot:
presses are queued open loop at 200 a second for 60 s; latency is the reply's arrival at
the fake minus the moment its press was queued. p50 and p99. When a bot handles fewer
than 200 presses a second the queue grows for the whole minute, and p99 is that wait.
Meanwhile this process (the fake and the load) pauses its own garbage collector.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import math
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from sqlmodel import col, func, select

from bench.harness import (
    SCALE_KEYS,
    BotProcess,
    Press,
    bot_answers,
    fresh_database,
    is_reply_in,
    percentile,
    plain_questions,
    quiz_to_first_scale,
    scale_presses,
    seed_teachers,
    teacher_ids,
    wait_for_calls,
)
from bench.report import Result
from bot.fakeapi.server import ApiCall, FakeBotApi
from storage.db import Database
from storage.models import Answer

CHATS = 556  # × 9 scale answers = 5,004 updates (the issue: 5,000 over 500 chats)
PER_CHAT = len(SCALE_KEYS)
SQLITE_SHARE, PG_SHARE = 0.70, 0.60
PACE = 200  # updates/s for (a')
PACED_SECONDS = 60
P99_LIMIT_MS = 50.0


async def _queue_all(fake: FakeBotApi, bot: BotProcess, presses: list[Press]) -> float:
    """Queue every press at once and wait for as many replies: updates per second."""
    after = fake.last_seq
    began = time.perf_counter()
    for press in presses:
        fake.add_update(press.payload)
    replies = await wait_for_calls(
        fake, is_reply_in(), len(presses), after=after, timeout=600, bot=bot
    )
    _check_replies(fake, after)
    return len(presses) / (replies[-1].at - began)


def _check_replies(fake: FakeBotApi, after: int) -> None:
    """Every call the bot made in the timed part succeeded (no silent apologies)."""
    failed = [c for c in fake.calls[after:] if not c.ok and c.method != "getUpdates"]
    if failed:
        raise RuntimeError(f"{len(failed)} Bot API calls failed, e.g. {failed[0]}")


@contextlib.asynccontextmanager
async def started(
    fake: FakeBotApi,
    workdir: Path,
    chats: int,
    database_url: str | None,
    label: str,
    *,
    aiohttp: bool = False,
) -> AsyncIterator[tuple[BotProcess, dict[int, dict[str, Any]]]]:
    """The echo bot (no `database_url`; `aiohttp`: see bench/echo_bot.py) or TwinCoach,
    running and warmed up: each of `chats` teachers has a question with the scale's five
    buttons on screen."""
    if database_url is None:
        bot = BotProcess.echo(fake, workdir, aiohttp=aiohttp)
    else:
        bot = BotProcess.twincoach(fake, database_url, workdir, label)
    await bot.start()
    try:
        if database_url is None:
            await bot_answers(fake, bot, teacher_ids(1)[0], timeout=60)
            questions = plain_questions(teacher_ids(chats), fake.bot_user)
        else:
            questions = await quiz_to_first_scale(fake, bot, teacher_ids(chats))
            await asyncio.sleep(1.0)  # let the warm-up's last writes settle
        yield bot, questions
    finally:
        await bot.stop()


async def echo_rate(workdir: Path, chats: int, *, aiohttp: bool = False) -> float:
    async with (
        FakeBotApi() as fake,
        started(fake, workdir, chats, None, "echo", aiohttp=aiohttp) as (bot, asked),
    ):
        return await _queue_all(fake, bot, scale_presses(asked, PER_CHAT))


def _stored_scale_answers(url: str) -> int:
    db = Database(url)
    try:
        return db.session_scope(
            lambda s: s.exec(
                select(func.count()).where(col(Answer.item).startswith("s_"), Answer.value == "3")
            ).one()
        )
    finally:
        db.close()


async def twincoach_rate(pg_url: str | None, workdir: Path, chats: int) -> float:
    label = f"throughput_{'pg' if pg_url else 'sqlite'}"
    database = fresh_database(pg_url, workdir, label)
    try:
        seed_teachers(database.url, chats)
        async with (
            FakeBotApi() as fake,
            started(fake, workdir, chats, database.url, label) as (bot, asked),
        ):
            presses = scale_presses(asked, PER_CHAT)
            rate = await _queue_all(fake, bot, presses)
        stored = _stored_scale_answers(database.url)
        if stored != len(presses):
            raise RuntimeError(f"{stored} scale answers stored, {len(presses)} expected")
        return rate
    finally:
        database.drop()


async def paced_latencies(workdir: Path, seconds: float, *, echo: bool) -> list[float]:
    """(a'): latencies in ms of presses queued open loop at PACE a second, to the echo
    bot or to TwinCoach on SQLite."""
    total = int(PACE * seconds)
    chats = math.ceil(total / PER_CHAT)
    url = None
    if not echo:
        url = fresh_database(None, workdir, "latency").url
        seed_teachers(url, chats)
    async with FakeBotApi() as fake, started(fake, workdir, chats, url, "latency") as (bot, asked):
        presses = scale_presses(asked, PER_CHAT)[:total]
        after = fake.last_seq
        with _collector_paused():
            queued = await _pace(fake, presses)
            await wait_for_calls(fake, is_reply_in(), total, after=after, timeout=900, bot=bot)
        _check_replies(fake, after)
    replies: dict[int, list[ApiCall]] = defaultdict(list)
    for call in filter(is_reply_in(), fake.calls[after:]):
        if call.chat_id is not None:
            replies[call.chat_id].append(call)
    # one reply per press, in order within a chat: the n-th reply answers the n-th press
    return [(replies[p.chat_id][p.n].at - at) * 1000 for p, at in zip(presses, queued, strict=True)]


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The fake Bot API and the load run in this process, and its heap grows with every
    call recorded: its full garbage collections (about 150 ms each, two in 30 s of
    pacing) would hold up replies and count as the bot's latency."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def _pace(fake: FakeBotApi, presses: list[Press]) -> list[float]:
    """Queue presses at PACE a second whatever the bot does (open loop); returns when
    each was queued. Whole due batches are queued per wake-up, so a late wake-up of this
    loop does not lower the rate."""
    queued: list[float] = []
    start = time.perf_counter()
    while len(queued) < len(presses):
        due = min(len(presses), int((time.perf_counter() - start) * PACE) + 1)
        while len(queued) < due:
            fake.add_update(presses[len(queued)].payload)
            queued.append(time.perf_counter())
        next_at = start + len(queued) / PACE
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
    return queued


def _latency_row(bench: str, latencies: list[float]) -> Result:
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    return Result(
        bench,
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms ({len(latencies):,} presses, "
        f"max {max(latencies):.0f} ms)",
        f"p99 < {P99_LIMIT_MS:.0f} ms",
        p99 < P99_LIMIT_MS,
    )


def _share(rate: float, baseline: float, reference: float) -> str:
    return (
        f"{rate:,.0f} updates/s = {rate / baseline:.0%} of the echo bot "
        f"({rate / reference:.0%} of the echo bot on aiohttp)"
    )


async def run(pg_url: str | None, *, quick: bool = False) -> list[Result]:
    """(a) and (a'); `quick` shrinks them for development (fewer chats, 10 s of pacing)."""
    chats = 112 if quick else CHATS
    seconds = 10 if quick else PACED_SECONDS
    n = chats * PER_CHAT
    what = f"{n:,} presses, {chats} chats × {PER_CHAT}"
    with tempfile.TemporaryDirectory(prefix="twincoach-bench-") as tmp:
        workdir = Path(tmp)
        baseline = await echo_rate(workdir, chats)
        reference = await echo_rate(workdir, chats, aiohttp=True)
        sqlite = await twincoach_rate(None, workdir, chats)
        pg = await twincoach_rate(pg_url, workdir, chats) if pg_url else None
        echo_latencies = await paced_latencies(workdir, seconds, echo=True)
        latencies = await paced_latencies(workdir, seconds, echo=False)
    results = [
        Result(
            f"(a) throughput, echo bot (baseline; {what})",
            f"{baseline:,.0f} updates/s",
            "baseline",
            True,
        ),
        Result(
            "(a) throughput, echo bot on TwinCoach's Bot API requests (aiohttp; reference)",
            f"{reference:,.0f} updates/s = {reference / baseline:.0%} of the echo bot",
            "reference",
            True,
        ),
        Result(
            "(a) throughput, quiz answer, SQLite",
            _share(sqlite, baseline, reference),
            f"≥ {SQLITE_SHARE:.0%} of the echo bot",
            sqlite >= SQLITE_SHARE * baseline,
        ),
        Result(
            "(a) throughput, quiz answer, PostgreSQL",
            _share(pg, baseline, reference) if pg is not None else "not run (no PostgreSQL URL)",
            f"≥ {PG_SHARE:.0%} of the echo bot",
            pg is not None and pg >= PG_SHARE * baseline,
        ),
        _latency_row(f"(a') latency at {PACE}/s for {seconds} s, echo bot", echo_latencies),
        _latency_row(f"(a') latency at {PACE}/s for {seconds} s, SQLite", latencies),
    ]
    return results


if __name__ == "__main__":  # development only; `python -m bench` runs the whole suite
    import argparse

    from bench.report import table

    parser = argparse.ArgumentParser()
    parser.add_argument("pg_url", nargs="?")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(table(asyncio.run(run(args.pg_url, quick=args.quick))))
