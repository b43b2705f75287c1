"""How much one person, or one group, may ask of the bot: a burst, then a steady pace.

Without a limit 500 private messages got 500 replies, and a flood in a group filled the
group's queue for many minutes (Telegram takes 20 messages a minute into a group).
Token buckets, refilled continuously, decide before any handler runs:

- A person: 20 updates, then one every 2 s (30 a minute). A teacher going through the
  quiz taps about 20 answers in a minute or two and nobody types faster than one message
  every 2 s for long, so only floods reach the bottom. There the bot says "slow down"
  once and then lets that person's updates go, silently, for a minute; by then the
  bucket is full again.
- A group: 30 updates, then one every 3 s: Telegram takes 20 messages a minute into a
  group, so answering more only lengthens the group's queue; the burst is larger than
  one person's, so one person cannot empty it for the others.
- Someone in no project gets one answer a minute in a group: outsiders get only general
  answers there (/help, "not linked"), and a group is where a flood costs everyone.

A pressed button whose update is let go is still answered (with nothing to show), or
Telegram keeps a spinner on it. State is in memory, per process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import partial

from telegram import Update
from telegram.constants import ChatType

from storage import teams
from storage.db import Database


class Verdict(Enum):
    HANDLE = "handled"
    WARN = "slowed"  # answer "slow down", then let the person go for a while
    IGNORE = "ignored"


@dataclass
class Bucket:
    """`size` updates at once, then `per_second` (fractions accumulate)."""

    size: float
    per_second: float
    tokens: float
    at: float

    @classmethod
    def full_at(cls, rate: tuple[float, float], now: float) -> Bucket:
        size, per_second = rate
        return cls(size, per_second, size, now)

    def take(self, now: float) -> bool:
        self.tokens = min(self.size, self.tokens + (now - self.at) * self.per_second)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    def full(self, now: float) -> bool:
        return self.tokens + (now - self.at) * self.per_second >= self.size


PERSON = (20, 1 / 2)  # size, per second
GROUP = (30, 1 / 3)
QUIET_SECONDS = 60.0  # a person told to slow down is let go this long
OUTSIDER_SECONDS = 60.0  # one answer in a group this often for someone in no project


class InputLimits:
    """The buckets of one process; idle ones (full again) are forgotten once a minute."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.enabled = True  # tests of whole flows turn it off: they type faster than anyone
        self._people: dict[int, Bucket] = {}
        self._groups: dict[int, Bucket] = {}
        self._quiet: dict[int, float] = {}  # person → until
        self._outsiders: dict[tuple[int, int], float] = {}  # (group, person) → last answer
        self._tidied = clock()

    def person(self, user_id: int) -> Verdict:
        """One update from this person: within their pace, the first beyond it, or later."""
        now = self.clock()
        self._tidy(now)
        if self._quiet.get(user_id, 0.0) > now:
            return Verdict.IGNORE
        if self._people.setdefault(user_id, Bucket.full_at(PERSON, now)).take(now):
            return Verdict.HANDLE
        self._quiet[user_id] = now + QUIET_SECONDS
        return Verdict.WARN

    def group(self, chat_id: int) -> bool:
        """One update in this group: within the group's pace?"""
        now = self.clock()
        return self._groups.setdefault(chat_id, Bucket.full_at(GROUP, now)).take(now)

    def outsider(self, chat_id: int, user_id: int) -> bool:
        """Someone in no project may be answered in this group now (and is, from now)."""
        now = self.clock()
        if now - self._outsiders.get((chat_id, user_id), -OUTSIDER_SECONDS) < OUTSIDER_SECONDS:
            return False
        self._outsiders[chat_id, user_id] = now
        return True

    def _tidy(self, now: float) -> None:
        if now - self._tidied < 60:
            return
        self._tidied = now
        self._people = {k: b for k, b in self._people.items() if not b.full(now)}
        self._groups = {k: b for k, b in self._groups.items() if not b.full(now)}
        self._quiet = {k: until for k, until in self._quiet.items() if until > now}
        self._outsiders = {
            k: at for k, at in self._outsiders.items() if now - at < OUTSIDER_SECONDS
        }


async def verdict(update: object, limits: InputLimits, db: Database) -> Verdict:
    """Handle this update, answer "slow down", or let it go. Changes of the bot's own
    membership and updates from no one are always handled; a private update never waits
    for the database here."""
    if not limits.enabled or not isinstance(update, Update):
        return Verdict.HANDLE
    if update.my_chat_member or update.chat_member:
        return Verdict.HANDLE
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return Verdict.HANDLE
    said = limits.person(user.id)
    if said is Verdict.IGNORE or chat.type == ChatType.PRIVATE:
        return said
    outsider = await db.run(partial(teams.project_count, user_id=user.id)) == 0
    if outsider and (said is Verdict.WARN or not limits.outsider(chat.id, user.id)):
        return Verdict.IGNORE
    if said is Verdict.WARN:
        return said
    return Verdict.HANDLE if limits.group(chat.id) else Verdict.IGNORE
