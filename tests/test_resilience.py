"""State survives a crash; Telegram errors are recorded, never crash the bot."""

import asyncio

from sqlmodel import select

from bot.app.application import build_application
from bot.fakeapi.server import FakeBotApi
from storage.db import Database
from storage.models import Answer, Project, User
from tests.conftest import settings_for
from tests.driver import Driver
from tests.test_roles import team_of_three


async def test_dialog_resumes_in_a_new_process_without_a_clean_shutdown(
    driver: Driver, fake: FakeBotApi, db: Database, db_url: str
):
    anna = driver.teacher(101, "Anna", "en")
    await anna.send("/newproject")
    await anna.send("Water around us")
    await anna.click("🇱🇻")
    # The first application is abandoned as if killed: no shutdown, no final flush.
    second = build_application(settings_for(fake, db_url), db)
    await second.initialize()
    try:
        restarted = Driver(second, fake)
        anna2 = restarted.teacher(101, "Anna", "en")
        sent = await anna2.send("Rīgas 1. vidusskola")
        assert "outside Telegram" in sent.text  # the fourth question: nothing asked twice
        await anna2.send("anna@example.lv")
        sent = await anna2.click("Europe/Riga")
        assert "is ready" in sent.text
    finally:
        await second.shutdown()
    project = await db.run(lambda s: s.exec(select(Project)).one())
    assert project.title == "Water around us"


async def test_blocked_teacher_is_marked_and_shown_in_the_group(driver: Driver, db: Database):
    anna, _jonas, maria = await team_of_three(driver)
    group = driver.group()
    group.set_member(anna, "creator")
    await group.add_bot(anna)
    await anna.send("/link", group)
    driver.fake.block_chat(102)
    await anna.send("/members")
    await anna.click("Jonas")
    await anna.click("Hand over coordination")
    sent = await anna.click("Yes")  # the note to Jonas hits a 403
    assert any(c.method == "sendMessage" and c.chat_id == 102 and not c.ok for c in sent.calls)
    assert (await db.run(lambda s: s.get(User, 102))).reachable is False
    team = await maria.send("/team", group)
    assert "⚠️" in team.text and team.buttons() == ["Start a private chat with me"]
    driver.fake.unblock_chat(102)
    await driver.teacher(102, "Jonas", "en").send("/start")
    assert (await db.run(lambda s: s.get(User, 102))).reachable is True


async def test_unexpected_failure_gets_a_translated_apology(driver: Driver, fake: FakeBotApi):
    anna = driver.teacher(101, "Anna", "en")
    fake.fail_next("sendMessage", error_code=400, description="Bad Request: chat not found")
    sent = await anna.send("/start")
    apology = [c for c in sent.calls if c.method == "sendMessage" and c.ok]
    assert len(apology) == 1 and "something went wrong" in apology[0].params["text"]
    assert "Traceback" not in apology[0].params["text"]


async def test_blocking_and_unblocking_in_private_is_recorded(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "en")
    await anna.send("/start")
    bot_user = driver.fake.bot_user
    chat = {"id": 101, "type": "private", "first_name": "Anna"}
    await driver.deliver(driver.factory.bot_removed(anna.user, chat, bot_user, status="kicked"))
    assert (await db.run(lambda s: s.get(User, 101))).reachable is False
    await driver.deliver(
        driver.factory.bot_removed(anna.user, chat, bot_user, status="member", old_status="kicked")
    )
    assert (await db.run(lambda s: s.get(User, 101))).reachable is True


async def test_replies_wait_for_one_of_the_configured_connections(
    fake: FakeBotApi, db: Database, db_url: str
):
    """TELEGRAM_CONNECTIONS caps the connections: six slow replies at once go two by two."""
    app = build_application(settings_for(fake, db_url, telegram_connections=2), db)
    await app.initialize()
    try:
        fake.delay_next("sendMessage", seconds=0.2, times=6)
        after = fake.last_seq
        await asyncio.gather(*(app.bot.send_message(500 + n, "hello") for n in range(6)))
    finally:
        await app.shutdown()
    arrivals = [c.at for c in fake.calls[after:] if c.method == "sendMessage"]
    assert len(arrivals) == 6
    assert arrivals[-1] - arrivals[0] >= 0.35  # three rounds of two, each held 0.2 s


async def test_control_characters_never_reach_a_handler(driver: Driver, db: Database):
    """A NUL made PostgreSQL refuse the teacher's answer; C0 and C1 control characters
    but tab and newline are dropped from every update before a handler sees it."""
    anna, _jonas, _maria = await team_of_three(driver)
    await anna.send("/partners")
    sent = await anna.send(
        "Two teachers\x00 from Riga\x1b and one\x85 from Vilnius,\tby 1 December"
    )
    assert "2/7" in sent.text and "went wrong" not in sent.text
    stored = await db.run(
        lambda s: s.exec(
            select(Answer.value).where(Answer.user_id == 101, Answer.item == "team")
        ).one()
    )
    assert stored == "Two teachers from Riga and one from Vilnius,\tby 1 December"
    eva = driver.teacher(105, "Ev\x00a", "en", last_name="Ozola\x07")
    sent = await eva.send("/start")
    assert "Hello, Eva Ozola!" in sent.text
    assert (await db.run(lambda s: s.get(User, 105))).display_name == "Eva Ozola"
