"""python-telegram-bot persistence in our own database: dialog states and `user_data`.

JSON, never pickle. Only what a dialog needs to resume is kept: ConversationHandler
states and each teacher's scratchpad of unfinished answers. The application flushes
after every update (see bot/app.py), so a crash loses at most the update in flight,
which Telegram delivers again.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from storage.db import Database
from storage.models import ConversationState, UserScratch

UserData = dict[Any, Any]


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

    async def get_user_data(self) -> dict[int, UserData]:
        rows = await self.db.run(lambda s: s.exec(select(UserScratch)).all())
        self._written = {r.user_id: r.data for r in rows}
        return {r.user_id: json.loads(r.data) for r in rows}

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

        await self.db.run(write)

    async def drop_user_data(self, user_id: int) -> None:
        self._written.pop(user_id, None)
        await self.db.run(
            lambda s: s.execute(sa.delete(UserScratch).where(col(UserScratch.user_id) == user_id))
        )

    async def get_conversations(self, name: str) -> ConversationDict:
        rows = await self.db.run(
            lambda s: s.exec(select(ConversationState).where(ConversationState.name == name)).all()
        )
        return {tuple(json.loads(r.key)): json.loads(r.state) for r in rows}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        encoded_key = json.dumps(list(key))

        def write(s: Session) -> None:
            if new_state is None:
                s.execute(
                    sa.delete(ConversationState).where(
                        col(ConversationState.name) == name,
                        col(ConversationState.key) == encoded_key,
                    )
                )
            else:
                s.merge(ConversationState(name=name, key=encoded_key, state=json.dumps(new_state)))

        await self.db.run(write)

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
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None

    async def flush(self) -> None:
        return None
