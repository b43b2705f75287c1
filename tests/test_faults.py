"""Faults from the outside: `kill -9` in a delivery burst, several processes on one
PostgreSQL, PostgreSQL restarting under a running bot, and a Bot API that answers 429, 500
or not at all. After each, every reminder and every reply arrives, none twice."""

import asyncio
import shutil
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from bot.app.application import build_application
from bot.fakeapi.server import FakeBotApi
from scheduler.reminders import jobs as flow
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Deadline, Membership, Project, Reminder, Role, User
from tests.conftest import PG_URL, settings_for
from tests.driver import Driver
from tests.processes import BotProcess, free_port, pg_database

TITLE = "Exactly once"


def seed_due_reminders(db: Database, count: int) -> None:
    """`count` teachers of one project, each with one reminder due now, in their own chat."""
    now = datetime.now(UTC)

    def seed(s):
        project = Project(title="Shared")
        s.add(project)
        s.add_all(
            User(id=5000 + n, display_name=f"Teacher {n}", started=True) for n in range(count)
        )
        s.flush()
        for n in range(count):
            s.add(Membership(project_id=project.id, user_id=5000 + n, role=Role.PARTNER))
            deadline = Deadline(
                project_id=project.id,
                title=TITLE,
                due_at=now + timedelta(days=3650),  # far ahead: the processes run on the real clock
                owner_id=5000 + n,
            )
            s.add(deadline)
            s.flush()
            s.add(
                Reminder(
                    project_id=project.id,
                    deadline_id=deadline.id,
                    user_id=5000 + n,
                    chat_id=5000 + n,
                    kind="before",
                    due_at=now,
                )
            )

    db.session_scope(seed)


def reminders_per_chat(fake: FakeBotApi) -> Counter[int | None]:
    return Counter(
        c.chat_id
        for c in fake.calls
        if c.method == "sendMessage" and c.ok and TITLE in c.params.get("text", "")
    )


async def wait_until_sent(db: Database, count: int) -> None:
    for _ in range(600):  # a minute
        sent = await db.run(
            lambda s: s.exec(select(sa.func.count()).where(Reminder.status == "sent")).one()
        )
        if sent == count:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{sent} of {count} reminders sent")


def http_get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


async def test_kill_9_in_a_delivery_burst_then_each_reminder_once(tmp_path: Path, fake: FakeBotApi):
    """The scheduler process is killed between two sends; the new one sends the rest, and
    logs each as one JSON line."""
    db = Database(f"sqlite:///{tmp_path}/bot.db")
    upgrade(db.engine)
    seed_due_reminders(db, 30)
    env = {"SEND_RATE": "5", "LOG_FORMAT": "json"}  # 200 ms apart: the kill falls between
    first, second = BotProcess(tmp_path, fake, "scheduler"), BotProcess(tmp_path, fake, "scheduler")
    try:
        await first.start(**env)
        for _ in range(8):
            await fake.wait_for(
                lambda c: c.method == "sendMessage" and c.ok, after=fake.last_seq, timeout=30
            )
        await asyncio.sleep(0.1)
        await first.kill()
        delivered = sum(reminders_per_chat(fake).values())
        assert 8 <= delivered < 30
        await second.start(**env)
        await wait_until_sent(db, 30)
        await asyncio.sleep(1.5)  # the next round finds nothing more to send
    finally:
        await first.kill()
        await second.kill()
        db.close()
    assert reminders_per_chat(fake) == Counter(5000 + n for n in range(30))
    sent_lines = [e for e in second.json_lines() if e["message"] == "reminder sent"]
    assert len(sent_lines) == 30 - delivered
    assert {"reminder_id", "chat_id", "kind", "late", "time", "level"} <= set(sent_lines[0])


@pytest.mark.postgresql
async def test_two_workers_and_a_scheduler_on_postgresql_send_each_reminder_once(
    tmp_path: Path, fake: FakeBotApi
):
    """Two real `python -m bot run` workers (each with its own sending job) and one
    `python -m bot scheduler` share one PostgreSQL database."""
    port = free_port()
    with pg_database("twincoach_three") as url:
        db = Database(url)
        upgrade(db.engine)
        seed_due_reminders(db, 120)
        processes = [BotProcess(tmp_path, fake, cmd) for cmd in ("run", "run", "scheduler")]
        try:
            for process in processes[:2]:
                await process.start(DATABASE_URL=url)
            await processes[2].start(DATABASE_URL=url, HEALTH_PORT=str(port))
            await wait_until_sent(db, 120)
            await asyncio.sleep(6)  # another round of all three: nothing may come twice
            status, body = await asyncio.to_thread(http_get, f"http://127.0.0.1:{port}/healthz")
            assert (status, body) == (200, '{"status": "ok"}')
            status, body = await asyncio.to_thread(http_get, f"http://127.0.0.1:{port}/metrics")
            assert status == 200 and "twincoach_reminders_pending 0.0" in body
        finally:
            for process in processes:
                await process.kill()
            await db.close_async()
    assert reminders_per_chat(fake) == Counter(5000 + n for n in range(120))


def restart_command(action: str) -> list[str]:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action]


async def postgresql(action: str) -> None:
    proc = await asyncio.create_subprocess_exec(*restart_command(action))
    assert await proc.wait() == 0


@pytest.mark.skipif(
    not (PG_URL and shutil.which("pg_ctlcluster") and Path("/etc/postgresql").is_dir()),
    reason="needs the local PostgreSQL cluster (pg_ctlcluster)",
)
async def test_postgresql_restart_while_the_bot_runs(
    driver: Driver, fake: FakeBotApi, db: Database, db_url: str
):
    """PostgreSQL goes down with a teacher's answer and a due reminder waiting: both
    wait for it to come back, and nothing is lost or doubled."""
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    anna = driver.teacher(101, "Anna", "en")
    assert "working title" in (await anna.send("/newproject")).text
    await db.run(lambda s: s.add(User(id=5000, display_name="Teacher 0", started=True)))
    await db.run(lambda s: s.add(Project(title="Shared")))
    now = datetime.now(UTC)

    def due_reminder(s):
        project_id = s.exec(select(Project.id).where(Project.title == "Shared")).one()
        s.add(Membership(project_id=project_id, user_id=5000, role=Role.PARTNER))
        deadline = Deadline(
            project_id=project_id, title=TITLE, due_at=now + timedelta(days=30), owner_id=5000
        )
        s.add(deadline)
        s.flush()
        s.add(
            Reminder(
                project_id=project_id,
                deadline_id=deadline.id,
                user_id=5000,
                chat_id=5000,
                kind="before",
                due_at=now,
            )
        )

    await db.run(due_reminder)
    dispatcher = flow.dispatcher(driver.app.bot_data["services"], driver.app.bot)
    await postgresql("stop")
    try:
        answer = asyncio.create_task(anna.send("Water around us"))
        sending = asyncio.create_task(dispatcher.run_once())
        await asyncio.sleep(2)
        assert not answer.done() and not sending.done()  # waiting, not failed
    finally:
        await postgresql("start")
    sent = await asyncio.wait_for(answer, 60)
    assert "country" in sent.text and "Sorry" not in sent.text
    assert await asyncio.wait_for(sending, 60) == 1
    assert reminders_per_chat(fake) == Counter([5000])
    # the answer was stored: the dialog goes on at the third question
    assert "school" in (await anna.click("🇱🇻")).text


async def test_replies_survive_429_500_and_timeouts(driver: Driver, fake: FakeBotApi):
    anna = driver.teacher(101, "Anna", "en")
    fake.fail_next(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 1", retry_after=1
    )
    fake.fail_next("sendMessage", error_code=500, description="Internal Server Error")
    sent = await anna.send("/newproject")
    outcomes = [c.ok for c in sent.calls if c.method == "sendMessage"]
    assert outcomes[:3] == [False, False, True] and all(outcomes[2:])  # retried, then sent
    assert "working title" in sent.text and "Sorry" not in sent.text


async def test_time_outs_repeat_never_lose(fake: FakeBotApi, db: Database, db_url: str):
    """Telegram does not answer in time (here 1 s): the reply and the reminder are sent
    again; the slow first copy may arrive too, so a time-out can show a message twice."""
    app = build_application(settings_for(fake, db_url, telegram_read_timeout=1.0), db)
    await app.initialize()
    try:
        driver = Driver(app, fake)
        anna = driver.teacher(101, "Anna", "en")
        await anna.send("/newproject")
        fake.delay_next("sendMessage", seconds=1.5)
        await anna.send("Water around us")
        await asyncio.sleep(1)  # the slow first answer lands as well
        questions = [m["text"] for m in fake.messages(101) if "country" in m["text"]]
        assert len(questions) == 2
        assert "school" in (await anna.click("🇱🇻")).text

        seed_due_reminders(db, 1)
        dispatcher = flow.dispatcher(app.bot_data["services"], app.bot)
        fake.delay_next("sendMessage", seconds=1.5)
        assert await dispatcher.run_once() == 0  # timed out: back in the queue, 30 s later
        row = await db.run(lambda s: s.exec(select(Reminder)).one())
        assert row.status == "pending" and row.attempts == 1
        assert await dispatcher.run_once(row.due_at) == 1
    finally:
        await app.shutdown()
    assert 1 <= reminders_per_chat(fake)[5000] <= 2
