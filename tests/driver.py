"""A user-level test client: teachers send text and press buttons, the real Application
handles the update, and we read what it sent through the fake Bot API."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

from telegram import Update

from bot.context import TwinApp
from bot.fakeapi import update_factory
from bot.fakeapi.server import ApiCall, FakeBotApi

SENDS = {"sendMessage", "editMessageText", "sendDocument", "sendPhoto"}


@dataclass
class Sent:
    """The Bot API calls one update caused."""

    calls: list[ApiCall]

    def to(self, chat_id: int) -> list[str]:
        return [
            c.params.get("text") or c.params.get("caption") or ""
            for c in self.calls
            if c.method in SENDS and c.chat_id == chat_id
        ]

    @property
    def texts(self) -> list[str]:
        return [
            c.params.get("text") or c.params.get("caption") or ""
            for c in self.calls
            if c.method in SENDS
        ]

    @property
    def text(self) -> str:
        return "\n---\n".join(self.texts)

    @property
    def alerts(self) -> list[str]:
        return [
            c.params.get("text", "")
            for c in self.calls
            if c.method == "answerCallbackQuery" and c.params.get("text")
        ]

    def buttons(self) -> list[str]:
        labels = []
        for c in self.calls:
            markup = c.params.get("reply_markup") or {}
            for row in markup.get("inline_keyboard", []):
                labels += [b["text"] for b in row]
        return labels


class Driver:
    def __init__(self, app: TwinApp, fake: FakeBotApi) -> None:
        self.app = app
        self.fake = fake
        self.factory = update_factory.UpdateFactory()
        self._ids = itertools.count(1)
        # until the update's replies are out (they go per chat, after the update); a test
        # that holds the clock replaces it
        self.settle: Callable[[], Awaitable[None]] = app.replies_sent

    async def deliver(self, payload: dict[str, Any]) -> Sent:
        before = self.fake.last_seq
        data = {"update_id": next(self._ids), **payload}
        self.fake.learn(data)  # Telegram knows the chats and open callbacks it delivered
        await self.app.process_update(Update.de_json(data, self.app.bot))
        await self.settle()
        return Sent(self.fake.calls[before:])

    def submit(self, payload: dict[str, Any]) -> asyncio.Task[None]:
        """Hand one update to the application's update processor, as polling does (in its
        chat's and sender's turn, for a free slot); returns at once."""
        data = {"update_id": next(self._ids), **payload}
        self.fake.learn(data)
        update = Update.de_json(data, self.app.bot)
        processing = self.app.update_processor.process_update(
            update, self.app.process_update(update)
        )
        return asyncio.create_task(processing)

    def teacher(
        self, uid: int, name: str, lang: str | None = "en", last_name: str | None = None
    ) -> Teacher:
        return Teacher(self, update_factory.user(uid, name, lang, last_name))

    def group(self, chat_id: int = -100777, title: str = "Project group") -> Group:
        return Group(self, update_factory.group_chat(chat_id, title))


class Group:
    def __init__(self, driver: Driver, chat: dict[str, Any]) -> None:
        self.driver = driver
        self.chat = chat
        self.id: int = chat["id"]

    def set_member(self, teacher: Teacher, status: str = "member") -> None:
        self.driver.fake.set_chat_member(self.id, teacher.user, status)

    async def add_bot(self, by: Teacher) -> Sent:
        sent = Sent([])
        for payload in self.driver.factory.bot_added(by.user, self.chat, self.driver.fake.bot_user):
            sent.calls += (await self.driver.deliver(payload)).calls
        return sent

    async def remove_bot(self, by: Teacher) -> Sent:
        payload = self.driver.factory.bot_removed(by.user, self.chat, self.driver.fake.bot_user)
        return await self.driver.deliver(payload)


class Teacher:
    def __init__(self, driver: Driver, user: dict[str, Any]) -> None:
        self.driver = driver
        self.user = user
        self.id: int = user["id"]

    def _chat(self, group: Group | None) -> dict[str, Any]:
        return group.chat if group else update_factory.private_chat(self.user)

    async def send(self, text: str, group: Group | None = None) -> Sent:
        d = self.driver
        return await d.deliver(
            d.factory.text(self.user, self._chat(group), text, d.fake.bot_username)
        )

    async def send_content(self, content: dict[str, Any], group: Group | None = None) -> Sent:
        """A photo, file, sticker …: the message's fields as Telegram sends them."""
        d = self.driver
        return await d.deliver(d.factory.content(self.user, self._chat(group), content))

    def last_text(self, group: Group | None = None) -> str:
        messages = self.driver.fake.messages(self._chat(group)["id"])
        return messages[-1].get("text", "") if messages else ""

    def _find_button(
        self, label: str, group: Group | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        for message in reversed(self.driver.fake.messages(self._chat(group)["id"])):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if label.casefold() in button["text"].casefold():
                        return message, button
        raise AssertionError(f"no button {label!r} in chat {self._chat(group)['id']}")

    def button_url(self, label: str) -> str:
        """The address of a URL button in the private chat (such as "add me to a group")."""
        return self._find_button(label, None)[1]["url"]

    async def click(self, label: str, group: Group | None = None) -> Sent:
        """Press the newest button whose text contains `label`; deep links are followed."""
        message, button = self._find_button(label, group)
        if "callback_data" in button:
            return await self.press(message, button["callback_data"])
        return await self.open(button["url"], group)

    async def press(self, message: dict[str, Any], data: str) -> Sent:
        """Send any callback data for a message, as a (possibly forged) button press."""
        d = self.driver
        return await d.deliver(d.factory.callback(self.user, message, data))

    async def open(self, url: str, group: Group | None = None) -> Sent:
        """Follow a t.me deep link the way Telegram does."""
        query = parse_qs(urlparse(url).query)
        if "start" in query:
            return await self.send(f"/start {query['start'][0]}")
        assert group is not None and "startgroup" in query, url
        sent = await group.add_bot(self)
        bot = self.driver.fake.bot_username
        sent.calls += (await self.send(f"/start@{bot} {query['startgroup'][0]}", group)).calls
        return sent
