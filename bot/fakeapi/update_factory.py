"""Builders for Bot API update payloads, shaped exactly like Telegram's JSON.

Tests and the console feed these to ``FakeBotApi.add_update`` so the bot under test parses
the same structures it would receive from Telegram (``Update.de_json``).
"""

import re
import time
from collections.abc import Callable
from typing import Any

_COMMAND = re.compile(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?")


def utf16_len(text: str) -> int:
    """Entity offsets and lengths are counted in UTF-16 code units by the Bot API."""
    return len(text.encode("utf-16-le")) // 2


def user(
    uid: int,
    first_name: str,
    language_code: str | None = "en",
    last_name: str | None = None,
    username: str | None = None,
) -> dict[str, Any]:
    """A human ``User``; absent optional fields are omitted like Telegram does."""
    u: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": first_name}
    optional = {"last_name": last_name, "username": username, "language_code": language_code}
    u.update({k: v for k, v in optional.items() if v is not None})
    return u


def private_chat(u: dict[str, Any]) -> dict[str, Any]:
    """The private chat between ``u`` and the bot (its id equals the user's id)."""
    chat: dict[str, Any] = {"id": u["id"], "type": "private", "first_name": u["first_name"]}
    chat.update({k: u[k] for k in ("last_name", "username") if k in u})
    return chat


def group_chat(chat_id: int, title: str) -> dict[str, Any]:
    """A supergroup; Telegram gives groups negative ids, so a positive one is a test bug."""
    if chat_id >= 0:
        raise ValueError(f"group chat ids are negative, got {chat_id}")
    return {"id": chat_id, "type": "supergroup", "title": title}


def chat_member(u: dict[str, Any], status: str) -> dict[str, Any]:
    """A ``ChatMember`` with the fields PTB requires for each status."""
    member: dict[str, Any] = {"status": status, "user": u}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member |= {"can_be_edited": False, "is_anonymous": False, "can_pin_messages": True}
        member |= dict.fromkeys(
            (
                "can_manage_chat",
                "can_delete_messages",
                "can_manage_video_chats",
                "can_restrict_members",
                "can_change_info",
                "can_invite_users",
            ),
            True,
        )
        member |= dict.fromkeys(
            ("can_promote_members", "can_post_stories", "can_edit_stories", "can_delete_stories"),
            False,
        )
    elif status == "kicked":
        member["until_date"] = 0
    elif status not in ("member", "left"):
        raise ValueError(f"unsupported chat member status {status!r}")
    return member


class UpdateFactory:
    """Builds update payloads (without ``update_id``, which the fake server assigns).

    Keeps a message-id counter per chat so user messages get ids like in a real chat.
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._message_ids: dict[int, int] = {}
        self._callback_ids = 0

    def _now(self) -> int:
        return int(self._clock())

    def _message(self, from_user: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
        chat_id = chat["id"]
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return {
            "message_id": self._message_ids[chat_id],
            "date": self._now(),
            "chat": chat,
            "from": from_user,
        }

    def text(
        self, from_user: dict[str, Any], chat: dict[str, Any], text: str, bot_username: str
    ) -> dict[str, Any]:
        """A text message with the entities Telegram would attach.

        A leading ``/command`` (optionally ``@Bot``) gets a ``bot_command`` entity, which PTB's
        CommandHandler requires; ``@bot_username`` mentions get ``mention`` entities so
        ``filters.Mention`` works.
        """
        message = self._message(from_user, chat) | {"text": text}
        entities: list[dict[str, Any]] = []
        command_end = 0
        if match := _COMMAND.match(text):
            command_end = match.end()
            entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(match[0])})
        mention = "@" + bot_username
        for found in re.finditer(re.escape(mention) + r"\b", text, flags=re.IGNORECASE):
            if found.start() >= command_end:
                offset = utf16_len(text[: found.start()])
                length = utf16_len(found[0])
                entities.append({"type": "mention", "offset": offset, "length": length})
        if entities:
            message["entities"] = entities
        return {"message": message}

    def callback(
        self, from_user: dict[str, Any], message: dict[str, Any], data: str
    ) -> dict[str, Any]:
        """A press on a button of ``message``, the bot's message as the server stores it."""
        self._callback_ids += 1
        return {
            "callback_query": {
                "id": f"cbq-{self._callback_ids}",
                "from": from_user,
                "message": message,
                "chat_instance": f"ci{message['chat']['id']}",
                "data": data,
            }
        }

    def bot_added(
        self, from_user: dict[str, Any], chat: dict[str, Any], bot_user: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Telegram sends both a ``my_chat_member`` update and a service message on join."""
        joined = self._message(from_user, chat) | {"new_chat_members": [bot_user]}
        return [
            self._my_chat_member(from_user, chat, bot_user, "left", "member"),
            {"message": joined},
        ]

    def bot_removed(
        self,
        from_user: dict[str, Any],
        chat: dict[str, Any],
        bot_user: dict[str, Any],
        status: str = "kicked",
        old_status: str = "member",
    ) -> dict[str, Any]:
        """The bot left (``status="left"``) or was removed (``"kicked"``) from ``chat``."""
        return self._my_chat_member(from_user, chat, bot_user, old_status, status)

    def migrated(
        self, from_user: dict[str, Any], old: dict[str, Any], new: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """A group upgraded to a supergroup: a service message in each of the two chats."""
        return [
            {"message": self._message(from_user, old) | {"migrate_to_chat_id": new["id"]}},
            {"message": self._message(from_user, new) | {"migrate_from_chat_id": old["id"]}},
        ]

    def member_joined(self, new_user: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
        """The service message for a user joining a group by themselves."""
        return {"message": self._message(new_user, chat) | {"new_chat_members": [new_user]}}

    def _my_chat_member(
        self,
        from_user: dict[str, Any],
        chat: dict[str, Any],
        bot_user: dict[str, Any],
        old: str,
        new: str,
    ) -> dict[str, Any]:
        return {
            "my_chat_member": {
                "chat": chat,
                "from": from_user,
                "date": self._now(),
                "old_chat_member": chat_member(bot_user, old),
                "new_chat_member": chat_member(bot_user, new),
            }
        }

    def edited_text(
        self, from_user: dict[str, Any], chat: dict[str, Any], text: str, bot_username: str
    ) -> dict[str, Any]:
        """The user edited a text message they sent earlier (a new one, for simplicity):
        the same shape as ``text`` under ``edited_message``, with an ``edit_date``."""
        edited = self.text(from_user, chat, text, bot_username)["message"]
        edited["edit_date"] = self._now()
        return {"edited_message": edited}

    def document(
        self,
        from_user: dict[str, Any],
        chat: dict[str, Any],
        document: dict[str, Any],
        caption: str | None = None,
    ) -> dict[str, Any]:
        """A file message; ``document`` as ``FakeBotApi.put_file`` returns it."""
        extra = {} if caption is None else {"caption": caption}
        return self.content(from_user, chat, {"document": document} | extra)

    def content(
        self, from_user: dict[str, Any], chat: dict[str, Any], content: dict[str, Any]
    ) -> dict[str, Any]:
        """A message of any kind: ``content`` holds its fields as Telegram sends them
        (``photo``, ``sticker``, ``voice``, ``caption`` …)."""
        return {"message": self._message(from_user, chat) | content}
