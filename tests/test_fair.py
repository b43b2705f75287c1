"""Fair sharing (issue 16): a chat that must wait for Telegram holds up no other chat, and
too much input from one person or one group is let go.

The flood tests run the bot the way Telegram drives it: updates are queued on the fake Bot
API, which enforces Telegram's limits (RateLimits: 30 a second, 20 a minute per group), and
the application long-polls them through its update processor with its bounded slots.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Callable
from functools import partial

import pytest
from telegram import Update

import bot.app.application
import bot.budget
import bot.outgoing
from bot.app.incoming import ChatOrderedProcessor
from bot.context import TwinApp
from bot.fair import InputLimits
from bot.fakeapi.server import ApiCall, FakeBotApi, RateLimits
from bot.fakeapi.update_factory import UpdateFactory, private_chat, user
from storage.db import Database
from tests.conftest import settings_for
from tests.driver import Driver, Group, Teacher
from tests.test_roles import team_of_three

SENDS = ("sendMessage", "sendDocument", "sendPhoto")


@contextlib.asynccontextmanager
async def polling(app: TwinApp) -> AsyncIterator[None]:
    """The application running and long-polling the fake, as `python -m bot run` does."""
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        yield
    finally:
        await app.updater.stop()
        await app.stop()


def queue(driver: Driver, teacher: Teacher, text: str, group: Group | None = None) -> float:
    """Queue a message on the fake for the polling bot; returns when (perf_counter)."""
    chat = group.chat if group else private_chat(teacher.user)
    fake = driver.fake
    fake.add_update(driver.factory.text(teacher.user, chat, text, fake.bot_username))
    return time.perf_counter()


def sent_to(fake: FakeBotApi, chat_id: int, after: int = 0) -> list[ApiCall]:
    """The messages Telegram accepted into `chat_id` (after seq `after`)."""
    return [c for c in fake.calls[after:] if c.method in SENDS and c.chat_id == chat_id and c.ok]


def reply_in(chat_id: int) -> Callable[[ApiCall], bool]:
    return lambda c: c.method == "sendMessage" and c.chat_id == chat_id and c.ok


def limited(app: TwinApp, clock: Callable[[], float]) -> InputLimits:
    """Input limits on, on a clock the test moves."""
    services = app.bot_data["services"]
    limits = InputLimits(clock)
    app.bot_data["services"] = dataclasses.replace(services, limits=limits)
    return limits


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def quick_shutdown(monkeypatch: pytest.MonkeyPatch) -> None:
    """A group's paced backlog is given up after 2 s, not 5, when a test ends."""
    monkeypatch.setattr(bot.app.application, "SHUTDOWN_SECONDS", 2.0)


# --- item 1: replies leave per chat -------------------------------------------------------


async def test_a_flood_in_a_group_does_not_hold_up_private_chats(
    app: TwinApp, driver: Driver, fake: FakeBotApi
):
    """60 × /help in a group under Telegram's 20 a minute (input limits off, so all 60 are
    answered): the group's replies are paced, the teachers' private /team is not held up."""
    anna, jonas, maria = await team_of_three(driver)
    group = driver.group()
    fake.limits = RateLimits()
    after = fake.last_seq
    async with polling(app):
        for _ in range(60):
            queue(driver, anna, "/help", group)
        for teacher in (jonas, maria, anna, jonas, maria):
            since = fake.last_seq
            asked = queue(driver, teacher, "/team")
            reply = await fake.wait_for(reply_in(teacher.id), after=since, timeout=10)
            assert "Anna" in reply.params["text"]
            assert reply.at - asked < 1.0, f"/team answered after {reply.at - asked:.2f} s"
        await fake.wait_for(lambda c: len(sent_to(fake, group.id, after)) >= 20, after=after)
        await asyncio.sleep(0.5)
        group_replies = sent_to(fake, group.id, after)
        assert len(group_replies) == 20  # Telegram's minute is full; 40 wait their turn
        assert fake.too_many == 0  # paced, never refused
        assert app.outgoing.pending() >= 40


async def test_updates_queued_behind_their_chat_hold_no_slot():
    """Two slots; chat A's first update is busy, two more of A's wait for it: chat B's
    update still gets a slot at once (PTB's own order, slot first, gave both to A)."""
    processor = ChatOrderedProcessor(2)
    busy, ran = asyncio.Event(), []
    factory = UpdateFactory()

    async def handle(name: str) -> None:
        ran.append(name)
        await busy.wait()

    def update(chat_id: int) -> Update:
        who = user(chat_id, f"Teacher {chat_id}")
        return Update.de_json({"update_id": 1, **factory.text(who, private_chat(who), "hi", "B")})

    tasks = [
        asyncio.create_task(processor.process_update(update(chat), handle(name)))
        for chat, name in ((1, "A1"), (1, "A2"), (1, "A3"), (2, "B1"))
    ]
    await asyncio.sleep(0.05)
    assert ran == ["A1", "B1"]
    busy.set()
    await asyncio.gather(*tasks)
    assert ran == ["A1", "B1", "A2", "A3"]


async def test_lanes_make_at_most_one_request_per_connection_at_once():
    """Six chats' replies at once, two connections: two requests on the wire at a time,
    the others wait their turn before the connection pool (whose wait would count
    towards their time-out)."""
    busy, most = 0, 0

    async def request() -> None:
        nonlocal busy, most
        busy += 1
        most = max(most, busy)
        await asyncio.sleep(0.05)
        busy -= 1

    async def failed(_update: object, exc: Exception) -> None:
        raise exc

    outgoing = bot.outgoing.Outgoing(failed, connections=2)
    for chat in range(1, 7):
        outgoing.put([bot.outgoing.Post(chat, lambda lane: lane.call(request))], None)
    assert await outgoing.idle(timeout=5)
    assert most == 2


async def test_one_chat_takes_at_most_a_third_of_the_bots_second():
    """40 messages for one chat and one for another, queued in the same instant (the
    clock does not move): the first chat gets 10, the other its message at once, and
    nothing goes past Telegram's 30 a second."""
    sent: list[int] = []
    never = asyncio.Event()

    async def hold(_seconds: float) -> None:
        await never.wait()  # time stands still

    def post(chat: int) -> bot.outgoing.Post:
        async def send(lane: bot.outgoing.Lane) -> None:
            await lane.call(partial(asyncio.sleep, 0))
            sent.append(chat)

        return bot.outgoing.Post(chat, send)

    async def failed(_update: object, exc: Exception) -> None:
        raise exc

    outgoing = bot.outgoing.Outgoing(failed, 8, clock=lambda: 1_000.0, sleep=hold)
    outgoing.put([post(1) for _ in range(40)], None)
    outgoing.put([post(2)], None)
    await asyncio.sleep(0.05)
    assert sent.count(1) == 10 and sent.count(2) == 1
    await outgoing.close(0)


async def test_replies_of_one_chat_keep_their_order_through_a_429(
    app: TwinApp, driver: Driver, fake: FakeBotApi
):
    """Three updates handled before their replies go out; the first reply meets a 429 (and
    waits 1 s as told): the later ones wait behind it, none overtakes."""
    anna = driver.teacher(101, "Anna", "en")
    await anna.send("/start")
    fake.fail_next("sendMessage", error_code=429, description="Too Many Requests", retry_after=1)
    after = fake.last_seq
    for n, text in enumerate(("/help", "/language", "/start")):
        payload = {
            "update_id": 900 + n,
            **driver.factory.text(anna.user, private_chat(anna.user), text, fake.bot_username),
        }
        await app.process_update(Update.de_json(payload, app.bot))
    await app.replies_sent()
    texts = [c.params["text"] for c in sent_to(fake, anna.id, after)]
    assert len(texts) == 3
    assert "What I can do" in texts[0]
    assert "Choose a language" in texts[1]
    assert "Hello, Anna" in texts[2]


async def test_a_429_in_one_chat_does_not_delay_another(
    fake: FakeBotApi, db: Database, db_url: str
):
    """One update slot (TELEGRAM_CONNECTIONS=1): a reply told to wait 2 s keeps no slot,
    so the next chat's update is handled and answered at once."""
    app = bot.app.application.build_application(
        settings_for(fake, db_url, telegram_connections=1), db
    )
    await app.initialize()
    try:
        driver = Driver(app, fake)
        anna, jonas = driver.teacher(101, "Anna", "en"), driver.teacher(102, "Jonas", "en")
        fake.fail_next(
            "sendMessage", error_code=429, description="Too Many Requests", retry_after=2
        )
        after = fake.last_seq
        async with polling(app):
            asked = {anna.id: queue(driver, anna, "/help"), jonas.id: queue(driver, jonas, "/help")}
            await fake.wait_for(reply_in(anna.id), after=after, timeout=10)
            await fake.wait_for(reply_in(jonas.id), after=after, timeout=10)
    finally:
        await app.shutdown()
    refused = next(c for c in fake.calls[after:] if c.method == "sendMessage" and not c.ok)
    held, other = refused.chat_id, ({anna.id, jonas.id} - {refused.chat_id}).pop()
    assert held is not None
    assert sent_to(fake, held, after)[0].at - asked[held] >= 2.0  # waited as told
    assert sent_to(fake, other, after)[0].at - asked[other] < 1.0  # did not wait with it


async def test_replies_to_many_chats_at_once_keep_to_30_a_second(
    app: TwinApp, driver: Driver, fake: FakeBotApi
):
    """45 teachers' /help handled at once: the replies keep to Telegram's 30 messages a
    second from one bot, so none is refused (each would wait out its 429 alone)."""
    fake.limits = RateLimits()
    after = fake.last_seq
    for uid in range(1, 46):
        teacher = driver.teacher(1000 + uid, f"T{uid}", "en")
        payload = {
            "update_id": uid,
            **driver.factory.text(teacher.user, private_chat(teacher.user), "/help", "B"),
        }
        await app.process_update(Update.de_json(payload, app.bot))
    await app.replies_sent()
    assert len([c for c in fake.calls[after:] if c.method == "sendMessage" and c.ok]) == 45
    assert fake.too_many == 0


async def test_stop_sends_what_is_queued_and_gives_up_a_group_backlog_in_time(
    app: TwinApp, driver: Driver, fake: FakeBotApi, caplog: pytest.LogCaptureFixture
):
    """At shutdown a private reply still queued (behind a slow one) is sent; a group's
    replies waiting for Telegram's next minute are given up after SHUTDOWN_SECONDS, and
    that is logged."""
    bound = bot.app.application.SHUTDOWN_SECONDS
    anna = driver.teacher(101, "Anna", "en")
    group = driver.group()
    fake.limits = RateLimits()
    after = fake.last_seq
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    for _ in range(25):
        queue(driver, anna, "/help", group)
    await fake.wait_for(lambda c: len(sent_to(fake, group.id, after)) >= 20, after=after)
    fake.delay_next("sendMessage", seconds=1.0)
    queue(driver, anna, "/help")
    queue(driver, anna, "/start")
    await fake.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == anna.id, after=after)
    await app.updater.stop()
    caplog.set_level(logging.WARNING, "bot.outgoing")
    began = time.perf_counter()
    await app.stop()
    stopped = time.perf_counter() - began
    assert bound <= stopped < bound + 2
    texts = [c.params["text"] for c in sent_to(fake, anna.id, after)]
    assert len(texts) == 2 and "Hello, Anna" in texts[1]  # sent while stopping
    assert len(sent_to(fake, group.id, after)) == 20  # the other 5 were given up
    assert "not sent at shutdown" in caplog.text


# --- item 2: input limits -----------------------------------------------------------------


async def test_500_private_messages_get_20_answers_and_one_slow_down(
    app: TwinApp, driver: Driver, fake: FakeBotApi
):
    clock = Clock()
    limited(app, clock)
    anna = driver.teacher(101, "Anna", "lv")
    after = fake.last_seq
    for n in range(500):
        await anna.send(f"hello {n}")
        clock.now += 0.01  # 500 messages in 5 s: two more tokens on the way
    texts = [c.params["text"] for c in sent_to(fake, anna.id, after)]
    assert len(texts) == 21
    assert sum("lēnāk" in text for text in texts) == 1  # in Anna's language, once
    assert "lēnāk" in texts[20]  # after her burst of 20
    clock.now += 60  # the quiet minute is over, and the bucket is full again
    assert (await anna.send("/help")).texts


async def test_a_muted_teachers_button_press_still_stops_the_spinner(
    app: TwinApp, driver: Driver, fake: FakeBotApi
):
    clock = Clock()
    limited(app, clock)
    anna = driver.teacher(101, "Anna", "en")
    for _ in range(19):
        await anna.send("/language")
    sent = await anna.click("English")  # the 20th: handled
    assert "Done!" in sent.text
    sent = await anna.click("English")  # the 21st: the slow-down, as a pop-up
    assert [c.method for c in sent.calls] == ["answerCallbackQuery"]
    assert "Slow down" in sent.alerts[0]
    sent = await anna.click("English")  # let go: answered, nothing else
    assert [c.method for c in sent.calls] == ["answerCallbackQuery"]
    assert not sent.alerts


async def test_someone_in_no_project_gets_one_answer_a_minute_in_a_group(
    app: TwinApp, driver: Driver, fake: FakeBotApi
):
    anna, *_ = await team_of_three(driver)
    clock = Clock()
    limited(app, clock)
    group = driver.group()
    stranger = driver.teacher(200, "Eve", "en")
    answered = [bool((await stranger.send("/help", group)).texts) for _ in range(25)]
    assert answered == [True] + [False] * 24  # no slow-down either: one answer, that is all
    assert (await anna.send("/help", group)).texts  # members are answered meanwhile
    clock.now += 61
    assert (await stranger.send("/help", group)).texts
    assert (await stranger.send("/help")).texts  # privately she is answered as anyone


async def test_a_group_takes_30_updates_then_one_every_3_seconds(
    app: TwinApp, driver: Driver, fake: FakeBotApi, monkeypatch: pytest.MonkeyPatch
):
    """Three members, 12 updates each (within each one's own limit): the group's 30. (The
    30 answers are not paced here, or the test would wait for Telegram's next minute.)"""
    monkeypatch.setattr(bot.budget, "GROUP_PER_MINUTE", 1_000)
    team = await team_of_three(driver)
    clock = Clock()
    limited(app, clock)
    group = driver.group()
    answered = 0
    for _ in range(12):
        for teacher in team:
            answered += bool((await teacher.send("/help", group)).texts)
    assert answered == 30
    clock.now += 3
    assert (await team[0].send("/help", group)).texts
    assert not (await team[1].send("/help", group)).texts
