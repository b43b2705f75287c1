"""The console drives a real PTB Application through the fake Bot API."""

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.app.console_chat import chat_loop, render_html
from bot.fakeapi.server import FakeBotApi

Step = str | Callable[[], Awaitable[object]]


class Transcript:
    """Collects console output; script steps await lines instead of sleeping."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._cursor = 0  # expectations match in order, each after the previous match
        self._changed = asyncio.Event()

    def write(self, line: str) -> None:
        self.lines.append(line)
        self._changed.set()

    def expect(self, needle: str) -> Callable[[], Awaitable[None]]:
        """A script step that waits for the next output line containing ``needle``."""

        async def step() -> None:
            async with asyncio.timeout(3):
                while True:
                    self._changed.clear()
                    for i in range(self._cursor, len(self.lines)):
                        if needle in self.lines[i]:
                            self._cursor = i + 1
                            return
                    await self._changed.wait()

        return step


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if context.args:
        await update.effective_message.reply_text(f"args: {' '.join(context.args)}")
        return
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Pick", callback_data="pick")],
            [InlineKeyboardButton("Open", url="https://t.me/TwinCoachBot?start=abc")],
        ]
    )
    name = update.effective_user.first_name
    await update.effective_message.reply_html(
        f"Hello <b>{name}</b> &amp; co", reply_markup=keyboard
    )


async def picked(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer()
    # Telegram drops the keyboard on a text edit unless it is sent again.
    await query.edit_message_text(
        f"Picked by {update.effective_user.first_name}", reply_markup=query.message.reply_markup
    )


@pytest.fixture
async def fake():
    async with FakeBotApi() as api:
        app = (
            Application.builder()
            .token("123456:TEST")
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
            .build()
        )
        app.add_handler(CommandHandler("start", start))
        app.add_handler(CallbackQueryHandler(picked))
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0)
            yield api
            await app.updater.stop()
            await app.stop()


async def run(fake: FakeBotApi, out: Transcript, script: list[Step]) -> None:
    async def read_line() -> str | None:
        while script:
            step = script.pop(0)
            if isinstance(step, str):
                return step
            await step()
        return None

    await asyncio.wait_for(chat_loop(fake, read_line, out.write), 4)


async def test_buttons_edits_deep_links_and_switching(fake):
    out = Transcript()
    await run(
        fake,
        out,
        [
            "/start",
            out.expect("[1] Pick  [2] Open ↗"),
            ":1",
            out.expect("Picked by Anna"),
            ":2",
            out.expect("args: abc"),
            ":as jon",
            ":add",
            ":group",
            "/start",
            out.expect("Hello Jonas & co"),
            ":quit",
            "never read",
        ],
    )

    text = "\n".join(out.lines)
    assert "[Anna ← bot]\nHello Anna & co\n[1] Pick  [2] Open ↗" in text
    assert "[Anna ← bot] (edited)\nPicked by Anna" in text
    assert "Jonas@private> " in out.lines
    assert "Jonas@group> " in out.lines
    assert "[Project group ← bot]\nHello Jonas & co" in text
    deep_link = next(c for c in fake.calls if c.params.get("text") == "args: abc")
    assert deep_link.chat_id == 101
    answered = [c for c in fake.calls if c.method == "answerCallbackQuery"]
    assert [c.ok for c in answered] == [True]


async def test_startgroup_link_adds_bot_and_starts_in_group(fake):
    out = Transcript()
    await run(
        fake,
        out,
        [
            ":group",
            "hello?",
            ":open t.me/TwinCoachBot?startgroup=xyz",
            out.expect("[Project group ← bot]"),
            ":who",
            ":nope",
        ],
    )

    assert any("bot is not in Project group" in line for line in out.lines)
    assert "args: xyz" in out.lines
    assert fake.member_status(-100555, fake.bot_id) == "member"
    assert "* Anna (lv, id 101, creator)" in out.lines
    assert out.lines[-1].startswith("Unknown command :nope")


def test_render_html():
    html = 'A <b>bold</b> <a href="https://x.org/?a=1&amp;b=2">link</a> &lt;3'
    assert render_html(html) == "A bold link (https://x.org/?a=1&b=2) <3"
    assert render_html("<b>x</b>", color=True) == "\033[1mx\033[0m"
    # a moment in each reader's clock: the terminal shows the text inside, as old clients do
    moment = '<tg-time unix="1797631140" format="wDt">Fri 18 Dec, 23:59 (Rīga) &amp; co</tg-time>'
    assert render_html(f"Due {moment}.") == "Due Fri 18 Dec, 23:59 (Rīga) & co."
