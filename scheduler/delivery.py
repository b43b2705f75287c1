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

from sqlmodel import Session
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.reply import Message
from storage import reminders
from storage.db import Database
from storage.models import Reminder

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
LATE_AFTER = timedelta(minutes=5)  # sent later than this after its time: marked late

Render = Callable[[Session, Reminder, datetime], Message | None]
Send = Callable[[Bot, Message], Awaitable[object]]


@dataclass
class Pacer:
    """At most `per_second` messages overall, one a second per private chat and
    `group_per_minute` per group; `hold` pauses everything after a 429."""

    per_second: float = 25.0
    group_per_minute: int = 20
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _next: float = 0.0
    _chat_next: dict[int, float] = field(default_factory=dict)

    def hold(self, seconds: float) -> None:
        self._next = max(self._next, self.clock() + seconds)

    async def wait(self, chat_id: int) -> None:
        now = self.clock()
        start = max(now, self._next, self._chat_next.get(chat_id, 0.0))
        if start > now:
            await self.sleep(start - now)
        self._next = start + 1 / self.per_second
        gap = 60 / self.group_per_minute if chat_id < 0 else 1.0
        self._chat_next[chat_id] = start + gap


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
    on_blocked: Callable[[Session, Reminder, datetime], None] | None = None
    batch: int = 50

    async def run_once(self, now: datetime | None = None) -> int:
        """Claim and send one batch; returns how many were sent."""
        moment = now or datetime.now(UTC)
        claimed = await self.db.run(lambda s: self._claim_and_render(s, moment))
        sent = 0
        for reminder, message in claimed:
            sent += await self._deliver(reminder, message, moment)
        return sent

    def _claim_and_render(
        self, session: Session, now: datetime
    ) -> list[tuple[Reminder, Message | None]]:
        rows = reminders.claim(session, now=now, worker=self.worker, limit=self.batch)
        return [(row, self.render(session, row, now)) for row in rows]

    async def _deliver(self, reminder: Reminder, message: Message | None, now: datetime) -> int:
        rid = reminder.id
        assert rid is not None
        if message is None:
            log.info("reminder %s is no longer useful; dropped", rid)
            await self._finish(rid, reminders.DROPPED, now)
            return 0
        await self.pacer.wait(reminder.chat_id)
        try:
            await self.send(self.bot, message)
        except RetryAfter as exc:
            wait = (
                exc.retry_after
                if isinstance(exc.retry_after, int)
                else exc.retry_after.total_seconds()
            )
            self.pacer.hold(wait)
            await self._retry(rid, now + timedelta(seconds=wait))
            return 0
        except Forbidden:
            await self.db.run(lambda s: self._blocked(s, reminder, now))
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
                await self._retry(rid, now + backoff(reminder.attempts))
            return 0
        late = now - reminder.due_at > LATE_AFTER
        await self._finish(rid, reminders.SENT, now, late=late)
        return 1

    def _blocked(self, session: Session, reminder: Reminder, now: datetime) -> None:
        assert reminder.id is not None
        reminders.finish(session, reminder_id=reminder.id, status=reminders.FAILED, now=now)
        if self.on_blocked is not None:
            self.on_blocked(session, reminder, now)

    async def _finish(self, rid: int, status: str, now: datetime, *, late: bool = False) -> None:
        await self.db.run(
            lambda s: reminders.finish(s, reminder_id=rid, status=status, now=now, late=late)
        )

    async def _retry(self, rid: int, at: datetime) -> None:
        await self.db.run(lambda s: reminders.retry_later(s, reminder_id=rid, at=at))
