"""The Bot API transport: each request on the least busy of its one-connection pools,
through python-telegram-bot's own request layer, against the loopback fake."""

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest

from bot.fakeapi.server import FakeBotApi
from bot.transport import SpreadTransport
from tests.conftest import TOKEN


@pytest.fixture
def spread() -> SpreadTransport:
    return SpreadTransport(2)


@pytest.fixture
async def bot(fake: FakeBotApi, spread: SpreadTransport) -> AsyncIterator[Bot]:
    request = HTTPXRequest(read_timeout=5, httpx_kwargs={"transport": spread})
    async with Bot(TOKEN, base_url=fake.base_url, request=request) as bot:
        yield bot


async def test_a_slow_call_holds_up_no_other_call(
    fake: FakeBotApi, bot: Bot, spread: SpreadTransport
):
    fake.delay_next("sendMessage", seconds=1.5)
    slow = asyncio.create_task(bot.send_message(501, "slow"))
    await fake.wait_for(lambda c: c.method == "sendMessage", after=0)
    assert spread.in_flight == 1
    for n in range(3):  # one after another, each on the free connection
        await bot.send_message(502, f"quick {n}")
    assert not slow.done()  # none of them waited behind the slow call
    await slow
    assert spread.in_flight == 0
    assert [m["text"] for m in fake.messages(502)] == ["quick 0", "quick 1", "quick 2"]


async def test_every_connection_is_free_again_after_errors_and_time_outs(
    fake: FakeBotApi, bot: Bot, spread: SpreadTransport
):
    fake.fail_next("sendMessage", error_code=500, description="Internal Server Error")
    with pytest.raises(NetworkError):
        await bot.send_message(501, "answered with 500")
    assert spread.in_flight == 0
    fake.delay_next("sendMessage", seconds=1.0)
    with pytest.raises(TimedOut):
        await bot.send_message(501, "too slow", read_timeout=0.2)
    assert spread.in_flight == 0
    await asyncio.gather(*(bot.send_message(501, f"after {n}") for n in range(4)))
    assert spread.in_flight == 0


async def test_a_refused_connection_frees_its_slot(spread: SpreadTransport):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = HTTPXRequest(httpx_kwargs={"transport": spread})
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=request)
    with pytest.raises(NetworkError):
        await bot.get_me()
    assert spread.in_flight == 0
    await spread.aclose()
