"""`python -m bot doctor` as an operator runs it: every check reported, exit 1 on a failure."""

import asyncio
import sys
from pathlib import Path

from bot.fakeapi.server import FakeBotApi
from storage.db import make_engine
from storage.migrate import upgrade
from tests.conftest import TOKEN
from tests.test_cli import cli_env


async def doctor(tmp_path: Path, **env: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "doctor",
        cwd=tmp_path,
        env=cli_env(tmp_path, **env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, out.decode()


async def test_a_healthy_setup(tmp_path: Path, fake: FakeBotApi):
    engine = make_engine(f"sqlite:///{tmp_path}/bot.db")
    upgrade(engine)
    engine.dispose()
    code, out = await doctor(
        tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=fake.base_url
    )
    assert code == 0, out
    assert out.count("ok   ") == 4 and "@TwinCoachBot" in out


async def test_problems_are_named(tmp_path: Path, fake: FakeBotApi):
    code, out = await doctor(
        tmp_path, TELEGRAM_BOT_TOKEN="nonsense", TELEGRAM_API_BASE_URL=fake.base_url
    )
    assert code == 1
    assert "FAIL token" in out and "FAIL database" in out and "python -m bot migrate" in out
    assert "ok   time zones" in out
    code, out = await doctor(
        tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot"
    )
    assert code == 1 and "FAIL Bot API" in out
