"""One send budget for the process (issue 21): replies and reminders take their places from
one pace of Telegram's 30 a second, replies first; reminders go several at once under it;
a stop ends a delivery run between two sends.

The pacing itself runs on a clock of the test's own (`Clock`: time moves only when every
task waits); the rest drives the dispatcher and the bot against the fake Bot API with a
round trip (`latency`), as Telegram would. Every wait has a time-out, so a failure fails."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
import time
from collections import Counter
from collections.abc import Awaitable, Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from bot.budget import GRACE, MARGIN, Budget
from bot.context import TwinApp
from bot.fakeapi.server import ApiCall, FakeBotApi, RateLimits
from scheduler import delivery
from scheduler.reminders import jobs
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Deadline, Project, Reminder
from tests.driver import Driver
from tests.processes import BotProcess
from tests.test_faults import TITLE, reminders_per_chat, seed_due_reminders
from tests.test_reminders import make_dispatcher

RTT = 0.1  # seconds: Telegram's round trip at its slow end
NEW_MESSAGES = frozenset({"sendMessage", "sendDocument", "sendPhoto"})


class Clock:
    """The test's time: it moves to the next sleeper's moment only when every task waits."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        woken = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(0.0, seconds), next(self._order), woken))
        await woken

    async def run(self, *work: Coroutine[Any, Any, Any], until: float = 600.0) -> list[Any]:
        tasks = [asyncio.ensure_future(w) for w in work]
        try:
            while not all(task.done() for task in tasks):
                for _ in range(50):  # let every task that can go on do so
                    await asyncio.sleep(0)
                while self._sleepers and self._sleepers[0][2].done():  # cancelled timers
                    heapq.heappop(self._sleepers)
                if all(task.done() for task in tasks):
                    break
                assert self._sleepers, "every task waits and nobody sleeps: stuck"
                at, _, woken = heapq.heappop(self._sleepers)
                self.now = max(self.now, at)
                assert self.now <= until, "the clock ran past the test's end"
                woken.set_result(None)
            return [task.result() for task in tasks]
        finally:
            for task in tasks:
                task.cancel()


def most_in_a_second(moments: list[float], window: float = 1.0) -> int:
    """The most of `moments` in any window of `window` seconds."""
    moments = sorted(moments)
    return max(
        (sum(1 for m in moments[i:] if m < start + window) for i, start in enumerate(moments)),
        default=0,
    )


# --- the pacing, on the test's clock ---------------------------------------------------------


async def test_reminders_waiting_together_never_overshoot_and_keep_30_a_second():
    """200 reminders for 200 chats wait at once, each answered after 100 ms: never more
    than 30 go in any second, and they go as fast as that allows (a place counts from
    the send until half a round trip before the answer and a second after that, as
    Telegram counts it, less MARGIN: 30 every 1.055 s)."""
    clock = Clock()
    budget = Budget(clock=clock, sleep=clock.sleep)
    started: list[float] = []

    async def remind(chat: int) -> None:
        async with budget.turn(chat, urgent=False):
            started.append(clock.now)
            await clock.sleep(RTT)

    await clock.run(*(remind(1000 + n) for n in range(200)))
    assert len(started) == 200
    assert most_in_a_second(started) == 30
    assert most_in_a_second([s + RTT / 2 for s in started]) == 30  # as Telegram counts them
    # 1/30 s apart; each place again 1 s + half the round trip + the grace after its last use
    assert started[:30] == pytest.approx([n / 30 for n in range(30)])
    assert max(started) == pytest.approx(19 / 30 + 6 * (1 + RTT / 2 + MARGIN + GRACE))


async def test_a_reminder_claims_its_row_while_its_place_is_not_yet_free():
    """Each of 200 reminders spends 15 ms (its row's claim and render) between taking its
    places and its request: granted EARLY (20 ms) before its place frees, it does that
    meanwhile, so they go as fast as with no such work (but for the very first, free at
    once, whose 15 ms the spacing carries on), never 31 in a second; and no request
    leaves before its place is free."""
    clock = Clock()
    budget = Budget(clock=clock, sleep=clock.sleep)
    started: list[float] = []

    async def remind(chat: int) -> None:
        places = await budget.take(chat, urgent=False)
        await clock.sleep(0.015)  # the claim and the render
        await budget.ready(places)
        assert clock.now >= places.free
        started.append(clock.now)
        await clock.sleep(RTT)
        budget.give(places)

    await clock.run(*(remind(1000 + n) for n in range(200)))
    assert most_in_a_second(started) == 30
    # as with none, 15 ms later
    assert started[0] == pytest.approx(0.015)
    assert max(started) == pytest.approx(0.015 + 19 / 30 + 6 * (1 + RTT / 2 + MARGIN + GRACE))


async def test_a_reply_goes_before_every_waiting_reminder():
    """The bot's second is full and 60 reminders wait; a teacher's reply asks: it gets the
    first place that frees, the reminders the ones after it, 30 in any second."""
    clock = Clock()
    budget = Budget(clock=clock, sleep=clock.sleep)
    sent: list[tuple[float, str]] = []

    async def send(chat: int, *, urgent: bool, after: float = 0.0) -> None:
        await clock.sleep(after)
        async with budget.turn(chat, urgent=urgent):
            sent.append((clock.now, "reply" if urgent else "reminder"))
            await clock.sleep(RTT)

    await clock.run(
        *(send(1000 + n, urgent=False) for n in range(90)), send(101, urgent=True, after=1.0)
    )
    reply = next(at for at, kind in sent if kind == "reply")
    # the first place freed, before the 60 waiting
    assert reply == pytest.approx(1 + RTT / 2 + MARGIN)
    later = [at for at, kind in sent if kind == "reminder" and at > 1]
    # the second place freed
    assert min(later) == pytest.approx(1 / 30 + 1 + RTT / 2 + MARGIN + GRACE)
    assert most_in_a_second([at for at, _ in sent]) == 30


async def test_replies_in_a_burst_wait_at_most_a_tenth_of_a_second_at_the_full_rate():
    """300 reminders wait and teachers' replies come about every 0.2 s (bench/burst.py's
    load), each answered after 50 ms: the bot never sends 31 in a second, keeps 29 a
    second, and no reply waits 0.1 s for its place. Replies take their turns in the
    reminders' spacing, and reminders keep it in a full window: before, replies on top of
    reminders at the full rate filled the window early every second, and a reply waited
    up to 173 ms (bench/README.md, (g))."""
    clock = Clock()
    budget = Budget(clock=clock, sleep=clock.sleep)
    sent: list[float] = []
    waits: list[float] = []

    async def send(chat: int, *, urgent: bool, after: float = 0.0) -> None:
        await clock.sleep(after)
        asked = clock.now
        async with budget.turn(chat, urgent=urgent):
            if urgent:
                waits.append(clock.now - asked)
            sent.append(clock.now)
            await clock.sleep(0.05)

    await clock.run(
        *(send(1000 + n, urgent=False) for n in range(300)),
        *(send(1 + k % 20, urgent=True, after=0.2 * k + 0.013 + k % 7 * 0.011) for k in range(40)),
    )
    assert len(waits) == 40 and most_in_a_second(sent) == 30
    assert (len(sent) - 1) / (max(sent) - min(sent)) > 29.0
    assert max(waits) < 0.1


async def test_a_group_shares_its_20_a_minute_between_replies_and_reminders():
    """Replies and reminders into one group: 20 in any 60 s together; a private chat's
    replies and reminders: 10 a second together."""
    clock = Clock()
    budget = Budget(clock=clock, sleep=clock.sleep)
    into: dict[int, list[float]] = {-100: [], 101: []}

    async def send(chat: int, *, urgent: bool) -> None:
        async with budget.turn(chat, urgent=urgent):
            into[chat].append(clock.now)
            await clock.sleep(RTT)

    work = [send(chat, urgent=n % 2 == 0) for chat in (-100, 101) for n in range(30)]
    await clock.run(*work)
    assert most_in_a_second(into[-100], window=60) == 20
    # the 21st when the first one's minute has passed
    assert min(at for at in into[-100] if at > 2) == pytest.approx(60 + RTT / 2 + MARGIN)
    assert most_in_a_second(into[101]) == 10


async def test_a_waiter_let_go_holds_no_place():
    """A reminder cancelled while it waits (a stop) leaves its place to the next."""
    clock = Clock()
    budget = Budget(per_second=1, clock=clock, sleep=clock.sleep)
    sent: list[int] = []

    async def send(chat: int) -> None:
        async with budget.turn(chat, urgent=False):
            sent.append(chat)
            await clock.sleep(RTT)

    async def scenario() -> None:
        first = asyncio.ensure_future(send(1))
        waiting = asyncio.ensure_future(send(2))
        await asyncio.sleep(0)
        waiting.cancel()
        await first
        await send(3)

    await clock.run(scenario())
    assert sent == [1, 3]
    assert clock.now == pytest.approx(1 + 1.5 * RTT + MARGIN + GRACE)


async def test_round_trips_with_uneven_halves_never_put_31_in_telegrams_second():
    """Round trips of 50-150 ms whose halves differ (each way 25-75 ms, drawn apart), 400
    reminders and a teacher's reply every 0.2 s: the budget counts each place from its
    answer less half the smallest round trip seen, and at the moments Telegram counts the
    messages (each request's start plus its way out) there are never more than 30 in any
    second; still 30 in some (the places are used)."""
    clock = Clock()
    budget = Budget(clock=clock, sleep=clock.sleep)
    draw = random.Random(5)
    counted: list[float] = []

    async def send(chat: int, *, urgent: bool, after: float = 0.0) -> None:
        await clock.sleep(after)
        async with budget.turn(chat, urgent=urgent):
            out, back = 0.025 + draw.uniform(0, 0.05), 0.025 + draw.uniform(0, 0.05)
            counted.append(clock.now + out)
            await clock.sleep(out + back)

    replies = (send(101 + n % 20, urgent=True, after=n * 0.2) for n in range(50))
    await clock.run(*(send(1000 + n, urgent=False) for n in range(400)), *replies)
    assert len(counted) == 450
    assert most_in_a_second(counted) == 30


async def test_round_trips_of_a_few_ms_all_one_way_never_put_31_in_telegrams_second():
    """A Bot API next door (a round trip of 4 ms), each spent wholly on the way out or
    wholly on the way back, as the client's own delays make it: half the round trip is no
    safe lead here, so the budget counts from the answer and Telegram never sees 31."""
    clock = Clock()
    budget = Budget(clock=clock, sleep=clock.sleep)
    draw = random.Random(7)
    counted: list[float] = []

    async def send(chat: int) -> None:
        async with budget.turn(chat, urgent=True):  # replies: no grace to hide behind
            out = draw.choice((0.0, 0.004))
            counted.append(clock.now + out)
            await clock.sleep(0.004)

    await clock.run(*(send(1000 + n) for n in range(300)))
    assert len(counted) == 300
    assert most_in_a_second(counted) == 30


# --- the dispatcher against the fake Bot API with a round trip --------------------------------


def sends(fake: FakeBotApi, after: int = 0) -> list[ApiCall]:
    return [c for c in fake.calls[after:] if c.method in NEW_MESSAGES]


async def until(aw: Awaitable[Any], seconds: float) -> Any:
    return await asyncio.wait_for(aw, seconds)


async def test_reminders_keep_telegrams_rate_with_a_100_ms_round_trip(
    app: TwinApp, fake: FakeBotApi, db: Database
):
    """150 reminders due, Telegram answering after 100 ms: sent one at a time they could
    not pass 10 a second; several in flight reach the budget's 30 every 1.1 s, none
    refused, none twice."""
    seed_due_reminders(db, 150)
    fake.latency = RTT
    fake.limits = RateLimits()
    dispatcher = jobs.dispatcher(app.bot_data["services"], app.bot, budget=app.outgoing.budget)
    began = time.perf_counter()
    assert await until(dispatcher.run_once(), 60) == 150
    took = time.perf_counter() - began
    arrivals = [c.at for c in sends(fake) if c.ok]
    rate = (len(arrivals) - 1) / (max(arrivals) - min(arrivals))
    print(f"150 reminders in {took:.2f} s, {rate:.1f}/s at the fake")
    assert fake.too_many == 0
    assert most_in_a_second(arrivals) <= 30
    assert rate > 20  # one at a time: at most 1 / RTT = 10
    assert set(reminders_per_chat(fake).values()) == {1} and len(reminders_per_chat(fake)) == 150


async def test_a_jittery_round_trip_draws_no_429_and_keeps_30_a_second_at_telegram(
    app: TwinApp, driver: Driver, fake: FakeBotApi, db: Database
):
    """150 reminders due, Telegram answering after 50-150 ms with the halves of each round
    trip unequal, and a teacher's /start now and then: no send is answered 429, never more
    than 30 in any second where Telegram counts them, each reminder once."""
    seed_due_reminders(db, 150)
    anna = driver.teacher(101, "Anna", "en")
    await anna.send("/start")
    fake.latency, fake.jitter = 0.05, 0.1
    fake.limits = RateLimits()
    after = fake.last_seq
    dispatcher = jobs.dispatcher(app.bot_data["services"], app.bot, budget=app.outgoing.budget)
    burst = asyncio.ensure_future(dispatcher.run_once())
    try:
        await fake.wait_for(lambda c: c.method == "sendMessage", after=after, timeout=10)
        for _ in range(6):
            answer = await until(anna.send("/start"), 10)
            assert any("Anna" in c.params.get("text", "") for c in answer.calls)
            await asyncio.sleep(0.4)
    finally:
        assert await until(burst, 60) == 150
    assert fake.too_many == 0
    assert most_in_a_second([c.at for c in sends(fake, after) if c.ok]) <= 30
    assert set(reminders_per_chat(fake).values()) == {1} and len(reminders_per_chat(fake)) == 150


async def test_one_chats_reminders_keep_their_order_among_many_in_flight(
    app: TwinApp, fake: FakeBotApi, db: Database
):
    """Three more reminders for one teacher, due after the 40 chats' sent side by side
    (so hers wait behind them while later rows are looked up): hers arrive oldest first,
    a second apart (one a second per private chat), each once."""
    seed_due_reminders(db, 40)
    her, now = 5039, datetime.now(UTC)  # the last of the 40

    def three_more(s: Session) -> None:
        project_id = s.exec(select(Project.id)).one()
        for n in (1, 2, 3):
            deadline = Deadline(
                project_id=project_id,
                title=f"{TITLE} {n}",
                due_at=now + timedelta(days=3650),
                owner_id=her,
            )
            s.add(deadline)
            s.flush()
            s.add(
                Reminder(
                    project_id=project_id,
                    deadline_id=deadline.id,
                    user_id=her,
                    chat_id=her,
                    kind="before",
                    due_at=now + timedelta(milliseconds=n),  # after the seeded ones
                )
            )

    await db.run(three_more)
    await asyncio.sleep(0.01)
    fake.latency = RTT
    dispatcher = jobs.dispatcher(app.bot_data["services"], app.bot, budget=app.outgoing.budget)
    assert await until(dispatcher.run_once(), 60) == 43
    hers = [c for c in sends(fake) if c.chat_id == her]
    named = [f"{TITLE} {n}" for n in (1, 2, 3)]
    titles = [next((t for t in named if t in c.params["text"]), TITLE) for c in hers]
    gaps = [round(b.at - a.at, 3) for a, b in itertools.pairwise(hers)]
    assert titles == [TITLE, *named], gaps
    assert all(gap > 0.95 for gap in gaps), gaps  # a second apart as sent, give or take


async def test_a_reply_during_a_burst_of_reminders_is_not_held_up(
    app: TwinApp, driver: Driver, fake: FakeBotApi, db: Database
):
    """300 reminders due and going out at the budget's pace (100 ms round trip) while a
    teacher sends /start again and again: every answer comes within 0.6 s (behind the
    30 waiting reminders it would wait over a second), no send is refused, and the bot
    stays within 30 in any second at the fake."""
    seed_due_reminders(db, 300)
    anna = driver.teacher(101, "Anna", "en")
    await anna.send("/start")
    fake.latency = RTT
    fake.limits = RateLimits()
    after = fake.last_seq
    dispatcher = jobs.dispatcher(app.bot_data["services"], app.bot, budget=app.outgoing.budget)
    burst = asyncio.ensure_future(dispatcher.run_once())
    waits: list[float] = []
    try:
        await fake.wait_for(lambda c: c.method == "sendMessage", after=after, timeout=10)
        await asyncio.sleep(1.5)  # the budget is full and reminders wait for places
        for _ in range(8):
            began = time.perf_counter()
            answer = await until(anna.send("/start"), 10)
            waits.append(time.perf_counter() - began)
            assert any("Anna" in c.params.get("text", "") for c in answer.calls)
            await asyncio.sleep(0.3)
        during = not burst.done()
    finally:
        dispatcher.stop()
        await until(burst, 15)
    print("/start answered after", [f"{w:.2f}" for w in waits])
    assert max(waits) < 0.6
    assert during  # the replies came while reminders were going out
    assert fake.too_many == 0
    assert most_in_a_second([c.at for c in sends(fake, after) if c.ok]) <= 30


async def test_stale_rows_are_released_during_a_long_run(
    app: TwinApp, db: Database, monkeypatch: pytest.MonkeyPatch
):
    """A row left `sending` by a process that died is sent within the running burst, not
    only by the next run: release_stale runs every RELEASE_EVERY seconds of a run (here
    made short; the clock jumps over every wait)."""
    monkeypatch.setattr(delivery, "RELEASE_EVERY", 0.5)
    seed_due_reminders(db, 71)
    last = await db.run(lambda s: s.exec(select(sa.func.max(Reminder.id))).one())
    await db.run(
        lambda s: s.execute(sa.update(Reminder).where(Reminder.id == last).values(status="sending"))
    )
    dispatcher = make_dispatcher(app, db)
    send = dispatcher.send

    async def died_meanwhile(*args: Any) -> object:
        """Once the run has begun, the row's claim is made three minutes old."""
        old = datetime.now(UTC) - timedelta(minutes=3)
        claimed = sa.update(Reminder).where(Reminder.id == last).values(claimed_at=old)
        await db.run(lambda s: s.execute(claimed))
        return await send(*args)

    dispatcher.send = died_meanwhile
    assert await until(dispatcher.run_once(), 60) == 71
    row = await db.run(lambda s: s.get(Reminder, last))
    assert row is not None and row.status == "sent"


async def test_a_stop_puts_a_late_answer_back_to_pending(
    app: TwinApp, fake: FakeBotApi, db: Database, monkeypatch: pytest.MonkeyPatch
):
    """A stop while one reminder's answer is late (10 s here): the run waits STOP_SECONDS
    for it, then gives it up and puts its row back to pending, the others' too; nothing
    is left `sending`."""
    monkeypatch.setattr(delivery, "STOP_SECONDS", 0.5)
    seed_due_reminders(db, 60)
    fake.latency = RTT
    fake.delay_next("sendMessage", seconds=10)
    dispatcher = jobs.dispatcher(app.bot_data["services"], app.bot, budget=app.outgoing.budget)
    burst = asyncio.ensure_future(dispatcher.run_once())
    try:
        await fake.wait_for(lambda c: len(reminders_per_chat(fake)) >= 10, timeout=10)
    finally:
        began = time.perf_counter()
        dispatcher.stop()
        sent = await until(burst, 5)
    assert time.perf_counter() - began < 2
    statuses = Counter(await db.run(lambda s: list(s.exec(select(Reminder.status)).all())))
    assert statuses == Counter(sent=sent, pending=60 - sent)
    late = await db.run(lambda s: s.exec(select(Reminder).order_by(Reminder.id)).first())
    assert late is not None and late.status == "pending" and late.attempts == 1


# --- a clean stop: SIGTERM in a burst ----------------------------------------------------------


async def test_sigterm_in_a_burst_stops_between_two_sends(tmp_path: Path):
    """`python -m bot scheduler` sending 200 due reminders at 100 ms round trip gets
    SIGTERM: it exits within 10 s, leaves no row `sending`, and a second process sends the
    rest: each reminder exactly once."""
    db = Database(f"sqlite:///{tmp_path}/bot.db")
    upgrade(db.engine)
    seed_due_reminders(db, 200)
    async with FakeBotApi(latency=RTT, limits=RateLimits()) as fake:
        first, second = (
            BotProcess(tmp_path, fake, "scheduler"),
            BotProcess(tmp_path, fake, "scheduler"),
        )
        try:
            await first.start()
            await fake.wait_for(lambda c: len(reminders_per_chat(fake)) >= 40, timeout=60)
            began = time.perf_counter()
            code = await until(first.stop(), 10)
            stopped_in = time.perf_counter() - began
            statuses = Counter(
                db.session_scope(lambda s: list(s.exec(select(Reminder.status)).all()))
            )
            delivered = sum(reminders_per_chat(fake).values())
            assert code == 0 and stopped_in < 5  # between two sends, not after the burst
            assert statuses["sending"] == 0, statuses
            assert statuses["sent"] == delivered < 200
            await second.start()
            await fake.wait_for(lambda c: len(reminders_per_chat(fake)) >= 200, timeout=60)
            await asyncio.sleep(1.5)  # nothing more comes
            await until(second.stop(), 10)
        finally:
            await first.kill()
            await second.kill()
            db.close()
    print(f"stopped in {stopped_in:.2f} s after {delivered} of 200")
    assert reminders_per_chat(fake) == Counter(5000 + n for n in range(200))
    assert fake.too_many == 0
