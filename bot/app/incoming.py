"""How updates come in: cleaned of control characters, and processed concurrently while
each chat's and each teacher's updates stay in order.

With Telegram's real round trip a bot handling one update at a time tops out near
20 updates/s, so different chats run concurrently (bounded). Updates of one chat wait
for each other, so a dialog never sees its answers out of order; so do updates of one
teacher in different chats (her private chat and a group), because each reads her
scratchpad from the database before its handlers and writes it after them, and must
not read it while another of her updates is between the two.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Iterator
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# C0 and C1 control characters but tab and newline: none means anything in a message, and
# PostgreSQL refuses NUL in text (the teacher's answer would fail).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _read_texts(update: Update) -> Iterator[str | None]:
    """What handlers read or store of an update: text, caption, button data, names."""
    if message := update.effective_message:
        yield message.text
        yield message.caption
    if update.callback_query:
        yield update.callback_query.data
    if user := update.effective_user:
        yield from (user.first_name, user.last_name, user.username)
    if chat := update.effective_chat:
        yield chat.title


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


def without_controls(update: object) -> object:
    """The update as handlers should see it: every string without control characters.
    Only an update that has one is rebuilt (rare: that costs about 0.2 ms, the check 1 µs)."""
    if not isinstance(update, Update) or not any(
        text and _CONTROL.search(text) for text in _read_texts(update)
    ):
        return update
    return Update.de_json(_clean(update.to_dict()), update.get_bot())


def _order_keys(update: object) -> list[int]:
    """The chat and the sender (a private chat's id is its user's id, a group's is
    negative), sorted: locks are always taken in this order, so two updates that wait for
    each other never hold one lock each. 0 for an update with neither."""
    keys = set()
    if isinstance(update, Update):
        if update.effective_chat is not None:
            keys.add(update.effective_chat.id)
        if update.effective_user is not None:
            keys.add(update.effective_user.id)
    return sorted(keys) or [0]


class ChatOrderedProcessor(BaseUpdateProcessor):
    """A chat's updates one after another, and a teacher's (her private chat and her
    groups), up to `max_concurrent_updates` at once.

    An update waits for its chat's and its sender's turn first and only then for a slot, so updates queued
    behind their chat's earlier ones hold no slot another chat needs. PTB takes its own
    slot before `do_process_update` runs (in a method that may not be overridden), so its
    bound is set out of reach and the slots are taken here. That bounds nothing PTB would:
    it has made a task for every update it fetched either way."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(2**31 - 1)
        self.slots = max_concurrent_updates
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        keys = _order_keys(update)
        for key in keys:  # a lock stays while anyone waits for it or holds it
            self._waiting[key] = self._waiting.get(key, 0) + 1
        held: list[asyncio.Lock] = []
        try:
            for key in keys:
                lock = self._locks.setdefault(key, asyncio.Lock())
                await lock.acquire()
                held.append(lock)
            async with self._slots:
                await coroutine
        finally:
            for lock in held:
                lock.release()
            for key in keys:
                self._waiting[key] -= 1
                if not self._waiting[key]:
                    del self._waiting[key], self._locks[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
