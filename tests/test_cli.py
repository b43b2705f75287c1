"""The command line, run as a real process: refusals, migrate, and `kill -9` mid-dialog
(the other faults are in test_faults.py)."""

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.fakeapi import updates
from bot.fakeapi.server import ApiCall, FakeBotApi
from tests.conftest import TOKEN
from tests.processes import BotProcess, cli_env


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
