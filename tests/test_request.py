"""Bot API requests over aiohttp (bot/request.py), through python-telegram-bot's own
request layer, against the loopback fake: answers, uploads, errors and time-outs."""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import BasicAuth
from aiohttp.helpers import get_env_proxy_for_url
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from yarl import URL

from bot import request as request_module
from bot.app.application import build_application
from bot.fakeapi.server import FakeBotApi
from bot.request import AiohttpRequest, UpdatesRequest
from storage.db import Database
from tests.conftest import TOKEN, settings_for
from tests.processes import free_port


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[Bot]:
    request = AiohttpRequest(connections=2)
    async with Bot(TOKEN, base_url=fake.base_url, request=request) as bot:
        yield bot


async def test_parameters_arrive_as_ptb_encodes_them(fake: FakeBotApi, bot: Bot):
    sent = await bot.send_message(501, "<b>42</b> & more", parse_mode="HTML")
    assert sent.text == "42 & more" and sent.chat.id == 501
    call = fake.calls[-1]
    assert call.method == "sendMessage" and call.params["chat_id"] == 501
    assert call.params["text"] == "<b>42</b> & more"


async def test_a_call_without_files_is_one_json_body_as_telegram_reads_it():
    """The Bot API takes application/json for any call but an upload: the buttons as an
    object (not a JSON string inside a form field), flags as booleans, ids as numbers."""
    seen: dict[str, Any] = {}

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        headers = dict(line.split(": ", 1) for line in head.split("\r\n")[1:] if ": " in line)
        headers = {k.lower(): v for k, v in headers.items()}
        sent = await reader.readexactly(int(headers.get("content-length", 0)))
        result: object = True
        if "/getMe " in head:  # `async with Bot` asks who it is first
            result = {"id": 1, "is_bot": True, "first_name": "Bot", "username": "bot"}
        else:
            seen["type"], seen["body"] = headers["content-type"], sent
        body = json.dumps({"ok": True, "result": result}).encode()
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("2", callback_data="quiz:s_x:2")]])
    try:
        async with Bot(
            TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=AiohttpRequest()
        ) as bot:
            await bot.edit_message_reply_markup(
                chat_id=501, message_id=7, reply_markup=keyboard, read_timeout=3
            )
    finally:
        server.close()
    assert str(seen["type"]).startswith("application/json"), seen
    assert json.loads(seen["body"]) == {
        "chat_id": 501,
        "message_id": 7,
        "reply_markup": {"inline_keyboard": [[{"text": "2", "callback_data": "quiz:s_x:2"}]]},
    }


async def test_a_file_is_uploaded_with_its_name_and_the_other_fields(fake: FakeBotApi, bot: Bot):
    await bot.send_document(501, b"BEGIN:VCALENDAR", filename="team.ics", caption="dates")
    call = fake.calls[-1]
    assert call.method == "sendDocument" and call.params["caption"] == "dates"
    assert call.files["document"] == ("team.ics", b"BEGIN:VCALENDAR")


async def test_telegrams_errors_keep_their_meaning(fake: FakeBotApi, bot: Bot):
    fake.fail_next("sendMessage", error_code=500, description="Internal Server Error")
    with pytest.raises(NetworkError):
        await bot.send_message(501, "answered with 500")
    fake.fail_next("sendMessage", error_code=429, description="Too Many Requests", retry_after=3)
    with pytest.raises(RetryAfter) as flood:
        await bot.send_message(501, "too many")
    assert flood.value.retry_after == 3
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(501, "")
    await bot.send_message(501, "fine again")
    assert [m["text"] for m in fake.messages(501)] == ["fine again"]


async def test_the_environments_proxy_carries_every_call_and_is_looked_up_once(
    fake: FakeBotApi, monkeypatch: pytest.MonkeyPatch
):
    """HTTP_PROXY (and the like) is honoured, as with httpx: a Bot API address that does
    not resolve is reached through the proxy (a forwarding one to the fake); the
    environment is read once, not for every call."""
    unreachable = "http://bot-api.invalid"

    async def forward(client: asyncio.StreamReader, to_client: asyncio.StreamWriter) -> None:
        from_fake, to_fake = await asyncio.open_connection("127.0.0.1", fake.port)

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter, fix: bool) -> None:
            while chunk := await source.read(65536):  # a proxy's request line names the host
                sink.write(chunk.replace(f" {unreachable}/".encode(), b" /") if fix else chunk)
            sink.close()

        await asyncio.gather(pipe(client, to_fake, True), pipe(from_fake, to_client, False))

    proxy = await asyncio.start_server(forward, "127.0.0.1", 0)
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{proxy.sockets[0].getsockname()[1]}")
    looked_up = []

    def lookup(url: URL) -> tuple[URL, BasicAuth | None]:
        looked_up.append(url.host)
        return get_env_proxy_for_url(url)

    monkeypatch.setattr(request_module, "get_env_proxy_for_url", lookup)
    async with (
        proxy,
        Bot(TOKEN, base_url=f"{unreachable}/bot", request=AiohttpRequest(connections=2)) as bot,
    ):
        await asyncio.gather(*(bot.send_message(503, f"via the proxy {n}") for n in range(3)))
    assert [m["text"] for m in fake.messages(503)] == [f"via the proxy {n}" for n in range(3)]
    assert looked_up == ["bot-api.invalid"]


async def test_a_slow_answer_times_out_and_frees_its_connection(fake: FakeBotApi, bot: Bot):
    fake.delay_next("sendMessage", seconds=1.0)
    with pytest.raises(TimedOut):
        await bot.send_message(501, "too slow", read_timeout=0.2)
    await asyncio.gather(*(bot.send_message(502, f"after {n}") for n in range(4)))
    assert len(fake.messages(502)) == 4


async def test_a_slow_call_holds_up_no_other_call(fake: FakeBotApi, bot: Bot):
    fake.delay_next("sendMessage", seconds=1.5)
    slow = asyncio.create_task(bot.send_message(501, "slow"))
    await fake.wait_for(lambda c: c.method == "sendMessage", after=0)
    for n in range(3):  # one after another, each on the second connection
        await bot.send_message(502, f"quick {n}")
    assert not slow.done()  # none of them waited behind the slow call
    await slow
    assert [m["text"] for m in fake.messages(502)] == ["quick 0", "quick 1", "quick 2"]


async def test_with_every_connection_busy_a_call_waits_and_then_gives_up_unsent(
    fake: FakeBotApi,
):
    request = AiohttpRequest(connections=1)
    async with Bot(TOKEN, base_url=fake.base_url, request=request) as bot:
        fake.delay_next("sendMessage", seconds=1.0)
        slow = asyncio.create_task(bot.send_message(501, "slow"))
        await fake.wait_for(lambda c: c.method == "sendMessage", after=0)
        with pytest.raises(TimedOut):
            # waiting for a connection and connecting: 0.2 s in all, the slow call takes 1 s
            await bot.send_message(502, "no connection", pool_timeout=0.1, connect_timeout=0.1)
        await slow
        await bot.send_message(502, "a connection is free")
        assert [m["text"] for m in fake.messages(502)] == ["a connection is free"]  # once


async def test_a_refused_connection_is_a_network_error():
    request = AiohttpRequest()
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{free_port()}/bot", request=request)
    await request.initialize()
    with pytest.raises(NetworkError, match="aiohttp"):
        await bot.send_message(501, "nobody there")
    await request.shutdown()


async def test_requests_need_initialising_and_can_start_again_after_shutdown(fake: FakeBotApi):
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(f"{fake.base_url}{TOKEN}/getMe", "POST")
    for _ in range(2):
        await request.initialize()
        status, body = await request.do_request(f"{fake.base_url}{TOKEN}/getMe", "POST")
        assert status == 200 and json.loads(body)["result"]["is_bot"] is True
        await request.shutdown()


async def test_a_connection_the_server_closed_while_idle_is_replaced():
    """Telegram drops idle keep-alive connections; the next call must not fail."""
    connections = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        )
        await reader.readexactly(length)
        body = json.dumps({"ok": True, "result": True}).encode()
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.close()  # keep-alive was offered, and now the server drops it

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    url = f"http://127.0.0.1:{port}/bot{TOKEN}/deleteWebhook"
    try:
        for _ in range(3):
            assert (await request.do_request(url, "POST"))[0] == 200
            await asyncio.sleep(0.2)
    finally:
        await request.shutdown()
        server.close()
    assert connections == 3


async def _a_press_and_a_command(fake: FakeBotApi, bot: Bot) -> None:
    """Queue a button press and a command, fetch them through `bot`'s getUpdates, and check
    that the message under the button lost its buttons and entities (handlers read its
    chat, id and text) while the command kept the entity CommandHandler needs."""
    teacher = {"id": 501, "is_bot": False, "first_name": "Ana", "language_code": "es"}
    chat = {"id": 501, "type": "private", "first_name": "Ana"}
    shown = {
        "message_id": 9,
        "from": fake.bot_user,
        "chat": chat,
        "date": 1_700_000_000,
        "text": "Quiz 12/20",
        "entities": [{"type": "bold", "offset": 0, "length": 4}],
        "reply_markup": {"inline_keyboard": [[{"text": "3", "callback_data": "quiz:q:3"}]]},
    }
    command = {
        "message_id": 10,
        "from": teacher,
        "chat": chat,
        "date": 1_700_000_001,
        "text": "/quiz",
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
    }
    press = {"id": "cbq-1", "from": teacher, "message": shown, "chat_instance": "c", "data": "q:3"}
    fake.add_update({"callback_query": press})
    fake.add_update({"message": command})
    pressed, written = await bot.get_updates(timeout=0)
    query = pressed.callback_query
    assert query is not None and query.data == "q:3" and query.from_user.language_code == "es"
    message = query.message
    assert isinstance(message, Message)
    assert (message.chat.id, message.message_id, message.text) == (501, 9, "Quiz 12/20")
    assert message.reply_markup is None and message.entities == ()
    assert written.message is not None and written.message.text == "/quiz"
    assert [e.to_dict() for e in written.message.entities] == command["entities"]


async def test_a_pressed_message_comes_without_what_nothing_reads(fake: FakeBotApi):
    request = UpdatesRequest(connections=1)
    async with Bot(TOKEN, base_url=fake.base_url, get_updates_request=request) as bot:
        await _a_press_and_a_command(fake, bot)


async def test_the_bot_polls_through_that_request(fake: FakeBotApi, db: Database, db_url: str):
    app = build_application(settings_for(fake, db_url), db)
    async with app.bot:
        await _a_press_and_a_command(fake, app.bot)
