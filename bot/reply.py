"""What a handler decides to send, built inside the database session and sent afterwards.

Handlers compute a `Reply` (messages, buttons, next dialog state) in one synchronous
function that has the session; the async shell then sends it. This keeps one session per
update and keeps Telegram I/O out of transactions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Html


@dataclass(frozen=True)
class Button:
    text: str
    data: str | None = None  # callback data
    url: str | None = None


Keyboard = list[list[Button]]


def markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    """Our buttons as Telegram's inline keyboard (None for no buttons)."""
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.text, callback_data=b.data, url=b.url) for b in row]
            for row in keyboard
        ]
    )


def markup_data(keyboard: Keyboard) -> dict[str, Any] | None:
    """`markup(keyboard)` as the Bot API reads it (InlineKeyboardMarkup.to_dict()), built
    without the PTB objects: an edit, a press's reply, sends it as it is (bot/send.py).
    Making and then flattening ten PTB buttons a press was about 4 % of its CPU."""
    if not keyboard:
        return None
    return {"inline_keyboard": [[_button_data(b) for b in row] for row in keyboard]}


def _button_data(button: Button) -> dict[str, str]:
    """One button as InlineKeyboardButton.to_dict() gives it: the fields that are set."""
    data = {"text": button.text}
    if button.data is not None:
        data["callback_data"] = button.data
    if button.url is not None:
        data["url"] = button.url
    return data


@dataclass(frozen=True)
class Document:
    filename: str
    content: bytes


@dataclass
class Message:
    """One message: to the update's chat when `chat_id` is None, else to that chat."""

    text: Html
    buttons: Keyboard = field(default_factory=list)
    chat_id: int | None = None
    edit: bool = False  # replace the message whose button was pressed
    edit_id: int | None = None  # replace this earlier message in `chat_id` instead
    document: Document | None = None
    photo: Callable[[], bytes] | None = None  # drawn off the loop when sent; `text` is its caption
    remember_as: tuple[str, int] | None = None  # (kind, project id): keep the id to edit later
    thread_id: int | None = None  # a forum group's topic


@dataclass
class Reply:
    messages: list[Message] = field(default_factory=list)
    state: object = None  # the next ConversationHandler state, where a dialog uses it
    alert: str | None = None  # a short pop-up answer to a pressed button
    menu_language: str | None = None  # set this chat's command menu to that language
    clear_buttons: bool = False  # take the buttons off the message whose button was pressed

    def say(
        self, text: Html, buttons: Keyboard | None = None, *, chat_id: int | None = None
    ) -> Reply:
        self.messages.append(Message(text, buttons or [], chat_id))
        return self

    def edit(self, text: Html, buttons: Keyboard | None = None) -> Reply:
        self.messages.append(Message(text, buttons or [], edit=True))
        return self


def clip(label: str, limit: int) -> str:
    """A button label cut to `limit` characters, with "…" where it was cut, so a teacher
    can tell a shortened label from a whole one."""
    if len(label) <= limit:
        return label
    return label[: limit - 1].rstrip() + "…"


def rows(buttons: list[Button], per_row: int = 2) -> Keyboard:
    """Lay buttons out in rows of `per_row` (phones show two or three side by side)."""
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
