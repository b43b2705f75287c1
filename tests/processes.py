"""Real `python -m bot …` processes for tests, and throwaway PostgreSQL databases for them."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bot.fakeapi.server import FakeBotApi
from storage.db import normalise_url
from tests.conftest import PG_URL, TOKEN


def cli_env(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DATABASE_", "WEBHOOK_", "LOG_", "SEND_", "RUN_"))
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/bot.db"
    env.update(values)
    return env


class BotProcess:
    """`python -m bot run` (or `scheduler`) against the fake Bot API of this test; what it
    logs goes to a file, so a test can read the lines."""

    def __init__(self, tmp_path: Path, fake: FakeBotApi, command: str = "run") -> None:
        self.tmp_path, self.fake, self.command = tmp_path, fake, command
        self.proc: asyncio.subprocess.Process | None = None
        self.log = tmp_path / f"{command}-{uuid.uuid4().hex[:6]}.log"

    async def start(self, **extra: str) -> None:
        env = cli_env(
            self.tmp_path,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=self.fake.base_url,
            **extra,
        )
        with self.log.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                self.command,
                cwd=self.tmp_path,
                env=env,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=log,
            )

    async def stop(self) -> int:
        """SIGTERM, as a service manager stops it; returns the exit code."""
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), 30)

    async def kill(self) -> None:
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    def json_lines(self) -> list[dict[str, Any]]:
        """Its log, when LOG_FORMAT=json: every line must be one JSON object."""
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]


@contextmanager
def pg_database(prefix: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the test server; dropped afterwards."""
    assert PG_URL
    admin = sa.create_engine(
        normalise_url(PG_URL), isolation_level="AUTOCOMMIT", pool_pre_ping=True
    )
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def free_port() -> int:
    """A loopback port nobody listens on (right now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
