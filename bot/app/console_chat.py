"""Chat with the bot from a terminal, offline, as several simulated teachers.

It only talks to a running FakeBotApi: typed lines become updates, and the bot's API calls
are printed as they are recorded. The bot itself (a PTB Application) long-polls the same
fake, so the whole production update path runs without Telegram.
"""

import asyncio
import contextlib
import html
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.fakeapi.server import ApiCall, FakeBotApi
from bot.fakeapi.update_factory import UpdateFactory, group_chat, private_chat, user

GROUP = group_chat(-100555, "Project group")
_SHOWN = frozenset(
    {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument", "sendPhoto"}
)
_BOLD_TAG = re.compile(r"<(/?)(?:b|strong)>", re.IGNORECASE)
_LINK_TAG = re.compile(r"""<a\s[^>]*href=["']([^"']*)["'][^>]*>(.*?)</a>""", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]+>")

HELP = """\
Type a message to send it as the current teacher in the current chat.
  :as <name>           speak as another teacher (prefix match)
  :new <name> <lang>   add a teacher (joins the project group)
  :private / :group    switch chat
  :add / :kick         add the bot to / remove it from the group
  :<n>                 press button n of the newest message with buttons here
  :open <t.me link>    open a link to the bot, like pressing such a button
  :who                 list teachers
  :quit                leave"""


def render_html(text: str, *, color: bool = False) -> str:
    """Telegram HTML as terminal text: links keep their target, <b> is ANSI bold in color."""
    text = _LINK_TAG.sub(lambda m: f"{m[2]} ({html.unescape(m[1])})", text)
    if color:
        text = _BOLD_TAG.sub(lambda m: "\033[0m" if m[1] else "\033[1m", text)
    return html.unescape(_ANY_TAG.sub("", text))


def _buttons(markup: Any) -> list[dict[str, Any]]:
    """Inline buttons in reading order; ``:<n>`` and the printed numbers both use this order."""
    if not isinstance(markup, dict):
        return []
    return [button for row in markup.get("inline_keyboard", []) for button in row]


class _Console:
    """State of one console session: who speaks, where, and what the bot last showed."""

    def __init__(self, fake: FakeBotApi, write: Callable[[str], None], color: bool) -> None:
        self.fake = fake
        self.write = write
        self.color = color
        self.updates = UpdateFactory()
        self.teachers = [
            user(101, "Anna", "lv"),
            user(102, "Jonas", "lt"),
            user(103, "Maria", "en", last_name="Silva"),
        ]
        statuses = ("creator", "administrator", "member")
        for teacher, status in zip(self.teachers, statuses, strict=True):
            fake.set_chat_member(GROUP["id"], teacher, status)
        self.current = self.teachers[0]
        self.in_group = False
        self.commands: dict[str, Callable[[str], None]] = {
            "help": lambda _arg: self.write_lines(HELP),
            "as": self.switch_teacher,
            "new": self.new_teacher,
            "group": lambda _arg: self.switch_chat(in_group=True),
            "private": lambda _arg: self.switch_chat(in_group=False),
            "add": lambda _arg: self.add_bot(),
            "kick": lambda _arg: self.kick_bot(),
            "open": self.open_link,
            "who": lambda _arg: self.list_teachers(),
        }

    # --- input -----------------------------------------------------------------------------

    @property
    def chat(self) -> dict[str, Any]:
        return GROUP if self.in_group else private_chat(self.current)

    def write_lines(self, text: str) -> None:
        for line in text.splitlines():
            self.write(line)

    def prompt(self) -> None:
        self.write(f"{self.current['first_name']}@{'group' if self.in_group else 'private'}> ")

    def say(self, text: str, chat: dict[str, Any] | None = None) -> None:
        payload = self.updates.text(self.current, chat or self.chat, text, self.fake.bot_username)
        self.fake.add_update(payload)

    def command(self, line: str) -> None:
        name, _, arg = line[1:].strip().partition(" ")
        if name.isdigit():
            self.press(int(name))
        elif handler := self.commands.get(name.lower()):
            handler(arg.strip())
        else:
            self.write(f"Unknown command :{name} — try :help")

    def switch_teacher(self, name: str) -> None:
        matches = [w for w in self.teachers if w["first_name"].lower().startswith(name.lower())]
        if not name or len(matches) != 1:
            self.write(f"No single teacher matches {name!r}; :who lists them")
            return
        self.current = matches[0]
        self.prompt()

    def new_teacher(self, arg: str) -> None:
        parts = arg.split()
        if len(parts) != 2:
            self.write("Usage: :new <name> <language code>")
            return
        teacher = user(max(w["id"] for w in self.teachers) + 1, parts[0], parts[1])
        self.teachers.append(teacher)
        self.fake.set_chat_member(GROUP["id"], teacher)
        if self.bot_in_group():
            self.fake.add_update(self.updates.member_joined(teacher, GROUP))
        self.current = teacher
        self.prompt()

    def switch_chat(self, *, in_group: bool) -> None:
        self.in_group = in_group
        self.prompt()

    def list_teachers(self) -> None:
        for who in self.teachers:
            mark = "*" if who is self.current else " "
            status = self.fake.member_status(GROUP["id"], who["id"])
            self.write(
                f"{mark} {who['first_name']} ({who['language_code']}, id {who['id']}, {status})"
            )

    def bot_in_group(self) -> bool:
        return self.fake.member_status(GROUP["id"], self.fake.bot_id) not in (
            None,
            "left",
            "kicked",
        )

    def add_bot(self) -> None:
        for payload in self.updates.bot_added(self.current, GROUP, self.fake.bot_user):
            self.fake.add_update(payload)

    def kick_bot(self) -> None:
        if not self.bot_in_group():
            self.write(f"The bot is not in {GROUP['title']}")
            return
        old = self.fake.member_status(GROUP["id"], self.fake.bot_id) or "member"
        payload = self.updates.bot_removed(self.current, GROUP, self.fake.bot_user, old_status=old)
        self.fake.add_update(payload)

    def press(self, number: int) -> None:
        with_buttons = [
            m for m in self.fake.messages(self.chat["id"]) if _buttons(m.get("reply_markup"))
        ]
        if not with_buttons:
            self.write("No message with buttons in this chat")
            return
        message = with_buttons[-1]
        buttons = _buttons(message["reply_markup"])
        if not 1 <= number <= len(buttons):
            self.write(f"Buttons are numbered 1–{len(buttons)}")
            return
        button = buttons[number - 1]
        if "callback_data" in button:
            payload = self.updates.callback(self.current, message, button["callback_data"])
            self.fake.add_update(payload)
        elif "url" in button:
            self.open_link(button["url"])
        else:
            self.write(f"Button {button['text']!r} does nothing in the console")

    def open_link(self, url: str) -> None:
        """t.me deep links to the bot behave like in Telegram; other links are just shown."""
        parts = urlsplit(url if "://" in url else f"https://{url}")
        bot = self.fake.bot_username
        if (
            parts.hostname not in ("t.me", "telegram.me")
            or parts.path.strip("/").lower() != bot.lower()
        ):
            self.write(f"[link] {url}")
            return
        query = parse_qs(parts.query)
        if "startgroup" in query:
            if not self.bot_in_group():
                self.add_bot()
            self.in_group = True
            # Telegram puts the bot's name on the command, then the payload.
            self.say(f"/start@{bot} {query['startgroup'][0]}")
        else:
            self.in_group = False
            self.say(f"/start {query.get('start', [''])[0]}".rstrip())
        self.prompt()

    # --- output ----------------------------------------------------------------------------

    async def watch(self) -> None:
        """Print each bot message as its API call is recorded (no polling)."""
        seq = self.fake.last_seq
        while True:
            call = await self.fake.wait_for(
                lambda c: c.method in _SHOWN and c.ok, after=seq, timeout=None
            )
            seq = call.seq
            self.show(call)

    def show(self, call: ApiCall) -> None:
        edited = " (edited)" if call.method.startswith("edit") else ""
        self.write(f"[{self.chat_label(call.chat_id)} ← bot]{edited}")
        params = call.params
        if call.method in ("sendDocument", "sendPhoto"):
            kind = "document" if call.method == "sendDocument" else "photo"
            if kind in call.files:
                name, data = call.files[kind]
                size = len(data)
            else:  # re-sent by file_id: the fake's stub knows the size
                stub = call.result[kind]
                stub = stub[-1] if isinstance(stub, list) else stub
                name, size = stub.get("file_name", kind), stub.get("file_size", 0)
            self.write(f"[file: {name}, {size} bytes]")
        body = str(params.get("text") or params.get("caption") or "")
        if str(params.get("parse_mode") or "").lower() == "html":
            body = render_html(body, color=self.color)
        if body:
            self.write(body)
        labels = [
            f"[{i}] {b['text']}{' ↗' if 'url' in b else ''}"
            for i, b in enumerate(_buttons(params.get("reply_markup")), start=1)
        ]
        if labels:
            self.write("  ".join(labels))

    def chat_label(self, chat_id: int | None) -> str:
        if chat_id == GROUP["id"]:
            return str(GROUP["title"])
        names = {w["id"]: str(w["first_name"]) for w in self.teachers}
        return names.get(chat_id or 0, str(chat_id))


async def chat_loop(
    fake: FakeBotApi,
    read_line: Callable[[], Awaitable[str | None]],
    write: Callable[[str], None],
    *,
    color: bool = False,
) -> None:
    """Run the console until ``:quit`` or end of input.

    ``write`` receives whole lines (without a trailing newline); ``read_line`` returns None
    at end of input.
    """
    console = _Console(fake, write, color)
    watcher = asyncio.create_task(console.watch())
    console.prompt()
    try:
        while (line := await read_line()) is not None:
            line = line.strip()
            if line == ":quit":
                break
            if line.startswith(":"):
                console.command(line)
            elif line and console.in_group and not console.bot_in_group():
                write(f"(the bot is not in {GROUP['title']} and sees nothing; :add adds it)")
            elif line:
                console.say(line)
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
