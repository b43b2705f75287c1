"""Sending due reminders: claim rows, render each in its reader's language, send at a pace
Telegram accepts, and record the outcome.

- 429: every send waits `retry_after`, the reminder goes back to pending for then.
- 5xx and network errors: back to pending with a growing delay, failed after a few tries.
- 403: the teacher blocked the bot; the row fails and `on_blocked` is told (the caller
  marks the teacher unreachable and tells the coordinator).
- python-telegram-bot's AIORateLimiter drops a message at the first 429 and knows no
  per-chat limit, so pacing is done here.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial

from sqlmodel import Session
from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot import metrics
from bot.reply import Message
from storage import reminders, teams
from storage.db import Database
from storage.models import Reminder, ReminderStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
LATE_AFTER = timedelta(minutes=5)  # sent later than this after its time: marked late

Render = Callable[[Session, Reminder, datetime], Message | None]
Send = Callable[[Bot, Message], Awaitable[object]]
AfterRow = Callable[[Session, Reminder, datetime], None]


@dataclass
class Pacer:
    """At most `per_second` messages overall, one a second per private chat and
    `group_per_minute` per group; `hold` pauses everything after a 429.

    The default stays just under Telegram's 30 a second, so bursts meet no 429 at all."""

    per_second: float = 29.0
    group_per_minute: int = 20
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _next: float = 0.0
    _chat_next: dict[int, float] = field(default_factory=dict)

    def hold(self, seconds: float) -> None:
        self._next = max(self._next, self.clock() + seconds)

    def busy(self) -> set[int]:
        """Chats that must wait before their next message (and forget those that need not)."""
        now = self.clock()
        self._chat_next = {chat: at for chat, at in self._chat_next.items() if at > now}
        return set(self._chat_next)

    async def until_free(self) -> None:
        """Sleep until the first busy chat may be written to again."""
        if self._chat_next:
            await self.sleep(max(0.0, min(self._chat_next.values()) - self.clock()))

    async def wait(self, chat_id: int) -> None:
        now = self.clock()
        start = max(now, self._next, self._chat_next.get(chat_id, 0.0))
        if start > now:
            await self.sleep(start - now)
        self._next = start + 1 / self.per_second
        gap = 60 / self.group_per_minute if chat_id < 0 else 1.0
        self._chat_next[chat_id] = start + gap


def retry_seconds(exc: RetryAfter) -> float:
    wait = exc.retry_after
    return wait if isinstance(wait, int) else wait.total_seconds()


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
    on_blocked: AfterRow | None = None
    follow_up: AfterRow | None = None  # after a row is finished: plan the next of its series
    batch: int = 50
    running: bool = False

    async def run_once(self, now: datetime | None = None) -> int:
        """Send everything due, batch after batch, until nothing is; returns how many were
        sent. A batch holds one row per chat and leaves out chats that must wait, so one
        busy group never holds up everyone else. `now` fixes the clock (tests)."""
        self.running = True
        try:
            return await self._drain(lambda: now or datetime.now(UTC))
        finally:
            self.running = False

    async def _drain(self, clock: Callable[[], datetime]) -> int:
        await self.db.run(lambda s: reminders.release_stale(s, now=clock()))
        sent = 0
        while True:
            metrics.DISPATCH_LOOKED.set_to_current_time()
            busy, moment = self.pacer.busy(), clock()
            batch = await self.db.run(
                partial(reminders.due, now=moment, limit=self.batch, skip_chats=busy)
            )
            if not batch:
                if not busy or not await self.db.run(partial(reminders.due, now=moment, limit=1)):
                    return sent
                await self.pacer.until_free()
                continue
            for rid, chat_id in batch:
                sent += await self._deliver(rid, chat_id, clock)

    def _claim_and_render(
        self, session: Session, rid: int, now: datetime
    ) -> tuple[Reminder, Message | None] | None:
        row = reminders.claim(session, reminder_id=rid, now=now, worker=self.worker)
        return None if row is None else (row, self.render(session, row, now))

    async def _deliver(self, rid: int, chat_id: int, clock: Callable[[], datetime]) -> int:
        """Wait for the chat's turn, then claim: a crash while waiting leaves the row pending."""
        await self.pacer.wait(chat_id)
        now = clock()
        claimed = await self.db.run(lambda s: self._claim_and_render(s, rid, now))
        if claimed is None:
            return 0  # another process took it
        reminder, message = claimed
        if message is None:
            log.info("reminder %s is no longer useful; dropped", rid)
            await self._finish(rid, reminders.DROPPED, now)
            return 0
        try:
            await self.send(self.bot, message)
        except RetryAfter as exc:
            wait = retry_seconds(exc)
            self.pacer.hold(wait)
            metrics.REMINDERS.labels("retried").inc()
            await self._retry(rid, now + timedelta(seconds=wait))
            return 0
        except ChatMigrated as exc:  # the group became a supergroup: follow it, send again
            moved = partial(teams.migrate_group, old=chat_id, new=exc.new_chat_id)
            await self.db.run(moved)
            await self._retry(rid, now)
            return 0
        except Forbidden:
            await self.db.run(lambda s: self._blocked(s, reminder, now))
            metrics.REMINDERS.labels("failed").inc()
            return 0
        except BadRequest:
            log.warning("reminder %s refused by Telegram", rid, exc_info=True)
            await self._finish(rid, reminders.FAILED, now)
            return 0
        except NetworkError:  # 5xx, time-outs, connection errors
            if reminder.attempts >= MAX_ATTEMPTS:
                log.error("reminder %s failed %s times; giving up", rid, reminder.attempts)
                await self._finish(rid, reminders.FAILED, now)
            else:
                metrics.REMINDERS.labels("retried").inc()
                await self._retry(rid, now + backoff(reminder.attempts))
            return 0
        late = now - reminder.due_at > LATE_AFTER
        await self._finish(rid, reminders.SENT, now, late=late)
        log.info(
            "reminder sent",
            extra={"reminder_id": rid, "chat_id": chat_id, "kind": reminder.kind, "late": late},
        )
        return 1

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
