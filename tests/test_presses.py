"""A button press costs one Bot API round trip: its answer and its edit are in flight
together (bot/outgoing.py), one failing loses not the other, and a chat's edits stay in
order. The fake Bot API answers every method after a round trip here, as Telegram does."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot.app.application import TwinApplication, build_application
from bot.app.incoming import ChatOrderedProcessor
from bot.config import Settings
from bot.fakeapi.server import ApiCall, FakeBotApi
from bot.guide.quiz import SCALES
from bot.request import AiohttpRequest
from storage.db import Database
from tests.conftest import settings_for
from tests.driver import Driver, Teacher
from tests.test_roles import team_of_three

ROUND_TRIP = 0.1  # seconds; Telegram's is 30–100 ms
TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
APOLOGY = "Sorry, something went wrong"
CONNECTIONS = 128  # the default TELEGRAM_CONNECTIONS


async def at_first_scale(driver: Driver) -> tuple[Teacher, dict[str, Any]]:
    """Anna with the quiz's first scale question on screen; from now on every Bot API
    call takes a round trip."""
    anna, *_ = await team_of_three(driver)
    await anna.send("/quiz")
    for _ in range(11):
        await anna.send("/skip")
    question = driver.fake.messages(anna.id)[-1]
    assert "12/20" in question["text"]
    driver.fake.latency = ROUND_TRIP
    return anna, question


def only(calls: list[ApiCall], method: str) -> ApiCall:
    found = [c for c in calls if c.method == method]
    assert len(found) == 1, [c.method for c in calls]
    return found[0]


async def test_a_press_is_answered_and_edited_in_one_round_trip(driver: Driver):
    anna, _question = await at_first_scale(driver)
    sent = await anna.click("2")
    answer, edit = only(sent.calls, "answerCallbackQuery"), only(sent.calls, "editMessageText")
    # one after the other, the edit would arrive a whole round trip after the answer
    assert abs(edit.at - answer.at) < ROUND_TRIP / 2
    assert "13/20" in anna.last_text()


async def test_a_press_too_old_to_answer_still_turns_the_question(driver: Driver):
    anna, _question = await at_first_scale(driver)
    driver.fake.fail_next("answerCallbackQuery", error_code=400, description=TOO_OLD)
    sent = await anna.click("2")
    assert not only(sent.calls, "answerCallbackQuery").ok
    assert only(sent.calls, "editMessageText").ok
    assert "13/20" in anna.last_text()
    assert not any(APOLOGY in text for text in sent.texts)  # the answer was saved: no excuse


async def test_a_failing_edit_still_answers_the_press(driver: Driver):
    anna, _question = await at_first_scale(driver)
    driver.fake.fail_next("editMessageText", error_code=400, description="Bad Request: oops")
    sent = await anna.click("2")
    answers = [c for c in sent.calls if c.method == "answerCallbackQuery"]
    assert answers[0].ok  # the spinner stops (the apology's second answer is refused)
    assert not only(sent.calls, "editMessageText").ok
    assert any(APOLOGY in text for text in sent.texts)


async def test_two_presses_in_one_chat_keep_their_order(driver: Driver):
    anna, question = await at_first_scale(driver)
    before = driver.fake.last_seq
    presses = [
        driver.submit(driver.factory.callback(anna.user, question, f"quiz:{key}:{value}"))
        for (key, *_), value in zip(SCALES[:2], "24", strict=True)
    ]
    await asyncio.gather(*presses)
    await driver.app.replies_sent()
    edits = [c for c in driver.fake.calls[before:] if c.method == "editMessageText"]
    assert ["13/20" in e.params["text"] for e in edits] == [True, False]
    assert ["14/20" in e.params["text"] for e in edits] == [False, True]
    assert "14/20" in anna.last_text()


async def test_half_as_many_updates_at_once_as_connections(
    fake: FakeBotApi, db: Database, db_url: str
):
    """A press makes two Bot API calls at once (its answer and its edit): the updates in
    hand are half the connections (at least one), the replies on the wire all of them."""
    for connections, updates in ((CONNECTIONS, CONNECTIONS // 2), (3, 1), (1, 1)):
        settings = settings_for(fake, db_url, telegram_connections=connections)
        app = build_application(settings, db)
        assert isinstance(app, TwinApplication)
        assert isinstance(app.update_processor, ChatOrderedProcessor)
        assert app.update_processor.slots == updates
        await app.initialize()
        try:  # the replies' lanes and aiohttp's pool, each with every connection
            assert app.outgoing.connections == connections
            assert isinstance(app.bot.request, AiohttpRequest)
            assert app.bot.request.connections == connections
        finally:
            await app.shutdown()


def test_connections_default_fits_telegrams_round_trip():
    """What README and .env.example say: enough Bot API connections and updates in flight
    for 100 presses a second at a 50 ms round trip (bench/README.md, "Sizing")."""
    assert Settings(_env_file=None).telegram_connections == CONNECTIONS  # type: ignore[call-arg]
    example = (Path(__file__).parent.parent / ".env.example").read_text()
    assert f"\nTELEGRAM_CONNECTIONS={CONNECTIONS}\n" in example
