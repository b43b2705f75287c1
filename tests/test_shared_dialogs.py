"""Several workers share dialogs: a teacher's updates may each go to another worker (two
Applications on one database here, two `python -m bot run` webhook processes on
PostgreSQL below), and her dialogs go on exactly as with one worker."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import select
from telegram import Update

from bot.app.application import build_application
from bot.app.incoming import ChatOrderedProcessor
from bot.fakeapi import update_factory
from bot.fakeapi.server import FakeBotApi
from handlers import quiz
from storage.db import Database
from storage.migrate import upgrade
from storage.models import (
    Answer,
    ConversationState,
    Membership,
    PlanItem,
    Project,
    User,
    UserScratch,
)
from tests.conftest import settings_for
from tests.driver import Driver, Teacher
from tests.processes import BotProcess, free_port, pg_database

INVITE = re.compile(r"https://t\.me/TwinCoachBot\?start=j_[A-Za-z0-9_-]+")
WORDS = {0: "within two days", 3: "five minutes early", 7: "every Monday"}
SCALES = ["1", "2", "3", "4", "5", "4", "3", "2", "1"]

# One teacher's dialogs, step by step: what she does (type a text, or tap the newest button
# whose label contains it) and a phrase the bot's answer to it contains.
SCRIPT: list[tuple[str, str, str]] = [
    ("send", "/newproject", "working title"),
    ("send", "Water around us", "country"),
    ("click", "🇱🇻", "school"),
    ("send", "Rīgas 1. vidusskola", "outside Telegram"),
    ("send", "anna@example.lv", "time zone"),
    ("click", "Europe/Riga", "t.me/TwinCoachBot?start=j_"),
    ("send", "/quiz", "1/20"),
    *(("send", WORDS.get(n, "/skip"), f"{n + 2}/20") for n in range(11)),
    *(("click", value, f"{n + 13}/20") for n, value in enumerate(SCALES[:-1])),
    ("click", SCALES[-1], "Answer them now, or later?"),
    ("click", "Later", "quizresults"),
    ("send", "/plan", "Pedagogical goal"),
    ("click", "Pedagogical goal", "(nothing yet)"),
    ("click", "Add", "What will the pupils learn?"),
    ("send", "By the end of March every pupil names 5 ways to save water", "Saved"),
]

# (worker, "send" or "click", what, the phrase expected) → the bot's answer
Step = Callable[[int, str, str, str], Awaitable[str]]


async def play(step: Step, workers: int) -> list[str]:
    """The script, each step to the next worker in turn; the bot's answers."""
    answers = []
    for n, (kind, what, expected) in enumerate(SCRIPT):
        answer = await step(n % workers, kind, what, expected)
        assert expected in answer, (n, kind, what, answer)
        answers.append(answer)
    assert not any("did not understand" in a or "Sorry" in a for a in answers)
    return [INVITE.sub("<invite>", answer) for answer in answers]


async def outcome(db: Database, user_id: int) -> dict[str, Any]:
    """What the script left in the database for this teacher."""

    def read(s):
        project = s.exec(
            select(Project).join(Membership).where(Membership.user_id == user_id)
        ).one()
        answers = s.exec(select(Answer).where(Answer.user_id == user_id)).all()
        return {
            "project": project.title,
            "school": s.get(User, user_id).school,
            "answers": sorted((a.item, a.value) for a in answers),
            "plan": [
                (i.section, i.text)
                for i in s.exec(select(PlanItem).where(PlanItem.project_id == project.id))
            ],
            "left over": (
                s.get(UserScratch, user_id),
                s.exec(
                    select(ConversationState).where(ConversationState.key.contains(str(user_id)))
                ).all(),
            ),
        }

    return await db.run(read)


EXPECTED = {
    "project": "Water around us",
    "school": "Rīgas 1. vidusskola",
    "answers": sorted(
        [(key, WORDS.get(n)) for n, (key, _prompt) in enumerate(quiz.WORDS)]
        + [(scale[0], value) for scale, value in zip(quiz.SCALES, SCALES, strict=True)]
    ),
    "plan": [("goal", "By the end of March every pupil names 5 ways to save water")],
}


async def test_two_workers_in_one_dialog_answer_as_one(fake: FakeBotApi, db: Database, db_url: str):
    """Two Applications on one database (two workers). Anna's /newproject, work-style quiz
    and plan item go to one worker; Berta's, the same steps, each to the other worker than
    her step before. Berta gets the same answers as Anna, word for word, and the same is
    stored: the project, every answer, the plan item; no "did not understand"."""
    apps = [build_application(settings_for(fake, db_url), Database(db_url)) for _ in range(2)]
    for app in apps:
        app.bot_data["services"].limits.enabled = False  # faster than anyone types
        await app.initialize()
    try:
        drivers = [Driver(app, fake) for app in apps]
        drivers[1].factory, drivers[1]._ids = drivers[0].factory, drivers[0]._ids  # one Telegram
        anna = [drivers[0].teacher(101, "Anna", "en")]
        # Berta is called Anna too, so the two transcripts can be compared word for word
        berta = [driver.teacher(102, "Anna", "en") for driver in drivers]

        def on(teachers: list[Teacher]) -> Step:
            async def step(worker: int, kind: str, what: str, _expected: str) -> str:
                teacher = teachers[worker]
                sent = await (teacher.send(what) if kind == "send" else teacher.click(what))
                return sent.text

            return step

        alone = await play(on(anna), workers=1)
        shared = await play(on(berta), workers=2)
    finally:
        for app in apps:
            await app.shutdown()
    assert shared == alone
    assert await outcome(db, 101) == await outcome(db, 102) == {**EXPECTED, "left over": (None, [])}


async def test_a_teachers_updates_in_two_chats_wait_for_each_other():
    """Within one worker: each update reads its teacher's scratchpad before its handlers
    and writes it after them, so her update in a group waits for her update in the
    private chat (and the other way round); other teachers' updates do not wait."""
    factory = update_factory.UpdateFactory()
    anna, berta = update_factory.user(101, "Anna"), update_factory.user(102, "Berta")
    group = update_factory.group_chat(-100777, "Project group")

    def update(who: dict[str, Any], chat: dict[str, Any]) -> Update:
        return Update.de_json({"update_id": 1, **factory.text(who, chat, "hi", "Bot")}, None)

    processor = ChatOrderedProcessor(8)
    events: list[str] = []
    release = asyncio.Event()

    async def handle(name: str, wait: bool) -> None:
        events.append(f"{name} begins")
        if wait:
            await release.wait()
        events.append(f"{name} ends")

    first = asyncio.create_task(
        processor.process_update(
            update(anna, update_factory.private_chat(anna)), handle("private", True)
        )
    )
    await asyncio.sleep(0)
    same_teacher = asyncio.create_task(
        processor.process_update(update(anna, group), handle("her group update", False))
    )
    other_teacher = asyncio.create_task(
        processor.process_update(
            update(berta, update_factory.private_chat(berta)), handle("Berta's update", False)
        )
    )
    await other_teacher
    assert events == ["private begins", "Berta's update begins", "Berta's update ends"]
    release.set()
    await asyncio.gather(first, same_teacher)
    assert events[3:] == ["private ends", "her group update begins", "her group update ends"]
    assert processor._locks == {} and processor._waiting == {}


SECRET = "s3cret-value"


def newest_button(fake: FakeBotApi, chat_id: int, label: str) -> tuple[dict[str, Any], str]:
    """As Teacher.click finds it: the newest button whose text contains `label`."""
    for message in reversed(fake.messages(chat_id)):
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if label.casefold() in button["text"].casefold():
                    return message, button["callback_data"]
    raise AssertionError(f"no button {label!r} in chat {chat_id}")


async def post(client: httpx.AsyncClient, port: int, payload: dict[str, Any]) -> None:
    """As Telegram posts an update to a worker (the proxy's choice of worker is `port`)."""
    for _ in range(300):  # a worker starts listening just after it registers the webhook
        try:
            answer = await client.post(
                f"http://127.0.0.1:{port}/telegram",
                json=payload,
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
            break
        except httpx.ConnectError:
            await asyncio.sleep(0.1)
    else:
        raise AssertionError(f"nothing listens on port {port}")
    assert answer.status_code == 200


@pytest.mark.postgresql
async def test_two_webhook_workers_on_postgresql_share_a_teachers_dialogs(
    tmp_path: Path, fake: FakeBotApi
):
    """Two `python -m bot run` webhook workers on one PostgreSQL, as the README deploys
    them behind a proxy that does not pin chats: each of Anna's updates (/newproject, the
    work-style quiz, a plan item) goes to the other worker than the one before, and she
    gets every next question, never "did not understand"; all is stored as with one.
    (SQLite is for one process, README "Deployment".)"""
    factory = update_factory.UpdateFactory()
    anna = update_factory.user(101, "Anna", "en")
    chat = update_factory.private_chat(anna)
    ports = [free_port(), free_port()]
    update_ids = iter(range(1, 1000))
    with pg_database("twincoach_share") as url:
        db = Database(url)
        upgrade(db.engine)  # `python -m bot migrate`, once, before the workers start
        workers = [BotProcess(tmp_path, fake) for _ in ports]
        try:
            for worker, port in zip(workers, ports, strict=True):
                await worker.start(
                    DATABASE_URL=url,
                    WEBHOOK_URL="https://bot.example.org",
                    WEBHOOK_SECRET=SECRET,
                    WEBHOOK_PORT=str(port),
                    RUN_SCHEDULER="false",
                )
            async with httpx.AsyncClient(timeout=30) as client:

                async def step(worker: int, kind: str, what: str, expected: str) -> str:
                    if kind == "send":
                        payload = factory.text(anna, chat, what, fake.bot_username)
                    else:
                        payload = factory.callback(anna, *newest_button(fake, anna["id"], what))
                    payload = {"update_id": next(update_ids), **payload}
                    fake.learn(payload)  # Telegram knows the callbacks it delivered
                    after = fake.last_seq
                    await post(client, ports[worker], payload)
                    reply = await fake.wait_for(  # the answer, or an apology: no waiting
                        lambda c: (
                            c.chat_id == anna["id"]
                            and any(
                                phrase in (c.params.get("text") or "")
                                for phrase in (expected, "Sorry")
                            )
                        ),
                        after=after,
                        timeout=30,
                    )
                    return str(reply.params["text"])

                await play(step, workers=2)
            await asyncio.sleep(0.5)  # anything more the workers would say
            stored = await outcome(db, 101)
        finally:
            codes = [await worker.stop() for worker in workers]
            await db.close_async()
    texts = [c.params.get("text") or "" for c in fake.calls if c.chat_id == anna["id"]]
    assert not [t for t in texts if "did not understand" in t or "Sorry" in t]
    assert stored == {**EXPECTED, "left over": (None, [])}
    assert codes == [0, 0]
    for worker in workers:
        assert "Traceback" not in worker.log.read_text(), worker.log.read_text()[-2000:]
