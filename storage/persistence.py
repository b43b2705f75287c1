"""python-telegram-bot persistence in our own database: dialog states and `user_data`.

JSON, never pickle. Only what a dialog needs to resume is kept: ConversationHandler
states and each teacher's scratchpad of unfinished answers. The application flushes
after every update (see bot/app/application.py), so a crash loses at most the update in flight,
which Telegram delivers again.

The database is the only copy that counts: several workers share it, and any of them
may take a teacher's next update. So nothing is read at start, and before each update's
handlers run, the application reads the sender's scratchpad and their dialog state with
`load` (one statement, a transaction by itself) and puts them in place of what the process
held; PTB's own `refresh_user_data` comes too late for that (after the dialog has
already looked up its state) and stays a no-op.

Flushing after every update must stay cheap, because it is on every update's path:
what is already stored is not written again (PTB hands over every state a handler
returned, and a dialog mostly stays in its state: each quiz answer returns "quiz"), and
the writes one flush does hand over are done in one transaction, not one each.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from storage.db import Database
from storage.models import ConversationState, UserScratch

UserData = dict[Any, Any]
UNKNOWN = "?"  # cached after a failed write: no JSON is equal to it, so the next one writes


class DbPersistence(BasePersistence[UserData, dict[Any, Any], dict[Any, Any]]):
    def __init__(self, db: Database) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=60,
        )
        self.db = db
        self._written: dict[int, str] = {}  # last JSON written per user: skip unchanged writes
        self._states: dict[tuple[str, str], str] = {}  # (name, key) → stored state, as JSON
        self._queued: list[Callable[[Session], object]] = []
        self._batch: asyncio.Future[None] | None = None
        self._task: asyncio.Task[None] | None = None  # the batch transaction being run

    async def _write(self, write: Callable[[Session], object]) -> None:
        """Run `write` in the next transaction of this flush. PTB starts all of a flush's
        writes at once (asyncio.gather), so each queues its write and the first one
        schedules the transaction, which runs after the others have queued theirs."""
        self._queued.append(write)
        if self._batch is None:
            self._batch = asyncio.get_running_loop().create_future()
            asyncio.get_running_loop().call_soon(self._start_batch)
        await asyncio.shield(self._batch)

    def _start_batch(self) -> None:
        batch, writes = self._batch, self._queued
        self._batch, self._queued = None, []
        assert batch is not None

        def write_all(s: Session) -> None:
            for write in writes:
                write(s)

        async def run() -> None:
            try:
                await self.db.run(write_all)
            except asyncio.CancelledError:
                batch.cancel()
                raise
            except Exception as exc:
                batch.set_exception(exc)
            else:
                batch.set_result(None)

        self._task = asyncio.get_running_loop().create_task(run())

    async def get_user_data(self) -> dict[int, UserData]:
        return {}  # read per update (`load`), never at start: another worker may change it

    async def load(
        self, user_id: int, dialogs: Sequence[tuple[str, ConversationKey]]
    ) -> tuple[UserData, list[object | None]]:
        """The teacher's scratchpad and the state of each (dialog name, key) as stored now
        (None: not in a dialog), in one statement. What is read is what is stored, so
        the write-skip caches learn it: a later write of the same is skipped, a write of
        anything else (also back to what this process wrote last) is not."""
        keys = [json.dumps(list(key)) for _name, key in dialogs]
        statement = _read_statement(tuple(name for name, _key in dialogs))
        values = {"user_id": user_id, **{f"key{n}": key for n, key in enumerate(keys)}}
        row = await self.db.read_row(statement, values)
        data: str | None = row[0]
        states: list[str | None] = list(row[1:])
        if data is None:
            self._written.pop(user_id, None)
        else:
            self._written[user_id] = data
        for (name, _key), key, state in zip(dialogs, keys, states, strict=True):
            if state is None:
                self._states.pop((name, key), None)
            else:
                self._states[(name, key)] = state
        return (
            {} if data is None else json.loads(data),
            [None if state is None else json.loads(state) for state in states],
        )

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        encoded = json.dumps(data, sort_keys=True)
        if self._written.get(user_id, "{}") == encoded:
            return
        self._written[user_id] = encoded

        def write(s: Session) -> None:
            if data:
                s.merge(UserScratch(user_id=user_id, data=encoded))
            else:
                s.execute(sa.delete(UserScratch).where(col(UserScratch.user_id) == user_id))

        try:
            await self._write(write)
        except BaseException:
            self._written[user_id] = UNKNOWN
            raise

    async def drop_user_data(self, user_id: int) -> None:
        self._written.pop(user_id, None)
        await self._write(
            lambda s: s.execute(sa.delete(UserScratch).where(col(UserScratch.user_id) == user_id))
        )

    async def get_conversations(self, name: str) -> ConversationDict:
        return {}  # read per update (`load`), never at start: another worker may change it

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        encoded_key = json.dumps(list(key))
        encoded = None if new_state is None else json.dumps(new_state)
        if self._states.get((name, encoded_key)) == encoded:
            return  # stored already (or, for None, never stored)
        if encoded is None:
            self._states.pop((name, encoded_key), None)
        else:
            self._states[(name, encoded_key)] = encoded

        def write(s: Session) -> None:
            if encoded is None:
                s.execute(
                    sa.delete(ConversationState).where(
                        col(ConversationState.name) == name,
                        col(ConversationState.key) == encoded_key,
                    )
                )
            else:
                s.merge(ConversationState(name=name, key=encoded_key, state=encoded))

        try:
            await self._write(write)
        except BaseException:
            self._states[(name, encoded_key)] = UNKNOWN
            raise

    # Chat data, bot data and callback data are not kept: the tables are the truth.
    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: UserData) -> None:
        return None  # done before the handlers, with the dialog state: see `load`

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None

    async def flush(self) -> None:
        return None


@functools.cache
def _read_statement(names: tuple[str, ...]) -> sa.Select[Any]:
    """SELECT (the scratchpad of :user_id), (the state of dialog names[n] at :key<n>), …:
    one row, one round trip, built once per set of dialogs."""
    scratch = (
        sa.select(col(UserScratch.data))
        .where(col(UserScratch.user_id) == sa.bindparam("user_id"))
        .scalar_subquery()
    )
    states = [
        sa.select(col(ConversationState.state))
        .where(
            col(ConversationState.name) == name,
            col(ConversationState.key) == sa.bindparam(f"key{n}"),
        )
        .scalar_subquery()
        for n, name in enumerate(names)
    ]
    return sa.select(scratch, *states)
