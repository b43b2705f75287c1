"""Every message fits Telegram: long screens, with teachers' line breaks inside bold titles
and <code> texts, reach Latvian, Lithuanian and English teachers (and their group) in
parts the fake Bot API accepts as Telegram would, with nothing lost; a screen that
edits a message in place edits it with the first part and sends the rest; a caption
goes on as text; the weekly digest of twenty long deadlines reaches the group."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from functools import partial

import pytest
import sqlalchemy as sa
from sqlmodel import select

from bot.app.application import build_application
from bot.context import TwinApp
from bot.fakeapi.server import ApiCall, FakeBotApi
from bot.guide.agreements import TOPICS
from bot.i18n import LANGUAGES, escape
from bot.reply import Button, Message
from bot.send import deliver
from bot.split import CAPTION_LIMIT
from storage import answers, breaks, plan
from storage.db import Database
from storage.models import ChatBinding, Project, Reminder, User
from tests.conftest import settings_for
from tests.driver import SENDS, Driver, Group, Teacher
from tests.test_quiz import linked_team
from tests.test_reminders import add_deadline, make_dispatcher

READERS = {101: "lv", 102: "lt", 103: "en"}  # Anna, Jonas, Maria
GOAL = re.compile(r"&lt;1\d\d&gt;")  # the numbers of the goals' lines


@pytest.fixture
async def app(fake: FakeBotApi, db: Database, db_url: str) -> AsyncIterator[TwinApp]:
    """The usual application, but school holidays are not fetched (/breaks shows ours)."""
    application = build_application(settings_for(fake, db_url, openholidays_url=""), db)
    await application.initialize()
    yield application
    await application.shutdown()


async def team(driver: Driver, db: Database) -> tuple[list[Teacher], Group, int]:
    """The linked team of three, each reading in their own language."""
    anna, jonas, maria, group = await linked_team(driver)

    def languages(s):
        for uid, lang in READERS.items():
            s.execute(sa.update(User).where(User.id == uid).values(language=lang))
        return s.exec(select(Project.id)).one()

    return [anna, jonas, maria], group, await db.run(languages)


def title(n: int, size: int = 240) -> str:
    """A teacher's title with a line break, an ampersand, a "<" and letters of every language."""
    head = f"{n}. Upēšu & ežerų stāsti <{n}>\nsecond line: "
    return head + ("ūdens vanduo water 😀 " * (size // 20))[: size - len(head)]


def shown(calls: list[ApiCall]) -> list[str]:
    """The texts Telegram shows of these sends; each call must have been accepted."""
    refused = [(c.method, c.error) for c in calls if not c.ok]
    assert not refused, refused
    sends = [c for c in calls if c.method in SENDS]
    return [c.result.get("text") or c.result.get("caption") or "" for c in sends]


def assert_whole(parts: list[str], items: list[str]) -> None:
    """Each item is shown, and never cut in two (every one is shorter than a message)."""
    for item in items:
        assert any(item in part for part in parts), item[:80]


def assert_buttons_last(calls: list[ApiCall]) -> None:
    """The parts of one message: only the last carries the buttons."""
    marked = [bool(c.params.get("reply_markup")) for c in calls if c.method in SENDS]
    assert len(marked) > 1 and marked[-1] and not any(marked[:-1]), marked


async def test_plan_with_long_activity_titles(driver: Driver, db: Database):
    teachers, group, project_id = await team(driver, db)
    activities = [title(n, 600) for n in range(20)]  # as many as a section may hold

    def fill(s):
        now = datetime.now(UTC)
        for text in [*activities, "Mixed teams & one story\nwith a second line"]:
            section = "activity" if text in activities else "collab"
            extra = {"time": "two weeks", "owner": 102} if section == "activity" else None
            plan.save_item(
                s,
                project_id=project_id,
                section=section,
                text=text,
                extra=extra,
                author_id=101,
                now=now,
            )

    await db.run(fill)
    for teacher in teachers:
        sent = await teacher.send("/plan")
        parts = shown(sent.calls)
        assert len(parts) >= 3
        assert_whole(parts, activities)
        assert_buttons_last(sent.calls)
        # the section button edits the screen in place: far too long for one message
        screen = driver.fake.messages(teacher.id)[-1]
        pressed = await teacher.press(screen, f"plan:{project_id}:open:activity")
        parts = shown(pressed.calls)
        edit = next(c for c in pressed.calls if c.method == "editMessageText")
        assert edit.params["message_id"] == screen["message_id"] and len(parts) >= 3
        assert_whole(parts, activities)
        assert_buttons_last(pressed.calls)
        again = await teacher.press(driver.fake.messages(teacher.id)[-1], f"plan:{project_id}:all")
        assert_whole(shown(again.calls), activities)
    for lang in LANGUAGES:
        await db.run(
            lambda s, lang=lang: s.execute(
                sa.update(ChatBinding).where(ChatBinding.chat_id == group.id).values(language=lang)
            )
        )
        sent = await teachers[0].send("/plan", group)
        assert_whole(shown(sent.calls), activities)


async def test_registration_with_long_multiline_texts(driver: Driver, db: Database):
    teachers, _group, project_id = await team(driver, db)
    goals = "\n".join(title(n, 300) for n in range(100, 120))  # 6,000 characters in <code>

    def fill(s):
        now = datetime.now(UTC)
        for n in range(20):
            for section, text in (("goal", title(100 + n, 300)), ("activity", title(n, 150))):
                extra = {"time": "two weeks"} if section == "activity" else None
                plan.save_item(
                    s,
                    project_id=project_id,
                    section=section,
                    text=text,
                    extra=extra,
                    author_id=101,
                    now=now,
                )

    await db.run(fill)
    for teacher in teachers:
        sent = await teacher.send("/registration")
        parts = shown(sent.calls)
        for line in goals.splitlines() + [title(n, 150).splitlines()[1] for n in range(20)]:
            assert any(line in part for part in parts), line
        goal_parts = [
            c for c in sent.calls if c.method == "sendMessage" and GOAL.search(c.params["text"])
        ]
        assert len(goal_parts) >= 2 and "100. " in goal_parts[0].result["text"]
        assert all(str(c.params["text"]).startswith("<b>") for c in goal_parts)  # the label again
        if teacher.id == 101:  # the coordinator edits: the button under the whole text
            assert sent.buttons().count("✏️ Labot") == 5
            assert_buttons_last(goal_parts)


async def test_deadlines_with_long_titles(driver: Driver, db: Database):
    teachers, group, _project_id = await team(driver, db)
    titles = [title(n, 400) for n in range(20)]
    for n, text in enumerate(titles):
        due = datetime(2026, 12, 1, 12, 0, tzinfo=UTC) + timedelta(days=n)
        await add_deadline(db, owner=101 + n % 3, due_at=due, title=text)
    for teacher in teachers:
        parts = shown((await teacher.send("/deadlines")).calls)
        assert len(parts) >= 2
        assert_whole(parts, titles)
    assert_whole(shown((await teachers[1].send("/deadlines", group)).calls), titles)


async def test_agreements_with_long_multiline_answers(driver: Driver, db: Database):
    teachers, group, project_id = await team(driver, db)
    wordings = {key: title(n, 350) for n, (key, _label, _q) in enumerate(TOPICS[:5])}
    views = {
        (uid, key): title(n * 10 + uid, 250)
        for n, (key, _label, _q) in enumerate(TOPICS[5:])
        for uid in READERS
    }

    def fill(s):
        now = datetime.now(UTC)
        for (uid, key), value in views.items():
            answers.save(
                s,
                project_id=project_id,
                user_id=uid,
                questionnaire="agree",
                version=1,
                item=key,
                value=value,
                now=now,
            )
        for key, wording in wordings.items():
            answers.agree(s, project_id=project_id, topic=key, wording=wording, by=101, now=now)

    await db.run(fill)
    everything = [*wordings.values(), *views.values()]
    for teacher in teachers:
        sent = await teacher.send("/agreements")
        assert_whole(shown(sent.calls), everything)
        assert_topics_whole(shown(sent.calls))
        if teacher.id == 101:
            assert_buttons_last(sent.calls)
    in_group = shown((await teachers[2].send("/agreements", group)).calls)
    assert_whole(in_group, everything)
    assert_topics_whole(in_group)


def assert_topics_whole(parts: list[str]) -> None:
    """A topic's answers are in the part that shows its heading: no part begins (after
    the title, if it is repeated) with answers whose topic is in the part before."""
    assert len(parts) > 1
    title = parts[0].split("\n", 1)[0]
    for part in parts:
        shown = [line for line in part.splitlines() if line.strip() and line != title]
        assert not shown[0].startswith("• "), shown[0][:80]


async def test_breaks_with_long_names_repeat_the_country(driver: Driver, db: Database):
    teachers, _group, project_id = await team(driver, db)
    names = {country: [title(n, 190) for n in range(30)] for country in ("LV", "LT", "PT")}

    def fill(s):
        for country, rows in names.items():
            for n, name in enumerate(rows):
                start = date(2027, 1, 1) + timedelta(days=7 * n)
                breaks.add(
                    s,
                    project_id=project_id,
                    country=country,
                    start=start,
                    end=start + timedelta(days=2),
                    name=name,
                    by=101,
                )

    await db.run(fill)
    for teacher in teachers:
        parts = shown((await teacher.send("/breaks")).calls)
        # a name's second line is indented under it (handlers/shared_breaks.py)
        assert_whole(parts, [n.replace("\n", "\n  ") for rows in names.values() for n in rows])
        assert not any(part.startswith("•") for part in parts)  # a section goes on...
        for flag in ("🇱🇻", "🇱🇹", "🇵🇹"):  # ...under its country again
            assert sum(flag in part for part in parts) >= 2, flag


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_weekly_digest_of_twenty_long_deadlines(
    driver: Driver, app: TwinApp, db: Database, lang: str
):
    _teachers, group, _project_id = await team(driver, db)
    await db.run(
        lambda s: s.execute(
            sa.update(ChatBinding).where(ChatBinding.chat_id == group.id).values(language=lang)
        )
    )
    digest = next(
        r for r in await db.run(lambda s: s.exec(select(Reminder)).all()) if r.kind == "digest"
    )
    titles = [title(n, 2000) for n in range(20)]
    for n, text in enumerate(titles):
        await add_deadline(
            db, owner=101 + n % 3, due_at=digest.due_at + timedelta(hours=n + 1), title=text
        )
    before = driver.fake.last_seq
    await make_dispatcher(app, db).run_once(digest.due_at)
    calls = driver.fake.calls[before:]
    parts = shown([c for c in calls if c.chat_id == group.id])
    assert len(parts) >= 10
    assert_whole(parts, titles)
    shown(calls)  # the owners' own reminders were accepted too
    sent = await db.run(lambda s: s.get(Reminder, digest.id))
    assert sent is not None and sent.status == "sent"


async def test_a_long_caption_goes_on_as_text_and_a_long_edit_as_new_messages(
    app: TwinApp, fake: FakeBotApi
):
    text = "\n".join(f"<b>{escape(title(n, 100))}</b>" for n in range(60))
    items = [title(n, 100) for n in range(60)]
    keyboard = [[Button("OK", data="ok")]]
    before = fake.last_seq
    picture = Message(text, keyboard, photo=lambda: b"\x89PNG fake")
    first = await deliver(app.bot, 101, picture)
    calls = fake.calls[before:]
    assert calls[0].method == "sendPhoto" and first is not None
    assert len(calls[0].params["caption"]) <= CAPTION_LIMIT * 2
    assert_whole(shown(calls), items)
    assert_buttons_last(calls)
    short = await app.bot.send_message(101, "Loading…")
    before = fake.last_seq
    edit = partial(app.bot.edit_message_text, chat_id=101, message_id=short.message_id)
    assert await deliver(app.bot, 101, Message(text, keyboard), edit=edit) is not None
    calls = fake.calls[before:]
    assert calls[0].method == "editMessageText"
    assert_whole(shown(calls), items)
    assert_buttons_last(calls)
