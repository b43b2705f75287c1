"""Sending due reminders: claim rows, render each in its reader's language, send at a pace
Telegram accepts, and record the outcome.

- Several reminders are in flight at once (`IN_FLIGHT`), each taking its places in the
  process's send budget (bot/budget.py) before its row is claimed, behind any waiting
  reply: with Telegram's round trip of 30-100 ms one at a time could not reach 30 a second.
  The bot's place is granted up to `budget.EARLY` before it frees, so the claim and the
  render (~10 ms) mostly happen before the place is free, not while it is held.
  One chat has one reminder in flight at a time, so its reminders go in order.
- 429: every reminder waits `retry_after`, the reminder goes back to pending for then.
- 5xx and network errors: back to pending with a growing delay, failed after a few tries.
- 403: the teacher blocked the bot; the row fails and `on_blocked` is told (the caller
  marks the teacher unreachable and tells the coordinator).
- `stop`: no more rows are claimed, reminders waiting for their turn are let go, those on
  the wire get `STOP_SECONDS` to finish and are put back to pending after that, so
  nothing is left `sending`.
- python-telegram-bot's AIORateLimiter drops a message at the first 429 and knows no
  per-chat limit, so pacing is done here and in bot/budget.py.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Literal, TypeVar

from sqlmodel import Session
from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot import metrics
from bot.budget import GROUP_PER_MINUTE, Budget, Places, Sleep
from bot.outgoing import Call, retry_seconds
from bot.reply import Message
from storage import reminders, teams
from storage.db import Database
from storage.models import Reminder, ReminderStatus

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_ATTEMPTS = 5
LATE_AFTER = timedelta(minutes=5)  # sent later than this after its time: marked late
# Reminders on their way at once. At 30 a second and a 100 ms round trip about 3 are on
# the wire; the rest wait for their places, holding no row.
IN_FLIGHT = 30
RELEASE_EVERY = 60.0  # seconds between looks for rows a dead process left `sending`
STOP_SECONDS = 3.0  # a stop waits this long for reminders on the wire

Render = Callable[[Session, Reminder, datetime], Message | None]
Send = Callable[[Bot, Message, Call], Awaitable[object]]
AfterRow = Callable[[Session, Reminder, datetime], None]


@dataclass
class Pacer:
    """The reminders' own pace, within the shared budget: one a second per private chat and
    one every `60 / group_per_minute` s per group, so a burst spreads over the chats; `hold`
    pauses every reminder after a 429."""

    group_per_minute: int = GROUP_PER_MINUTE
    clock: Callable[[], float] = time.monotonic
    sleep: Sleep = asyncio.sleep
    _held: float = 0.0
    _chat_next: dict[int, float] = field(default_factory=dict)

    def hold(self, seconds: float) -> None:
        self._held = max(self._held, self.clock() + seconds)

    def held(self) -> bool:
        return self._held > self.clock()

    async def unheld(self) -> None:
        """Sleep while a 429's hold lasts (it may be made longer meanwhile)."""
        while (left := self._held - self.clock()) > 0:
            await self.sleep(left)

    def sent(self, chat_id: int) -> None:
        """A reminder goes to `chat_id` now: the chat's next one waits its gap."""
        gap = 60 / self.group_per_minute if chat_id < 0 else 1.0
        self._chat_next[chat_id] = self.clock() + gap

    def busy(self) -> set[int]:
        """Chats that must wait before their next message (and forget those that need not)."""
        now = self.clock()
        self._chat_next = {chat: at for chat, at in self._chat_next.items() if at > now}
        return set(self._chat_next)

    def until_free(self) -> float | None:
        """Seconds until the first busy chat may be written to again; None: none is busy."""
        if not self._chat_next:
            return None
        return max(0.0, min(self._chat_next.values()) - self.clock())


class Phase(enum.Enum):
    WAITING = "waiting"  # for the hold, the chat's and the bot's places: no row claimed
    CLAIMING = "claiming"  # claiming and rendering (a database transaction)
    SENDING = "sending"  # the row is claimed, its request on the wire
    FINISHING = "finishing"  # recording the outcome (a database transaction)


@dataclass
class Flight:
    """One reminder on its way."""

    rid: int
    chat_id: int
    phase: Phase = Phase.WAITING


class Turns:
    """The `Call` of one reminder's requests: the first new message in the places taken
    before the row was claimed, each further part in places of its own."""

    def __init__(self, budget: Budget, chat_id: int, first: Places) -> None:
        self._budget, self._chat_id = budget, chat_id
        self._first: Places | None = first

    async def __call__(self, request: Callable[[], Awaitable[T]], *, new_message: bool = True) -> T:
        if not new_message:
            return await request()
        places, self._first = self._first, None
        if places is None:
            places = await self._budget.take(self._chat_id, urgent=False)
        try:
            await self._budget.ready(places)  # granted early: free only now (bot/budget.py)
        except BaseException:
            self._budget.give(places, counted=False)
            raise
        try:
            return await request()
        finally:
            self._budget.give(places)

    def close(self) -> None:
        """The places taken first, if no request used them, go back uncounted."""
        if self._first is not None:
            self._budget.give(self._first, counted=False)
            self._first = None


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


@dataclass
class Dispatcher:
    db: Database
    bot: Bot
    render: Render
    send: Send
    worker: str
    pacer: Pacer = field(default_factory=Pacer)
    budget: Budget = field(default_factory=Budget)  # the process's, shared with its replies
    on_blocked: AfterRow | None = None
    follow_up: AfterRow | None = None  # after a row is finished: plan the next of its series
    batch: int = 50
    in_flight: int = IN_FLIGHT
    running: bool = False
    stopping: bool = False
    _stopped: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)

    def stop(self) -> None:
        """End the run between two sends (see the module's docstring); no run starts after."""
        self.stopping = True
        self._stopped.set()

    async def run_once(self, now: datetime | None = None) -> int:
        """Send everything due, until nothing is or `stop` is called; returns how many were
        sent. Rows are taken oldest first, one per chat, leaving out chats that must wait,
        so one busy group never holds up everyone else. `now` fixes the clock (tests)."""
        self.running = True
        try:
            return await self._drain(lambda: now or datetime.now(UTC))
        finally:
            self.running = False

    async def _drain(self, clock: Callable[[], datetime]) -> int:
        flights: dict[asyncio.Task[int], Flight] = {}
        stopped = asyncio.ensure_future(self._stopped.wait())
        try:
            sent = await self._send_due(clock, flights, stopped)
        finally:  # after a stop, and after a failure too
            stopped.cancel()
            landed = await self._land(flights)
        return sent + landed

    async def _send_due(
        self,
        clock: Callable[[], datetime],
        flights: dict[asyncio.Task[int], Flight],
        stopped: asyncio.Future[Literal[True]],
    ) -> int:
        """Keep up to `in_flight` reminders on their way, each for a chat free to get one;
        return when nothing is due (or only for chats that must wait) or at a stop."""
        released = -RELEASE_EVERY
        queue: deque[tuple[int, int]] = deque()  # (row, chat) due, not yet on their way
        sent = 0
        while not self.stopping:
            if self.pacer.clock() - released >= RELEASE_EVERY:  # during long runs too
                released = self.pacer.clock()
                await self.db.run(lambda s: reminders.release_stale(s, now=clock()))
            metrics.DISPATCH_LOOKED.set_to_current_time()
            busy = self.pacer.busy() | {flight.chat_id for flight in flights.values()}
            if not queue and len(flights) < self.in_flight:
                query = partial(reminders.due, limit=self.batch, skip_chats=busy)
                queue.extend(await self.db.run(partial(query, now=clock())))
            while queue and len(flights) < self.in_flight and not self.stopping:
                rid, chat_id = queue.popleft()
                flight = Flight(rid, chat_id)
                flights[asyncio.ensure_future(self._deliver(flight, clock))] = flight
            if queue or len(flights) == self.in_flight:
                pause = None  # until one of those on their way is done
            elif flights:
                pause = self.pacer.until_free()  # or a busy chat is free again
            elif not busy or not await self.db.run(partial(reminders.due, now=clock(), limit=1)):
                return sent
            else:
                pause = self.pacer.until_free()
            sent += await self._pause(flights, stopped, pause)
        return sent

    async def _pause(
        self,
        flights: dict[asyncio.Task[int], Flight],
        stopped: asyncio.Future[Literal[True]],
        pause: float | None,
    ) -> int:
        """Until one of `flights` is done, a stop, or `pause` seconds; returns how many of
        those done were sent (a failure ends the run: the next one starts afresh)."""
        waits: set[asyncio.Future[Any]] = {*flights, stopped}
        sleeper = None if pause is None else asyncio.ensure_future(self.pacer.sleep(pause))
        if sleeper is not None:
            waits.add(sleeper)
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if sleeper is not None:
                sleeper.cancel()
        done = [task for task in flights if task.done()]
        for task in done:
            del flights[task]
        return sum(task.result() for task in done)

    async def _land(self, flights: dict[asyncio.Task[int], Flight]) -> int:
        """The run ends (stop, failure or cancellation): reminders still waiting for their
        turn are let go, those on the wire get STOP_SECONDS, then are put back to pending."""
        for task, flight in flights.items():
            if flight.phase is Phase.WAITING:
                task.cancel()
        if flights:
            _done, late = await asyncio.wait(flights, timeout=STOP_SECONDS)
            for task in late:
                if flights[task].phase is Phase.SENDING:
                    task.cancel()
        results = await asyncio.gather(*flights, return_exceptions=True)
        failed = [r for r in results if isinstance(r, Exception)]
        for failure in failed:
            log.error("a reminder failed on its way", exc_info=failure)
        return sum(r for r in results if isinstance(r, int))

    def _claim_and_render(
        self, session: Session, rid: int, now: datetime
    ) -> tuple[Reminder, Message | None] | None:
        row = reminders.claim(session, reminder_id=rid, now=now, worker=self.worker)
        return None if row is None else (row, self.render(session, row, now))

    async def _places(self, chat_id: int) -> Places:
        """The reminder's turn: after any 429's hold, behind waiting replies."""
        while True:
            await self.pacer.unheld()
            places = await self.budget.take(chat_id, urgent=False)
            if not self.pacer.held():
                return places
            self.budget.give(places, counted=False)  # a 429 came meanwhile

    async def _deliver(self, flight: Flight, clock: Callable[[], datetime]) -> int:
        """Take the places first, then claim: a crash or a stop while waiting leaves the row
        pending, and only a row whose request is on the wire is `sending`."""
        rid, chat_id = flight.rid, flight.chat_id
        places = await self._places(chat_id)
        flight.phase = Phase.CLAIMING
        now = clock()
        try:
            claimed = await self.db.run(lambda s: self._claim_and_render(s, rid, now))
        except BaseException:
            self.budget.give(places, counted=False)
            raise
        if claimed is None:
            self.budget.give(places, counted=False)
            return 0  # another process took it
        reminder, message = claimed
        if message is None:
            self.budget.give(places, counted=False)
            log.info("reminder %s is no longer useful; dropped", rid)
            flight.phase = Phase.FINISHING
            await self._finish(rid, reminders.DROPPED, now)
            return 0
        self.pacer.sent(chat_id)
        turns = Turns(self.budget, chat_id, places)
        flight.phase = Phase.SENDING
        try:
            await self.send(self.bot, message, turns)
        except asyncio.CancelledError:  # stopping, and the answer is late: sent again later
            flight.phase = Phase.FINISHING
            await self._retry(rid, now)
            raise
        except (RetryAfter, ChatMigrated, Forbidden, NetworkError) as exc:  # BadRequest too
            flight.phase = Phase.FINISHING
            await self._refused(reminder, exc, now)
            return 0
        finally:
            turns.close()
        flight.phase = Phase.FINISHING
        late = now - reminder.due_at > LATE_AFTER
        await self._finish(rid, reminders.SENT, now, late=late)
        log.info(
            "reminder sent",
            extra={"reminder_id": rid, "chat_id": chat_id, "kind": reminder.kind, "late": late},
        )
        return 1

    async def _refused(self, reminder: Reminder, exc: TelegramError, now: datetime) -> None:
        """Telegram did not take it: wait, follow the group, give up or try again later."""
        assert reminder.id is not None
        rid = reminder.id
        if isinstance(exc, RetryAfter):
            wait = retry_seconds(exc)
            self.pacer.hold(wait)
            metrics.REMINDERS.labels("retried").inc()
            await self._retry(rid, now + timedelta(seconds=wait))
        elif isinstance(exc, ChatMigrated):  # the group became a supergroup: follow it
            moved = partial(teams.migrate_group, old=reminder.chat_id, new=exc.new_chat_id)
            await self.db.run(moved)
            await self._retry(rid, now)
        elif isinstance(exc, Forbidden):
            await self.db.run(lambda s: self._blocked(s, reminder, now))
            metrics.REMINDERS.labels("failed").inc()
        elif isinstance(exc, BadRequest):
            log.warning("reminder %s refused by Telegram", rid, exc_info=True)
            await self._finish(rid, reminders.FAILED, now)
        elif reminder.attempts >= MAX_ATTEMPTS:  # 5xx, time-outs, connection errors
            log.error("reminder %s failed %s times; giving up", rid, reminder.attempts)
            await self._finish(rid, reminders.FAILED, now)
        else:
            metrics.REMINDERS.labels("retried").inc()
            await self._retry(rid, now + backoff(reminder.attempts))

    def _blocked(self, session: Session, reminder: Reminder, now: datetime) -> None:
        assert reminder.id is not None
        self._finished(session, reminder.id, reminders.FAILED, now, late=False)
        if self.on_blocked is not None:
            self.on_blocked(session, reminder, now)

    def _finished(
        self, session: Session, rid: int, status: ReminderStatus, now: datetime, *, late: bool
    ) -> None:
        """The outcome, and in the same transaction the next row of its series."""
        reminders.finish(session, reminder_id=rid, status=status, now=now, late=late)
        row = session.get(Reminder, rid, populate_existing=True)
        if self.follow_up is not None and row is not None:
            self.follow_up(session, row, now)

    async def _finish(
        self, rid: int, status: ReminderStatus, now: datetime, *, late: bool = False
    ) -> None:
        await self.db.run(lambda s: self._finished(s, rid, status, now, late=late))
        metrics.REMINDERS.labels(status).inc()
        if late:
            metrics.REMINDERS.labels("late").inc()

    async def _retry(self, rid: int, at: datetime) -> None:
        await self.db.run(lambda s: reminders.retry_later(s, reminder_id=rid, at=at))
