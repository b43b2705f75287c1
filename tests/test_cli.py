"""The command line, run as a real process: refusals, migrate, and `kill -9` mid-dialog."""

import asyncio
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from bot.fakeapi import updates
from bot.fakeapi.server import ApiCall, FakeBotApi
from storage.db import Database, normalise_url
from storage.migrate import upgrade
from storage.models import Deadline, Project, Reminder, User
from tests.conftest import PG_URL, TOKEN


def cli_env(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DATABASE_", "WEBHOOK_"))
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/bot.db"
    env.update(values)
    return env


def run_cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        check=False,
        cwd=tmp_path,  # no .env there
        env=cli_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_version(tmp_path: Path):
    done = run_cli(tmp_path, "version")
    assert done.returncode == 0 and done.stdout.strip() == "0.1.0"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "does not look like a BotFather token"),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none"},
            "cannot use the database",
        ),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "DEFAULT_LANGUAGE": "de"}, "DEFAULT_LANGUAGE is invalid"),
    ],
)
def test_run_refuses_with_one_clear_line(tmp_path: Path, env: dict[str, str], message: str):
    done = run_cli(tmp_path, "run", **env)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert TOKEN.split(":")[1] not in done.stderr


def test_migrate_creates_the_schema(tmp_path: Path):
    done = run_cli(tmp_path, "migrate")
    assert done.returncode == 0, done.stderr
    engine = sa.create_engine(f"sqlite:///{tmp_path}/bot.db")
    tables = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    assert {
        "user",
        "project",
        "membership",
        "chatbinding",
        "invite",
        "conversation_state",
    } <= tables


class BotProcess:
    """`python -m bot run` against the fake Bot API of this test."""

    def __init__(self, tmp_path: Path, fake: FakeBotApi) -> None:
        self.tmp_path, self.fake = tmp_path, fake
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self, **extra: str) -> None:
        env = cli_env(
            self.tmp_path,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=self.fake.base_url,
            **extra,
        )
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=self.tmp_path,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )

    async def kill(self) -> None:
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()


async def test_kill_9_mid_dialog_then_run_resumes(tmp_path: Path, fake: FakeBotApi):
    factory = updates.UpdateFactory()
    anna = updates.user(101, "Anna", "en")
    chat = updates.private_chat(anna)
    bot = BotProcess(tmp_path, fake)

    async def say(text: str, expect: str) -> ApiCall:
        after = fake.last_seq
        fake.add_update(factory.text(anna, chat, text, fake.bot_username))
        return await fake.wait_for(
            lambda c: c.method == "sendMessage" and expect in c.params["text"],
            after=after,
            timeout=30,
        )

    await bot.start()
    try:
        await say("/newproject", "working title")
        await say("Water around us", "country")
        await bot.kill()  # the instant the teacher sees the second question
        await bot.start()
        await say("Latvia", "school")  # resumed at the third question
        await say("Rīgas 1. vidusskola", "time zone")
    finally:
        await bot.kill()


@pytest.mark.postgresql
async def test_two_bot_processes_on_postgresql_send_each_reminder_once(
    tmp_path: Path, fake: FakeBotApi
):
    """Two real `python -m bot run` processes share one PostgreSQL database."""
    assert PG_URL
    admin = sa.create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    name = f"twincoach_two_{os.getpid()}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    db = Database(url)
    upgrade(db.engine)
    now = datetime.now(UTC)

    def seed(s):
        project = Project(title="Shared")
        s.add(project)
        s.add_all(User(id=5000 + n, display_name=f"Teacher {n}", started=True) for n in range(40))
        s.flush()
        deadline = Deadline(
            project_id=project.id,
            title="Exactly once",
            due_at=now + timedelta(days=3650),  # far ahead: the processes run on the real clock
            owner_id=5000,
        )
        s.add(deadline)
        s.flush()
        s.add_all(
            Reminder(
                project_id=project.id,
                deadline_id=deadline.id,
                user_id=5000 + n,
                chat_id=5000 + n,
                kind="before",
                due_at=now,
            )
            for n in range(40)
        )

    await db.run(seed)
    first, second = BotProcess(tmp_path, fake), BotProcess(tmp_path, fake)
    try:
        for bot in (first, second):
            await bot.start(DATABASE_URL=url)
        sent = 0
        for _ in range(300):
            sent = await db.run(
                lambda s: s.exec(select(sa.func.count()).where(Reminder.status == "sent")).one()
            )
            if sent == 40:
                break
            await asyncio.sleep(0.1)
        assert sent == 40
        await asyncio.sleep(12)  # two more rounds of both dispatchers: nothing may come twice
    finally:
        await first.kill()
        await second.kill()
        db.close()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
    messages = [
        c
        for c in fake.calls
        if c.method == "sendMessage" and "Exactly once" in c.params.get("text", "")
    ]
    assert sorted(c.chat_id for c in messages) == [5000 + n for n in range(40)]
