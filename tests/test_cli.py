"""The command line, run as a real process: refusals, migrate, and `kill -9` mid-dialog
(the other faults are in test_faults.py)."""

import asyncio
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from bot.config import Settings
from bot.fakeapi import update_factory
from bot.fakeapi.server import ApiCall, FakeBotApi
from storage.models import Project, Reminder, ReminderKind
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
    assert_refused(run_cli(tmp_path, "run", **env), message)


def assert_refused(done: subprocess.CompletedProcess[str], message: str) -> None:
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert TOKEN.split(":")[1] not in done.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("WEBHOOK_URL", "http://bot.example.org", "Telegram posts only to a public https://"),
        (
            "WEBHOOK_URL",
            "https://bot.example.org:9000",
            "https:// address on port 443, 80, 88 or 8443",
        ),
        ("WEBHOOK_SECRET", "not/allowed", "use 1 to 256 characters, only A-Z, a-z, 0-9, _ and -"),
        ("WEBHOOK_SECRET", "x" * 257, "use 1 to 256 characters"),
        ("WEBHOOK_PORT", "70000", "must be a port number from 1 to 65535"),
        ("WEBHOOK_PORT", "-5", "must be a port number from 1 to 65535"),
        ("HEALTH_PORT", "65536", "must be a port number from 1 to 65535 (or 0: off)"),
        ("DATABASE_URL", "mysql://tc:pw@db/twincoach", "only SQLite and PostgreSQL are supported"),
    ],
)
def test_settings_telegram_or_the_bot_would_fail_on_later_are_refused_at_once(
    tmp_path: Path, name: str, value: str, message: str
):
    done = run_cli(tmp_path, "run", TELEGRAM_BOT_TOKEN=TOKEN, **{name: value})
    assert_refused(done, f"twincoach: setting {name} is invalid: ")
    assert message in done.stderr
    assert value not in done.stderr  # a secret or a password is never echoed


def test_every_wrong_setting_gets_its_own_line(tmp_path: Path):
    done = run_cli(tmp_path, "run", WEBHOOK_PORT="0", DATABASE_URL="mysql://db/twincoach")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert [line.split(" is invalid")[0] for line in lines] == [
        "twincoach: setting DATABASE_URL",
        "twincoach: setting WEBHOOK_PORT",
    ], done.stderr


async def test_run_refuses_a_token_telegram_rejects(tmp_path: Path, fake: FakeBotApi):
    """A revoked token passes the format check: Telegram answers 401, PTB logs an error
    quoting the token (cut from the log) and the process ends with one clear line."""
    fake.fail_next("getMe", error_code=401, description="Unauthorized")
    bot = BotProcess(tmp_path, fake)
    await bot.start()
    assert bot.proc is not None
    assert await asyncio.wait_for(bot.proc.wait(), 30) == 1
    output = bot.log.read_text()
    assert (
        "twincoach: Telegram rejected TELEGRAM_BOT_TOKEN (revoked? BotFather's /token shows "
        "the current one)."
    ) in output.splitlines(), output
    assert TOKEN.split(":")[1] not in output  # PTB's own error names it; the log hides it


@pytest.mark.parametrize(
    "values",
    [
        {"database_url": "postgres://tc@db/twincoach"},
        {"database_url": "postgresql+psycopg://tc@db/twincoach"},
        {"database_url": "sqlite:///data/twincoach.db"},
        {"webhook_url": "https://bot.example.org:8443/", "webhook_secret": "A-z_09" * 40},
        # a self-hosted Bot API server (--local) posts to any address, plain HTTP too
        {
            "telegram_api_base_url": "http://127.0.0.1:8081/bot",
            "webhook_url": "http://10.0.0.5:9000",
        },
        {"webhook_port": 65535, "health_port": 0},
    ],
)
def test_settings_that_work_are_accepted(values: dict[str, object]):
    Settings(_env_file=None, **values)  # type: ignore[call-arg]


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
    factory = update_factory.UpdateFactory()
    anna = update_factory.user(101, "Anna", "en")
    chat = update_factory.private_chat(anna)
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
        await say("Rīgas 1. vidusskola", "outside Telegram")
        await say("anna@example.lv", "time zone")
    finally:
        await bot.kill()


def test_the_console_never_touches_the_real_database(tmp_path: Path):
    """With DATABASE_URL pointing at a real team's database (one reminder due), the console
    runs on its own file: the due reminder stays pending and no console teacher is written."""
    real = tmp_path / "real.db"
    done = run_cli(tmp_path, "migrate", DATABASE_URL=f"sqlite:///{real}")
    assert done.returncode == 0, done.stderr
    with Session(sa.create_engine(f"sqlite:///{real}")) as session:
        session.add(Project(id=1, title="Real"))
        session.add(
            Reminder(
                project_id=1,
                chat_id=42,
                kind=ReminderKind.DIGEST,
                due_at=datetime(2020, 1, 1, tzinfo=UTC),
            )
        )
        session.commit()
    before = real.read_bytes()
    console = subprocess.run(
        [sys.executable, "-m", "bot", "console"],
        check=False,
        cwd=tmp_path,
        env=cli_env(tmp_path, DATABASE_URL=f"sqlite:///{real}"),
        input="/start\n:quit\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert console.returncode == 0, console.stderr
    assert "TwinCoach" in console.stdout
    assert real.read_bytes() == before
    assert (tmp_path / "data" / "console.db").exists()
