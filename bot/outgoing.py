"""Replies leave through one queue per chat, so a chat that must wait holds up only itself.

Telegram takes 20 messages a minute into one group and answers 429 (with retry_after)
when a chat, or the bot, sends too fast. Sent inside the update's processing, a reply
waiting out its chat's limit kept the update's slot and its chat's lock, and a flooded
group took every slot: other teachers' private /team waited 120 s (issue 16). Here the
update ends once its state is saved and its replies are queued; each chat with pending
replies has one task that sends them in order and ends when the queue is empty. New
messages take their places in the process's send budget (bot/budget.py), shared with the
reminders and served first: into a group 20 in any 60 s, from the bot 30 in any second
(one teacher's flood of 20 commands can bring 40 messages at once), of which one chat
may take 10, so a flood leaves room for everyone else; a 429 is waited out in its own
chat only. A button press's answer waits for no chat (Telegram shows a
spinner until it comes), so it goes at once, in a task of its own, side by side with the
press's edit: with Telegram's round trip of 30–100 ms a press then costs one, not two,
and either failing loses not the other. The clock and the
sleep are given, so tests can hold a group's minute and move it on.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Protocol, TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.budget import Budget, Clock, Places, Sleep

log = logging.getLogger(__name__)

T = TypeVar("T")


class Call(Protocol):
    """How one Bot API request is made: at once (reminders), or in a chat's lane (replies).
    `new_message` says whether Telegram counts it against the group's 20 a minute."""

    def __call__(
        self, request: Callable[[], Awaitable[T]], *, new_message: bool = True
    ) -> Awaitable[T]: ...


async def direct(request: Callable[[], Awaitable[T]], *, new_message: bool = True) -> T:
    """A request made at once, its failures the caller's (the reminders' dispatcher
    paces and retries by itself)."""
    return await request()


def retry_seconds(exc: RetryAfter) -> float:
    """Telegram's retry_after in seconds (PTB gives an int or a timedelta)."""
    wait = exc.retry_after
    return wait if isinstance(wait, int) else wait.total_seconds()


async def with_retries(request: Callable[[], Awaitable[T]], sleep: Sleep = asyncio.sleep) -> T:
    """Make a request, riding out a 429 (wait as told), a 5xx or a time-out (short
    pauses): the answer is already saved, so the reply must not be lost to a hiccup. Only
    the request that failed is made again, never the parts of a message already sent."""
    pauses = iter((0.5, 2.0, 5.0))
    while True:
        try:
            return await request()
        except BadRequest:
            raise
        except (RetryAfter, NetworkError) as exc:  # NetworkError: 5xx, time-outs, refusals
            pause = next(pauses, None)
            if pause is None:
                raise
            await sleep(retry_seconds(exc) if isinstance(exc, RetryAfter) else pause)


class Lane:
    """One chat's way out: a new message waits for its places in the process's `Budget`
    (the chat's 10 a second, a group's 20 a minute, the bot's 30 a second, shared with the
    reminders; a reply goes first), so a chat waiting for its own turn holds none of the
    bot's. Requests of all lanes share `sending`, one permit per Bot API connection: a
    burst of replies waits here, not in the connection pool, whose wait counts towards a
    request's time-out."""

    def __init__(
        self, sending: asyncio.Semaphore, budget: Budget, chat_id: int | None, sleep: Sleep
    ) -> None:
        self._sending = sending
        self._budget = budget
        self._chat_id = chat_id
        self._sleep = sleep

    async def call(self, request: Callable[[], Awaitable[T]], *, new_message: bool = True) -> T:
        if not new_message:
            return await with_retries(partial(self._send, request), self._sleep)
        async with self._budget.turn(self._chat_id, urgent=True) as places:
            return await with_retries(partial(self._send, request, places), self._sleep)

    async def _send(self, request: Callable[[], Awaitable[T]], places: Places | None = None) -> T:
        async with self._sending:
            if places is not None:  # its round trip starts here, not in the wait above
                self._budget.start(places)
            return await request()


Job = Callable[[Lane], Awaitable[object]]
OnError = Callable[[object, Exception], Awaitable[object]]


@dataclass(frozen=True)
class Post:
    """Bot API work for one chat, sent after the chat's earlier posts; `chat_id` None:
    for no chat (a press's answer), sent at once."""

    chat_id: int | None
    send: Job


class Outgoing:
    """Every chat's queued posts and the one task per chat that sends them, at most
    `connections` requests at once. A post that fails (after its retries) goes to
    `on_error` with its update, as a failing handler would."""

    def __init__(
        self,
        on_error: OnError,
        connections: int,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        budget: Budget | None = None,
    ) -> None:
        self._on_error = on_error
        self._sleep = sleep
        # the process's send budget, shared with the reminders (bot/budget.py)
        self.budget = budget or Budget(clock=clock, sleep=sleep)
        self.connections = connections
        self._sending = asyncio.Semaphore(connections)
        self._queues: dict[int, deque[tuple[Job, object]]] = {}
        self._lanes: dict[int, asyncio.Task[None]] = {}
        self._loose: set[asyncio.Task[None]] = set()  # press answers

    def put(self, posts: list[Post], update: object) -> None:
        """Queue the posts of `update`, each behind its chat's earlier posts; returns at
        once. A press's answer is sent at once, in flight together with its chat's posts."""
        for post in posts:
            if post.chat_id is None:
                self._start(post.send, update)
            else:
                self._queue(post.chat_id, post.send, update)

    def _start(self, send: Job, update: object) -> None:
        task = asyncio.create_task(
            self._run(send, Lane(self._sending, self.budget, None, self._sleep), update)
        )
        self._loose.add(task)
        task.add_done_callback(self._loose.discard)

    def _queue(self, chat_id: int, send: Job, update: object) -> None:
        self._queues.setdefault(chat_id, deque()).append((send, update))
        if chat_id not in self._lanes:
            self._lanes[chat_id] = asyncio.create_task(
                self._drain(chat_id), name=f"replies {chat_id}"
            )

    async def _drain(self, chat_id: int) -> None:
        queue = self._queues[chat_id]
        lane = Lane(self._sending, self.budget, chat_id, self._sleep)
        try:
            while queue:
                send, update = queue.popleft()
                await self._run(send, lane, update)
        finally:  # no await between the empty queue and here: nothing is put meanwhile
            del self._lanes[chat_id], self._queues[chat_id]

    async def _run(self, send: Job, lane: Lane, update: object) -> None:
        try:
            await send(lane)
        except Exception as exc:
            await self._on_error(update, exc)

    def pending(self) -> int:
        """Posts queued or being sent."""
        return (
            sum(len(queue) for queue in self._queues.values()) + len(self._lanes) + len(self._loose)
        )

    async def idle(self, timeout: float | None = None) -> bool:  # noqa: ASYNC109  (a bound, not a time-out of one call)
        """Wait until every queued post is sent (True) or `timeout` seconds pass (False)."""
        deadline = None if timeout is None else time.perf_counter() + timeout
        while tasks := {*self._lanes.values(), *self._loose}:
            left = None if deadline is None else max(0.0, deadline - time.perf_counter())
            _done, waiting = await asyncio.wait(tasks, timeout=left)
            if waiting:
                return False
        return True

    async def close(self, timeout: float) -> None:  # noqa: ASYNC109
        """Shutdown: send what is queued for up to `timeout` seconds, then drop the rest."""
        if await self.idle(timeout):
            return
        log.warning("%s replies not sent at shutdown (waited %.0f s)", self.pending(), timeout)
        tasks = [*self._lanes.values(), *self._loose]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
