"""Benchmarks (a) and (a'): how fast TwinCoach takes quiz answers, against bare bots,
with Telegram's round trip.

The loopback fake Bot API answers every method after a round trip (`rtt`, in ms: real
Telegram takes 30–100; 0 gives the rows measured before there was one). Each bot runs in
its own process; in one run, for each round trip:

- the baseline, bench/echo_bot.py: a bare python-telegram-bot echo bot (PTB's defaults;
  with a round trip, `concurrent_updates(True)`, as PTB advises: one update at a time a
  50 ms round trip caps it at 10 presses a second);
- the peer to beat, bench/aiogram_echo.py: a bare aiogram 3 echo bot (its defaults);
- without a round trip, for reference, the PTB echo bot on TwinCoach's Bot API request
  class (aiohttp), so the table shows what of TwinCoach's rate that class buys;
- TwinCoach (`python -m bot run`) on SQLite, and on PostgreSQL when a URL is given.

TwinCoach's path per press: the scale answer arrives as a callback query (data
`quiz:<scale>:<1–5>`, as the bot's buttons carry), membership is checked, the answer
stored, the dialog state persisted, the press answered and the pressed question turned
into the next one (editMessageText, as in the chat), those two in flight together. The
quiz has nine scales, so 5,000 updates over 500 chats cannot all be scale answers: we
use 556 chats × 9 presses = 5,004, the ninth in each chat rendering the closing message
instead of a tenth question. Before the timed part, an untimed warm-up brings every
teacher to the first scale: the eleven words stored as skipped, as /skip stores them,
then /quiz through the real bot, which goes on at the first scale (two replies a
teacher instead of twelve, all paced at Telegram's 30 a second by the bot).

(a) Throughput = presses / (first press queued → last reply arrived); a reply is the
echo's sendMessage or TwinCoach's editMessageText. All presses are queued at once.

(a') Latency under a paced load: presses are queued open loop at 100 a second for 30 s;
latency is the reply's arrival at the fake minus the moment its press was queued (the
fake holds each update for a round trip before the bot has it, so at best it is one
round trip). p50 and p99. When a bot handles fewer presses a second than that, the
queue grows for the whole run, and p99 is that wait. Meanwhile this process (the fake
and the load) pauses its own garbage collector.

Each figure carries the 1-minute load average of the machine when it was taken.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import math
import os
import signal
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import col, func, select

from bench.harness import (
    ROOT,
    SCALE_KEYS,
    BotProcess,
    Press,
    bot_answers,
    collector_paused,
    fresh_database,
    is_reply_in,
    percentile,
    plain_questions,
    postgres_cpu,
    quiz_to_first_scale,
    scale_presses,
    seed_teachers,
    skip_words,
    teacher_ids,
    wait_for_calls,
)
from bench.report import Result
from bot.fakeapi.server import ApiCall, FakeBotApi
from storage.db import Database
from storage.models import Answer

CHATS = 556  # × 9 scale answers = 5,004 updates (the issue: 5,000 over 500 chats)
PER_CHAT = len(SCALE_KEYS)
SQLITE_SHARE, PG_SHARE = 0.70, 0.60  # of the PTB echo bot, without a round trip
PACE = 100  # updates/s for (a')
PACED_SECONDS = 30
P99_LIMIT_MS = 50.0  # without a round trip; with one: p99 < this + 5 round trips
ECHOES = ("ptb", "aiogram", "ptb-aiohttp")
_RUNS = itertools.count(1)


@dataclass(frozen=True)
class Subject:
    """One bot under test: an echo bot (one of ECHOES) or TwinCoach on a database."""

    echo: str | None = None
    pg: bool = False
    code: str | None = None  # TwinCoach from another source tree (BENCH_BEFORE), for (a)

    @property
    def name(self) -> str:
        if self.echo is not None:
            return {
                "ptb": "PTB echo bot",
                "aiogram": "aiogram echo bot",
                "ptb-aiohttp": "PTB echo bot on TwinCoach's Bot API requests (aiohttp)",
            }[self.echo]
        before = f" before ({self.code})" if self.code else ""
        return f"TwinCoach{before}, {'PostgreSQL' if self.pg else 'SQLite'}"


PTB, AIOGRAM, REFERENCE = (Subject(echo) for echo in ECHOES)
SQLITE, POSTGRES = Subject(), Subject(pg=True)


@dataclass(frozen=True)
class Setup:
    """What one run shares: where, how large, the round trip, TwinCoach's connections."""

    workdir: Path
    chats: int
    rtt_ms: float
    pg_url: str | None
    connections: int | None = None  # TELEGRAM_CONNECTIONS; None: the bot's default


def _load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


async def _queue_all(fake: FakeBotApi, bot: BotProcess, presses: list[Press]) -> float:
    """Queue every press at once and wait for as many replies: updates per second."""
    after = fake.last_seq
    began = time.perf_counter()
    for press in presses:
        fake.add_update(press.payload)
    replies = await wait_for_calls(
        fake, is_reply_in(), len(presses), after=after, timeout=900, bot=bot
    )
    _check_replies(fake, after)
    return len(presses) / (replies[-1].at - began)


def _check_replies(fake: FakeBotApi, after: int) -> None:
    """Every call the bot made in the timed part succeeded (no silent apologies)."""
    failed = [c for c in fake.calls[after:] if not c.ok and c.method != "getUpdates"]
    if failed:
        raise RuntimeError(f"{len(failed)} Bot API calls failed, e.g. {failed[0]}")


def _process(subject: Subject, fake: FakeBotApi, setup: Setup, url: str | None) -> BotProcess:
    if subject.echo == "aiogram":
        return BotProcess.aiogram_echo(fake, setup.workdir)
    if subject.echo is not None:
        return BotProcess.echo(
            fake, setup.workdir, aiohttp=subject.echo == "ptb-aiohttp", concurrent=setup.rtt_ms > 0
        )
    assert url is not None
    label = "pg" if subject.pg else "sqlite"
    bot = BotProcess.twincoach(fake, url, setup.workdir, label)
    if subject.code is not None:  # e.g. `git archive main | tar -x -C DIR`
        bot.env["PYTHONPATH"] = subject.code
    if setup.connections is not None:
        bot.env["TELEGRAM_CONNECTIONS"] = str(setup.connections)
    if profiles := os.environ.get("BENCH_PROFILE"):  # a directory: profile the timed part
        bot.args[1:3] = [str(ROOT / "bench" / "profiled.py")]
        out = Path(profiles) / f"{label}-rtt{setup.rtt_ms:g}-{next(_RUNS)}.prof"
        bot.env["BENCH_PROFILE_OUT"] = str(out.resolve())
    return bot


@contextlib.asynccontextmanager
async def started(
    subject: Subject, setup: Setup, chats: int
) -> AsyncIterator[tuple[FakeBotApi, BotProcess, dict[int, dict[str, Any]], str | None]]:
    """The fake Bot API (answering after the round trip) and the bot under test, running
    and warmed up: each of `chats` teachers has a question with the scale's five buttons
    on screen. TwinCoach's on a fresh database, dropped afterwards; its URL is yielded."""
    database = None
    if subject.echo is None:
        label = f"{'pg' if subject.pg else 'sqlite'}_{next(_RUNS)}"  # a file of its own
        database = fresh_database(setup.pg_url if subject.pg else None, setup.workdir, label)
        skip_words(database.url, seed_teachers(database.url, chats))
    try:
        async with FakeBotApi(latency=setup.rtt_ms / 1000) as fake:
            bot = _process(subject, fake, setup, database.url if database else None)
            await bot.start()
            try:
                if database is None:
                    await bot_answers(fake, bot, teacher_ids(1)[0], timeout=60)
                    questions = plain_questions(teacher_ids(chats), fake.bot_user)
                else:
                    questions = await quiz_to_first_scale(fake, bot, teacher_ids(chats))
                    await asyncio.sleep(1.0)  # let the warm-up's last writes settle
                yield fake, bot, questions, database.url if database else None
            finally:
                await bot.stop()
    finally:
        if database is not None:
            database.drop()


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


@dataclass(frozen=True)
class Rate:
    """(a) for one bot: presses a second; over the timed part, per press, the bot
    process's CPU time and the kernel's part of it, PostgreSQL's (its processes', None
    on SQLite and for the echo bots) and this process's (the fake Bot API and the load),
    all in ms, which share the machine's cores; and the load average when it was taken."""

    per_second: float
    cpu_ms: float
    kernel_ms: float
    database_ms: float | None
    fake_ms: float
    load: str


async def rate(subject: Subject, setup: Setup) -> Rate:
    """(a): presses a second with every press queued at once."""
    async with started(subject, setup, setup.chats) as (fake, bot, asked, url):
        presses = scale_presses(asked, PER_CHAT)
        profiled = "BENCH_PROFILE_OUT" in bot.env
        if profiled:
            bot.signal(signal.SIGUSR1)
        cpu, database, own = bot.cpu(), postgres_cpu(), time.process_time()
        result = await _queue_all(fake, bot, presses)
        cpu = bot.cpu() - cpu
        database, own = postgres_cpu() - database, time.process_time() - own
        load = _load()
        if profiled:
            bot.signal(signal.SIGUSR2)
        if url is not None and (stored := _stored_scale_answers(url)) != len(presses):
            raise RuntimeError(f"{stored} scale answers stored, {len(presses)} expected")
    ms = 1000 / len(presses)
    return Rate(
        result,
        cpu.total * ms,
        cpu.kernel * ms,
        database * ms if subject.pg else None,
        own * ms,
        load,
    )


async def paced_latencies(
    subject: Subject, setup: Setup, seconds: float
) -> tuple[list[float], str]:
    """(a'): latencies in ms of presses queued open loop at PACE a second, and the load."""
    total = int(PACE * seconds)
    chats = math.ceil(total / PER_CHAT)
    async with started(subject, setup, chats) as (fake, bot, asked, _url):
        presses = scale_presses(asked, PER_CHAT)[:total]
        after = fake.last_seq
        with collector_paused():
            queued = await _pace(fake, presses)
            await wait_for_calls(fake, is_reply_in(), total, after=after, timeout=900, bot=bot)
        load = _load()
        _check_replies(fake, after)
    replies: dict[int, list[ApiCall]] = defaultdict(list)
    for call in filter(is_reply_in(), fake.calls[after:]):
        if call.chat_id is not None:
            replies[call.chat_id].append(call)
    # one reply per press, in order within a chat: the n-th reply answers the n-th press
    latencies = [
        (replies[p.chat_id][p.n].at - at) * 1000 for p, at in zip(presses, queued, strict=True)
    ]
    return latencies, load


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


def p99_limit(rtt_ms: float) -> float:
    """(a')'s target: 50 ms of the bot's own without a round trip; with one, the issue's
    300 ms at Telegram's 50 ms (the update's delivery, the reply's, and room for a queue)."""
    return P99_LIMIT_MS + 5 * rtt_ms


def _latency_row(bench: str, latencies: list[float], load: str, limit: float) -> Result:
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    return Result(
        bench,
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms ({len(latencies):,} presses, "
        f"max {max(latencies):.0f} ms; {load})",
        f"p99 < {limit:.0f} ms",
        p99 < limit,
    )


def _throughput_rows(setup: Setup, what: str, rates: dict[Subject, Rate]) -> list[Result]:
    """Without a round trip, the shares of the PTB echo bot the README always gave; with
    one, TwinCoach against the aiogram echo bot. Each with the bot's CPU per press."""
    rtt = f"rtt {setup.rtt_ms:g} ms"
    ptb = rates[PTB].per_second
    peer = rates[AIOGRAM].per_second
    rows = []
    for subject, measured_rate in rates.items():
        value = measured_rate.per_second
        shares = f"{value / ptb:.0%} of the PTB echo, {value / peer:.0%} of the aiogram echo"
        cpu = f"CPU {measured_rate.cpu_ms:.2f} ms a press (kernel {measured_rate.kernel_ms:.2f})"
        if measured_rate.database_ms is not None:
            cpu += f", PostgreSQL {measured_rate.database_ms:.2f}"
        cpu += f", fake Bot API {measured_rate.fake_ms:.2f}"
        measured = f"{value:,.0f} updates/s = {shares}; {cpu}; {measured_rate.load}"
        if subject.echo is not None:
            target, met = "reference", True
        elif setup.rtt_ms == 0:
            share = PG_SHARE if subject.pg else SQLITE_SHARE
            target, met = f"≥ {share:.0%} of the PTB echo", value >= share * ptb
        else:
            target, met = "≥ the aiogram echo", value >= peer
        rows.append(
            Result(f"(a) throughput, {rtt}, {subject.name} ({what})", measured, target, met)
        )
    return rows


async def run_rtt(setup: Setup, seconds: float) -> list[Result]:
    """(a) and (a') at one round trip."""
    subjects = [PTB, AIOGRAM, *([REFERENCE] if setup.rtt_ms == 0 else []), SQLITE]
    subjects += [POSTGRES] if setup.pg_url else []
    # BENCH_BEFORE=DIR: (a) also for TwinCoach from the source tree DIR, each database's
    # row right before the current code's, so a change is measured within one run
    before = os.environ.get("BENCH_BEFORE")
    timed = [
        d
        for s in subjects
        for d in ([Subject(pg=s.pg, code=before)] if before and s.echo is None else []) + [s]
    ]
    rates = {subject: await rate(subject, setup) for subject in timed}
    what = f"{setup.chats * PER_CHAT:,} presses, {setup.chats} chats × {PER_CHAT}"
    results = _throughput_rows(setup, what, rates)
    if not setup.pg_url:
        results.append(
            Result(
                f"(a) throughput, rtt {setup.rtt_ms:g} ms, {POSTGRES.name}",
                "not run (no PostgreSQL URL)",
                "",
                False,
            )
        )
    limit = p99_limit(setup.rtt_ms)
    for subject in [s for s in subjects if s is not REFERENCE]:
        latencies, load = await paced_latencies(subject, setup, seconds)
        bench = (
            f"(a') latency at {PACE}/s for {seconds:g} s, rtt {setup.rtt_ms:g} ms, {subject.name}"
        )
        results.append(_latency_row(bench, latencies, load, limit))
    return results


async def run(
    pg_url: str | None,
    *,
    quick: bool = False,
    rtts: Sequence[float] = (50,),
    connections: int | None = None,
) -> list[Result]:
    """(a) and (a') at each round trip in `rtts` (ms); `quick` shrinks them for
    development (fewer chats, 10 s of pacing); `connections` sets TwinCoach's
    TELEGRAM_CONNECTIONS (default: the bot's own default)."""
    chats = 112 if quick else CHATS
    seconds = 10 if quick else PACED_SECONDS
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="twincoach-bench-") as tmp:
        for rtt in rtts:
            setup = Setup(Path(tmp), chats, rtt, pg_url, connections)
            results += await run_rtt(setup, seconds)
    return results


if __name__ == "__main__":  # development only; `python -m bench` runs the whole suite
    import argparse

    from bench.report import table

    parser = argparse.ArgumentParser()
    parser.add_argument("pg_url", nargs="?")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rtt", type=float, nargs="+", default=[50.0], help="round trips, ms")
    parser.add_argument("--connections", type=int, help="TwinCoach's TELEGRAM_CONNECTIONS")
    args = parser.parse_args()
    results = asyncio.run(
        run(args.pg_url, quick=args.quick, rtts=args.rtt, connections=args.connections)
    )
    print(table(results))
