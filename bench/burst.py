"""Benchmark (g): a burst of 10,000 reminders due in the same minute, with 200,000 other
rows in the reminder table, delivered through Telegram's limits and round trip while
teachers use the bot.

The database: 5,000 teams of five teachers from five countries, each with a linked group
and an open deadline three days ahead. Due in the last minute: every group's weekly digest
and every deadline owner's reminder (5,000 + 5,000). The 200,000 others, 40 per team: 60 %
pending over the coming 90 days (reminders, meeting notes), 35 % sent and 5 % failed or
dropped over the past 89 days (digests, reminders, meeting notes; a table kept pruned at
the default 90 days). Seeded in bulk (SQLAlchemy core, one executemany per batch).

The bot: `python -m bot run` as deployed, RUN_SCHEDULER on (one process sends the
reminders and answers the teachers), against the loopback fake Bot API answering every
method after a round trip (default 50 ms) and enforcing Telegram's limits (30 messages a
second, 20 a minute into one group, 429 with retry_after beyond). Twenty other teachers
each send /start every 4 s (5 a second in all, open loop) while the burst runs; latency
is the reply's arrival at the fake minus the moment the /start was queued.

Measured: the bot's new messages a second over the burst (first reminder accepted →
last), the teachers' replies included, against Telegram's 30/s, which counts them all
(target ≥ 0.95 × 30; the reminders' own rate beside it); every 429 the fake answered
(reminders and replies; target 0); each reminder once (every (chat, text) once at the
fake, every row `sent`); /start p99 during the burst (target < 300 ms); the bot's CPU
seconds per minute of burst.

Usage: ``python -m bench.burst [--quick] [--rtt MS] [postgresql://…]``.
"""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from bench.delivery import statuses_of
from bench.harness import (
    BotProcess,
    bot_answers,
    collector_paused,
    cpu_of,
    fresh_database,
    percentile,
    rtt_main,
    seed_teachers,
    spread,
    teacher_ids,
)
from bench.report import Result
from bench.seed import insert, seed_teams
from bot.fakeapi import update_factory
from bot.fakeapi.server import LIMITED_METHODS, ApiCall, FakeBotApi, RateLimits
from storage import reminders
from storage.db import make_engine
from storage.models import ChatBinding, Deadline, Reminder

TELEGRAM_RATE = 30.0
TARGET_SHARE = 0.95
START_P99_MS = 300.0
TEAM_SIZE = 5
GROUP_ID = -1_002_000_000_000
TEACHERS = 20  # using the bot during the burst
PERIOD = 4.0  # s between one teacher's /start: 5 a second from all 20 (bot/fair.py lets
# a person go on at one every 2 s)
WARM_UP_USER = 99_998


@dataclass(frozen=True)
class Size:
    teams: int  # each: a group digest and an owner's reminder due
    others_per_team: int
    load_seconds: float

    @property
    def due(self) -> int:
        return 2 * self.teams

    @property
    def others(self) -> int:
        return self.teams * self.others_per_team


FULL = Size(teams=5_000, others_per_team=40, load_seconds=60.0)  # 10,000 due, 200,000 others
QUICK = Size(teams=500, others_per_team=40, load_seconds=20.0)  # 1,000 due, 20,000 others


def seed(url: str, size: Size, now: datetime) -> list[int]:
    """The teams, groups, deadlines and reminder rows; returns the due rows' ids."""
    rng = random.Random(11)  # noqa: S311  (repeatable data, not a secret)
    engine = make_engine(url)
    try:
        teams = seed_teams(engine, teams=size.teams, size=TEAM_SIZE, rng=rng)
        groups = {p: GROUP_ID - k for k, p in enumerate(teams.project_ids)}
        insert(
            engine,
            ChatBinding,
            [
                {
                    "chat_id": chat,
                    "project_id": p,
                    "title": f"Project {p}",
                    "language": ("lv", "lt", "en")[p % 3],
                    "bound_at": now,
                }
                for p, chat in groups.items()
            ],
        )
        insert(
            engine,
            Deadline,
            [
                {
                    "project_id": p,
                    "title": f"Partner video of project {p}",
                    "due_at": now + timedelta(days=3, hours=p % 72),
                    "owner_id": teams.members[p][1],
                    "created_by": teams.members[p][0],
                    "created_at": now - timedelta(days=20),
                }
                for p in teams.project_ids
            ],
        )
        with engine.connect() as conn:
            table = Deadline.__table__  # type: ignore[attr-defined]
            found = conn.execute(sa.select(table.c.project_id, table.c.id)).all()
        deadline_of: dict[int, int] = dict(found)
        others = _others(
            rng, members=teams.members, groups=groups, deadline_of=deadline_of, size=size, now=now
        )
        insert(engine, Reminder, others)
        due: list[dict[str, Any]] = []
        for k, p in enumerate(teams.project_ids):
            at = now - timedelta(seconds=k % 60)  # all within the last minute
            owner = teams.members[p][1]
            due += [
                _row(p, groups[p], "digest", at, "pending"),
                _row(p, owner, "before", at, "pending", user=owner, deadline=deadline_of[p]),
            ]
        insert(engine, Reminder, due)
        with engine.connect() as conn:
            ids = (
                conn.execute(
                    sa.select(Reminder.__table__.c.id).where(  # type: ignore[attr-defined]
                        col(Reminder.status) == reminders.PENDING, col(Reminder.due_at) <= now
                    )
                )
                .scalars()
                .all()
            )
        assert len(ids) == size.due, (len(ids), size.due)
        return list(ids)
    finally:
        engine.dispose()


def _row(
    project: int,
    chat: int,
    kind: str,
    at: datetime,
    status: str,
    *,
    user: int | None = None,
    deadline: int | None = None,
    meeting_at: datetime | None = None,
) -> dict[str, Any]:
    settled = status != "pending"
    return {
        "project_id": project,
        "deadline_id": deadline,
        "user_id": user,
        "chat_id": chat,
        "kind": kind,
        "due_at": at,
        "status": status,
        "attempts": int(settled),
        "claimed_by": "bench:1" if settled else None,
        "claimed_at": at if settled else None,
        "sent_at": at + timedelta(seconds=2) if status == "sent" else None,
        "meeting_at": meeting_at,
        "late": False,
    }


def _others(
    rng: random.Random,
    *,
    members: dict[int, list[int]],
    groups: dict[int, int],
    deadline_of: dict[int, int],
    size: Size,
    now: datetime,
) -> list[dict[str, Any]]:
    """The rows that are not due: the coming 90 days' plan and the past 89 days' history."""
    rows = []
    for p, team in members.items():
        for j in range(size.others_per_team):
            reader = team[j % TEAM_SIZE]
            draw = rng.random()
            if draw < 0.60:
                status, at = "pending", now + timedelta(minutes=rng.randint(60, 90 * 24 * 60))
            else:
                status = "sent" if draw < 0.95 else rng.choice(("failed", "dropped"))
                at = now - timedelta(minutes=rng.randint(60, 89 * 24 * 60))
            kind = rng.choice(("before", "due", "meeting") if status == "pending" else
                              ("before", "due", "digest", "meeting"))  # fmt: skip
            if kind == "digest":
                rows.append(_row(p, groups[p], kind, at, status))
            elif kind == "meeting":
                meeting = at + timedelta(days=1)
                rows.append(_row(p, reader, kind, at, status, user=reader, meeting_at=meeting))
            else:
                rows.append(_row(p, reader, kind, at, status, user=reader, deadline=deadline_of[p]))
    return rows


Queued = list[tuple[int, int, float]]  # each /start: (chat, update id, queued at)


async def _teachers_meanwhile(fake: FakeBotApi, seconds: float) -> Queued:
    """Each teacher's /start every PERIOD seconds, spread evenly (open loop), in order."""
    factory = update_factory.UpdateFactory()
    chats = teacher_ids(TEACHERS)
    who = {uid: update_factory.user(uid, f"Teacher {uid}", "en") for uid in chats}
    due = spread(chats, PERIOD, seconds)
    queued = []
    start = time.perf_counter()
    for at, uid in due:
        await asyncio.sleep(max(0.0, start + at - time.perf_counter()))
        chat = update_factory.private_chat(who[uid])
        update = fake.add_update(factory.text(who[uid], chat, "/start", fake.bot_username))
        queued.append((uid, update["update_id"], time.perf_counter()))
    return queued


def _latencies(fake: FakeBotApi, queued: Queued, after: int) -> list[tuple[float, float]]:
    """For each /start answered: ms from its queuing to its reply accepted (one reply each,
    in order), and ms from the answer of the getUpdates that handed it to the bot to that
    reply (the round trip's two halves and the bot's own time, the wait for the bot's next
    long poll left out)."""
    replies: dict[int, list[ApiCall]] = defaultdict(list)
    handed: dict[int, float] = {}
    for call in fake.calls:  # a long poll that began before `after` may hand the first
        if call.method == "getUpdates" and call.answered is not None:
            for update in call.result or ():
                handed.setdefault(update["update_id"], call.answered)
        elif call.seq > after and call.method == "sendMessage" and call.ok and call.chat_id:
            replies[call.chat_id].append(call)
    seen: dict[int, int] = defaultdict(int)
    latencies = []
    for uid, update, at in queued:
        if seen[uid] < len(replies[uid]) and update in handed:
            reply = replies[uid][seen[uid]].at
            latencies.append(((reply - at) * 1000, (reply - handed[update]) * 1000))
        seen[uid] += 1
    return latencies


@dataclass
class Burst:
    sends: list[ApiCall]  # accepted reminder sends
    messages: int  # every new message Telegram accepted from the bot over the burst's span
    too_many: int  # 429 answers, replies included
    statuses: dict[str, int]
    latencies: list[tuple[float, float]]  # ms, /start during the burst (`_latencies`)
    unanswered: int  # /start without a reply by the end
    cpu_per_minute: float
    from_start: float  # s from spawning the bot to the last reminder
    complete: bool
    load: float

    @property
    def span(self) -> float:
        return max(c.at for c in self.sends) - min(c.at for c in self.sends) if self.sends else 0

    @property
    def rate(self) -> float:
        """The bot's new messages a second over the burst, replies included: what Telegram
        counts against its 30."""
        return (self.messages - 1) / self.span if self.span else 0.0

    @property
    def reminder_rate(self) -> float:
        return (len(self.sends) - 1) / self.span if self.span else 0.0

    @property
    def duplicates(self) -> int:
        copies = Counter((c.chat_id, c.params.get("text")) for c in self.sends)
        return sum(n - 1 for n in copies.values() if n > 1)


def messages_during(calls: Sequence[ApiCall], sends: Sequence[ApiCall]) -> int:
    """The new messages Telegram accepted from the bot (replies and reminders alike, as
    its 30 a second counts them) from the first of `sends` to the last."""
    if not sends:
        return 0
    first, last = min(c.at for c in sends), max(c.at for c in sends)
    return sum(1 for c in calls if c.ok and c.method in LIMITED_METHODS and first <= c.at <= last)


async def burst(
    url: str, size: Size, ids: list[int], workdir: Path, *, rtt_ms: float, label: str
) -> Burst:
    """Start the bot against the fake; the burst starts with its first dispatch. Teachers
    use the bot meanwhile; wait until every due row is settled or a generous time-out."""
    people = {*teacher_ids(TEACHERS), WARM_UP_USER}
    reminder = lambda c: c.method == "sendMessage" and c.ok and c.chat_id not in people  # noqa: E731
    limits = RateLimits(per_second=int(TELEGRAM_RATE))
    async with FakeBotApi(limits=limits, latency=rtt_ms / 1000) as fake:
        bot = BotProcess.twincoach(fake, url, workdir, label)
        await bot.start()
        timeout = size.due / TELEGRAM_RATE * 3 + 120
        complete = False
        try:
            await bot_answers(fake, bot, WARM_UP_USER, timeout=120)
            assert bot.proc is not None
            cpu_at, cpu_from = time.perf_counter(), cpu_of(bot.proc.pid).total
            after = fake.last_seq
            with collector_paused():
                queued = await _teachers_meanwhile(fake, size.load_seconds)
                await asyncio.sleep(3.0)  # the last /start's reply
            load = os.getloadavg()[0]
            latencies = _latencies(fake, queued, after)
            deadline = bot.spawned_at + timeout
            while time.perf_counter() < deadline:
                bot.check_alive()
                if sum(1 for c in fake.calls if reminder(c)) >= size.due:
                    statuses = await asyncio.to_thread(statuses_of, url, ids)
                    if statuses.get(reminders.PENDING, 0) + statuses.get(reminders.SENDING, 0) == 0:
                        complete = True
                        break
                await asyncio.sleep(1.0)
            sends = [c for c in fake.calls if reminder(c)]
            last = max((c.at for c in sends), default=time.perf_counter())
            cpu = (cpu_of(bot.proc.pid).total - cpu_from) / max(1.0, last - cpu_at) * 60
            await asyncio.sleep(2.0)  # anything sent twice would show up now
        finally:
            await bot.stop()
        sends = [c for c in fake.calls if reminder(c)]
        statuses = await asyncio.to_thread(statuses_of, url, ids)
        return Burst(
            sends=sends,
            messages=messages_during(fake.calls, sends),
            too_many=fake.too_many,
            statuses=statuses,
            latencies=latencies,
            unanswered=len(queued) - len(latencies),
            cpu_per_minute=cpu,
            from_start=last - bot.spawned_at,
            complete=complete,
            load=load,
        )


def _rows(got: Burst, size: Size, backend: str, rtt_ms: float) -> list[Result]:
    what = (
        f"{size.due:,} due in one minute among {size.others:,} other rows, {backend}, "
        f"rtt {rtt_ms:g} ms, python -m bot run"
    )
    load = f"load {got.load:.1f}"
    sent_rows = got.statuses.get(reminders.SENT, 0)
    distinct = len({(c.chat_id, c.params.get("text")) for c in got.sends})
    left = "" if got.complete else f"; NOT all settled by the time-out: rows {got.statuses}"
    total = [whole for whole, _handed in got.latencies] or [float("nan")]
    handed = [since for _whole, since in got.latencies] or [float("nan")]
    p50, p99 = percentile(total, 50), percentile(total, 99)
    return [
        Result(
            f"(g) burst delivery rate, {what}",
            f"{got.rate:.1f} msgs/s = {got.rate / TELEGRAM_RATE:.2f} × 30/s ({got.messages:,} "
            f"in {got.span:.0f} s, of them {len(got.sends):,} reminders: "
            f"{got.reminder_rate:.1f}/s; bot CPU {got.cpu_per_minute:.0f} s a minute; "
            f"{load}){left}",
            f"≥ {TARGET_SHARE} × 30/s",
            got.rate >= TARGET_SHARE * TELEGRAM_RATE,
        ),
        Result(
            f"(g) 429 answers (reminders and replies), {what}",
            f"{got.too_many}",
            "0",
            got.too_many == 0,
        ),
        Result(
            f"(g) delivered exactly once, {what}",
            f"{distinct:,} of {size.due:,} once, {got.duplicates} twice or more, "
            f"{sent_rows:,} rows sent",
            "each once, every row sent",
            got.duplicates == 0 and distinct == size.due == sent_rows,
        ),
        Result(
            f"(g) /start during the burst, {TEACHERS} teachers each every {PERIOD:g} s for "
            f"{size.load_seconds:g} s, {what}",
            f"p50 {p50:.0f} ms, p99 {p99:.0f} ms ({len(got.latencies)} answered, "
            f"{got.unanswered} not; from getUpdates' answer to the reply p50 "
            f"{percentile(handed, 50):.0f}, p99 {percentile(handed, 99):.0f} ms; {load})",
            f"p99 < {START_P99_MS:.0f} ms",
            got.unanswered == 0 and p99 < START_P99_MS,
        ),
    ]


async def run(
    pg_url: str | None, *, quick: bool = False, rtts: Sequence[float] = (50.0,)
) -> list[Result]:
    """(g) on SQLite, and on PostgreSQL when a URL is given, at each round trip (ms)."""
    size = QUICK if quick else FULL
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="twincoach-bench-burst-") as tmp:
        for url, backend in ((None, "SQLite"), (pg_url, "PostgreSQL")):
            if backend == "PostgreSQL" and url is None:
                continue
            for rtt in rtts:
                label = f"burst_{backend.lower()}_{rtt:g}"
                database = fresh_database(url, Path(tmp), label)
                try:
                    began = time.perf_counter()
                    now = datetime.now(UTC)
                    ids = await asyncio.to_thread(seed, database.url, size, now)
                    await asyncio.to_thread(seed_teachers, database.url, TEACHERS)
                    seeded = time.perf_counter() - began
                    got = await burst(database.url, size, ids, Path(tmp), rtt_ms=rtt, label=label)
                finally:
                    database.drop()
                print(
                    f"(g) {backend}, rtt {rtt:g} ms: seeded in {seeded:.1f} s; "
                    f"{len(got.sends)} reminder sends, rows {got.statuses}, "
                    f"{got.too_many} answered 429, last {got.from_start:.0f} s after spawn; "
                    f"load average {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
                results += _rows(got, size, backend, rtt)
    return results


def main() -> None:
    rtt_main("python -m bench.burst", __doc__, run, f"{QUICK.due:,} due reminders")


if __name__ == "__main__":
    main()
