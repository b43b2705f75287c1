"""The fake Bot API must look like Telegram to PTB's real request layer."""

import asyncio
import re
import time
from datetime import UTC, datetime

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    ChatMemberAdministrator,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageEntity,
    Update,
)
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.fakeapi.server import FakeBotApi, RateLimits
from bot.fakeapi.update_factory import UpdateFactory, group_chat, private_chat, user

TOKEN = "123456:TEST"
ANNA = user(101, "Anna", "lv")
GROUP = group_chat(-100555, "Project group")


@pytest.fixture
async def fake():
    async with FakeBotApi() as api:
        yield api


@pytest.fixture
async def bot(fake):
    async with Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url) as b:
        yield b


async def test_get_me(bot, fake):
    me = await bot.get_me()
    assert me.username == "TwinCoachBot"
    assert me.id == fake.bot_id
    assert me.can_join_groups is True


async def test_send_message_decodes_markup_and_parses_html(bot, fake):
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Yes", callback_data="y"),
                InlineKeyboardButton("No", url="https://x.org"),
            ]
        ]
    )
    msg = await bot.send_message(
        101, "<b>Hi</b> &amp; 42", parse_mode="HTML", reply_markup=keyboard
    )

    assert msg.text == "Hi & 42"
    assert msg.text_html == "<b>Hi</b> &amp; 42"
    assert msg.chat.type == "private"
    assert msg.message_id > 10_000
    assert msg.reply_markup == keyboard
    call = fake.calls[-1]
    assert call.method == "sendMessage"
    assert call.chat_id == 101
    assert call.params["text"] == "<b>Hi</b> &amp; 42"
    assert call.params["reply_markup"]["inline_keyboard"][0][0] == {
        "text": "Yes",
        "callback_data": "y",
    }
    assert fake.messages(101)[-1]["text"] == "Hi & 42"


async def test_numeric_looking_text_stays_a_string(bot, fake):
    msg = await bot.send_message(-100555, "42")
    assert msg.text == "42"
    assert msg.chat.type == "supergroup"
    assert fake.calls[-1].params["text"] == "42"


async def test_invalid_html_is_rejected_like_telegram(bot):
    # PTB strips "Bad Request: " and str.capitalize()s the rest, lowercasing the details.
    with pytest.raises(BadRequest, match='unsupported start tag "br" at byte offset 2'):
        await bot.send_message(101, "a <br> b", parse_mode="HTML")
    with pytest.raises(BadRequest, match="can't find end tag"):
        await bot.send_message(101, "<b>open", parse_mode="HTML")


async def test_a_date_time_tag_becomes_a_date_time_entity(bot, fake):
    """<tg-time> (Bot API 10): its entity at its UTF-16 offset with the moment and the
    format; the visible text alone counts towards the length."""
    text = (
        '😀 <b>Due</b> <tg-time unix="1797631140" format="wDt">Fri 18 Dec, 23:59 (Rīga)</tg-time>'
    )
    msg = await bot.send_message(-100555, text, parse_mode="HTML")
    moment = msg.entities[-1]
    assert moment.type == MessageEntity.DATE_TIME
    assert (moment.offset, moment.length) == (7, 24)  # the emoji counts two
    assert moment.unix_time == datetime(2026, 12, 18, 21, 59, tzinfo=UTC)
    assert moment.date_time_format == "wDt"
    assert msg.text == "😀 Due Fri 18 Dec, 23:59 (Rīga)"
    assert msg.text_html == text  # PTB writes it back as sent
    stored = fake.messages(-100555)[-1]["entities"][-1]
    assert stored == {
        "type": "date_time",
        "offset": 7,
        "length": 24,
        "unix_time": 1797631140,
        "date_time_format": "wDt",
    }
    plain = await bot.send_message(101, '<tg-time unix="0">then</tg-time>', parse_mode="HTML")
    assert plain.entities[0].date_time_format is None  # no format: the text as written
    long = '<tg-time unix="1797631140" format="r">' + "x" * 4096 + "</tg-time>"
    assert await bot.send_message(101, long, parse_mode="HTML")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<tg-time>soon</tg-time>", 'tag "tg-time" must have an integer attribute "unix"'),
        ('<tg-time unix="">soon</tg-time>', "integer attribute"),
        ('<tg-time unix="17e8">soon</tg-time>', "integer attribute"),
        ('<tg-time unix="-5">soon</tg-time>', "integer attribute"),
        ('<tg-time unix="1.5">soon</tg-time>', "integer attribute"),
        ('<tg-time unix="1890381600">2029</tg-time>', "too far in the future"),  # 1099 days
        ('<tg-time unix="1" format="tw">soon</tg-time>', 'invalid date-time format "tw"'),
        ('<tg-time unix="1" format="rt">soon</tg-time>', "invalid date-time format"),
        ('<tg-time unix="1" format="dD">soon</tg-time>', "invalid date-time format"),
        ('<code><tg-time unix="1">soon</tg-time></code>', 'can\'t be nested in tag "code"'),
        ('<pre>x <tg-time unix="1">soon</tg-time></pre>', 'can\'t be nested in tag "pre"'),
        ('<tg-time unix="1"><code>soon</code></tg-time>', 'tag "code" can\'t be nested'),
        ('<tg-time unix="1">soon', "can't find end tag"),
    ],
)
async def test_a_malformed_date_time_is_refused_like_bad_html(bot, fake, text, error):
    with pytest.raises(BadRequest, match=re.escape(error)):
        await bot.send_message(101, text, parse_mode="HTML")
    assert fake.calls[-1].error is not None and "can't parse entities" in fake.calls[-1].error


async def test_length_is_counted_like_telegram(bot, fake):
    """4,096 UTF-16 code units of text once the tags and entities are parsed; an emoji
    outside the BMP counts two; a caption 1,024; a refusal keeps Telegram's words."""
    assert await bot.send_message(101, "<b>" + "&amp;" * 4096 + "</b>", parse_mode="HTML")
    assert await bot.send_message(101, "😀" * 2048)
    with pytest.raises(BadRequest, match="essage is too long"):
        await bot.send_message(101, "😀" * 2048 + "x")
    assert not fake.calls[-1].ok
    assert fake.calls[-1].error == "Bad Request: message is too long"
    sent = await bot.send_message(101, "short")
    with pytest.raises(BadRequest, match="essage is too long"):
        await bot.edit_message_text("x" * 4097, chat_id=101, message_id=sent.message_id)
    assert await bot.send_document(101, b"x", filename="a.txt", caption="é" * 1024)
    with pytest.raises(BadRequest, match="caption is too long"):
        await bot.send_photo(101, b"x", caption="<i>" + "😀" * 512 + "!</i>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="can't find end tag"):
        await bot.send_message(101, "<b>one\n", parse_mode="HTML")
    assert fake.calls[-1].error is not None and "can't parse entities" in fake.calls[-1].error


async def test_edit_updates_stored_message_and_rejects_noop(bot, fake):
    sent = await bot.send_message(101, "before", reply_markup=InlineKeyboardMarkup([]))
    edited = await bot.edit_message_text("after", chat_id=101, message_id=sent.message_id)

    assert edited.text == "after"
    assert edited.edit_date is not None
    assert fake.message(101, sent.message_id)["text"] == "after"
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("after", chat_id=101, message_id=sent.message_id)
    assert await bot.delete_message(101, sent.message_id)
    assert fake.messages(101) == []


async def test_send_document_records_bytes(bot, fake):
    msg = await bot.send_document(101, b"week plan", filename="plan.txt", caption="Plan")

    assert fake.calls[-1].files == {"document": ("plan.txt", b"week plan")}
    assert msg.document.file_name == "plan.txt"
    assert msg.document.file_size == 9
    assert msg.caption == "Plan"
    again = await bot.send_document(-100555, msg.document.file_id)
    assert again.document.file_name == "plan.txt"


async def test_concurrent_requests_share_the_pool(bot, fake):
    msgs = await asyncio.gather(*(bot.send_message(101, f"m{i}") for i in range(20)))
    assert len({m.message_id for m in msgs}) == 20
    assert len(fake.messages(101)) == 20


async def test_get_updates_long_poll_and_offset(bot, fake):
    factory = UpdateFactory()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await fake.wait_for(lambda c: c.method == "getUpdates")
    added = fake.add_update(factory.text(ANNA, private_chat(ANNA), "hello", "TwinCoachBot"))

    updates = await asyncio.wait_for(poll, 2)
    assert [u.update_id for u in updates] == [added["update_id"]]
    assert updates[0].message.text == "hello"
    assert updates[0].effective_user.language_code == "lv"
    # Unconfirmed updates are delivered again; an offset past them confirms them.
    assert len(await bot.get_updates(timeout=0)) == 1
    assert await bot.get_updates(offset=added["update_id"] + 1, timeout=0) == ()


async def test_blocked_chat_answers_forbidden(bot, fake):
    fake.block_chat(101)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(101, "hi")
    assert fake.calls[-1].ok is False
    fake.unblock_chat(101)
    await bot.send_message(101, "hi")


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_fail_next_429_raises_retry_after(bot, fake):
    fake.fail_next(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 3", retry_after=3
    )
    with pytest.raises(RetryAfter, match="Retry in 3"):
        await bot.send_message(101, "hi")
    assert (await bot.send_message(101, "hi")).text == "hi"


async def test_commands_are_kept_per_scope_and_language(bot, fake):
    await bot.set_my_commands([BotCommand("start", "Start")])
    await bot.set_my_commands([BotCommand("start", "Sākt")], language_code="lv")
    await bot.set_my_commands([BotCommand("plan", "Plan")], scope=BotCommandScopeAllGroupChats())

    assert fake.commands(language_code="lv") == [{"command": "start", "description": "Sākt"}]
    assert fake.commands({"type": "all_group_chats"})[0]["command"] == "plan"
    assert (await bot.get_my_commands())[0].description == "Start"
    await bot.delete_my_commands(language_code="lv")
    assert await bot.get_my_commands(language_code="lv") == ()


async def test_get_chat_member_statuses(bot, fake):
    jonas, maria, tom = user(102, "Jonas", "lt"), user(103, "Maria"), user(104, "Tom")
    fake.set_chat_member(-100555, ANNA, "creator")
    fake.set_chat_member(-100555, jonas, "administrator")
    fake.set_chat_member(-100555, maria)
    fake.set_chat_member(-100555, tom, "left")

    assert isinstance(await bot.get_chat_member(-100555, 101), ChatMemberOwner)
    assert isinstance(await bot.get_chat_member(-100555, 102), ChatMemberAdministrator)
    assert isinstance(await bot.get_chat_member(-100555, 103), ChatMemberMember)
    assert isinstance(await bot.get_chat_member(-100555, 104), ChatMemberLeft)
    assert isinstance(await bot.get_chat_member(-100555, 999), ChatMemberMember)
    assert isinstance(await bot.get_chat_member(-100555, fake.bot_id), ChatMemberMember)
    admins = await bot.get_chat_administrators(-100555)
    assert {a.user.first_name for a in admins} == {"Anna", "Jonas"}


async def test_bot_kicked_from_group_cannot_send(bot, fake):
    factory = UpdateFactory()
    for payload in factory.bot_added(ANNA, GROUP, fake.bot_user):
        fake.add_update(payload)
    assert (await bot.get_chat(-100555)).title == "Project group"
    await bot.send_message(-100555, "hello group")

    fake.add_update(factory.bot_removed(ANNA, GROUP, fake.bot_user))
    with pytest.raises(Forbidden, match="kicked"):
        await bot.send_message(-100555, "still here?")


async def test_application_polling_answers_start_command(fake):
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(f"hi {' '.join(context.args)}")

    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    factory = UpdateFactory()
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0)
        fake.add_update(
            factory.text(ANNA, private_chat(ANNA), "/start@TwinCoachBot x", "TwinCoachBot")
        )
        reply = await fake.wait_for(lambda c: c.method == "sendMessage")
        await app.updater.stop()
        await app.stop()

    assert reply.params["text"] == "hi x"
    assert reply.chat_id == 101


class _Clock:
    """A hand-moved monotonic clock, so the rate-limit tests never sleep."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _seconds(error: RetryAfter) -> float:
    wait = error.retry_after
    return wait if isinstance(wait, int) else wait.total_seconds()


async def test_no_rate_limits_by_default(bot, fake):
    await asyncio.gather(*(bot.send_message(-100555, f"m{i}") for i in range(40)))
    assert fake.too_many == 0


async def test_overall_limit_is_a_sliding_one_second_window(bot, fake):
    clock = _Clock()
    fake.limits = RateLimits(per_second=30, group_per_minute=20, clock=clock)
    for i in range(30):
        await bot.send_message(1000 + i, "hi")  # 30 private chats: only the overall limit
        clock.now += 0.01
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(2000, "one too many")
    assert _seconds(refused.value) == 1
    assert fake.too_many == 1
    assert fake.calls[-1].ok is False and fake.messages(2000) == []
    # Edits are not counted: only new messages are.
    await bot.edit_message_text("edited", chat_id=1000, message_id=100_001)

    clock.now = 1000.0 + 1.0  # the first send left the window, one slot is free again
    await bot.send_message(2000, "now")
    with pytest.raises(RetryAfter):
        await bot.send_message(2001, "not yet")
    clock.now += 0.01  # ... and the second send leaves it
    await bot.send_message(2001, "now")
    assert fake.too_many == 2


async def test_group_limit_is_twenty_a_minute_per_group(bot, fake):
    clock = _Clock()
    fake.limits = RateLimits(per_second=30, group_per_minute=20, clock=clock)
    for i in range(20):
        await bot.send_message(-100555, f"m{i}")
        clock.now += 1.5  # well under 30/s: only the group window can refuse
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(-100555, "m20")
    assert _seconds(refused.value) == 30  # now = +30 s; the first send leaves the minute at +60 s
    await bot.send_message(-100666, "another group is not held up")
    await bot.send_message(101, "nor is a private chat")

    clock.now = 1000.0 + 60.0
    await bot.send_message(-100555, "m20")
    assert fake.too_many == 1
    assert len(fake.messages(-100555)) == 21


async def test_429_body_is_telegrams(fake):
    """The raw answer, as Telegram sends it; PTB reads parameters.retry_after from it."""
    clock = _Clock()
    fake.limits = RateLimits(per_second=1, clock=clock)
    async with httpx.AsyncClient() as client:
        url = f"{fake.base_url}{TOKEN}/sendMessage"
        assert (await client.post(url, data={"chat_id": "5", "text": "a"})).status_code == 200
        answer = await client.post(url, data={"chat_id": "5", "text": "b"})
    assert answer.status_code == 429
    assert answer.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }


async def test_limits_hold_under_concurrent_sends(bot, fake):
    """60 sends at once on the real clock: no more than 30 get through in a second."""
    fake.limits = RateLimits(per_second=30, group_per_minute=1000)
    started = time.monotonic()
    results = await asyncio.gather(
        *(bot.send_message(3000 + i, "x") for i in range(60)), return_exceptions=True
    )
    elapsed = time.monotonic() - started
    refused = [r for r in results if isinstance(r, RetryAfter)]
    assert len(refused) == fake.too_many
    assert all(isinstance(r, RetryAfter) or r.text == "x" for r in results)
    accepted = 60 - len(refused)
    assert accepted == 30 if elapsed < 1.0 else accepted <= 30 * (int(elapsed) + 1)
