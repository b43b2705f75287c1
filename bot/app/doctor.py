"""`python -m bot doctor`: checks what a deployment needs and says plainly what is wrong.

Every check is reported, one line each; the exit code is 1 when any failed. Nothing is
changed: the schema is compared with the newest migration, not upgraded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from zoneinfo import ZoneInfo

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from holidays import country_holidays
from telegram import Bot

from bot.config import Settings
from storage.db import Database
from storage.migrate import alembic_config


def _token(settings: Settings) -> str:
    problem = settings.token_problem()
    if problem:
        raise RuntimeError(problem)
    return "looks like a BotFather token"


def _database(settings: Settings) -> str:
    db = Database(settings.database_url)
    try:
        db.ping()
        head = ScriptDirectory.from_config(alembic_config(db.engine)).get_current_head()
        with db.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    finally:
        db.close()
    if current != head:
        raise RuntimeError(
            f"schema at {current or 'nothing'}, newest is {head}: run `python -m bot migrate`"
        )
    return f"reachable, schema at {head}"


def _time_zones(_settings: Settings) -> str:
    ZoneInfo("Europe/Riga")
    country_holidays("LV", years=2026)
    return "time-zone and holiday data present"


async def _bot_api(settings: Settings) -> str:
    token = settings.telegram_bot_token
    if token is None:
        raise RuntimeError("no token to ask with")
    bot = Bot(
        token.get_secret_value(),
        base_url=settings.telegram_api_base_url or "https://api.telegram.org/bot",
        base_file_url=settings.base_file_url or "https://api.telegram.org/file/bot",
    )
    async with bot:
        me = await bot.get_me()
    return f"reachable, the bot is @{me.username}"


def diagnose(settings: Settings) -> list[tuple[str, bool, str]]:
    """(check, passed, detail) for each check, in order."""
    checks: list[tuple[str, Callable[[Settings], str]]] = [
        ("token", _token),
        ("database", _database),
        ("time zones", _time_zones),
        ("Bot API", lambda s: asyncio.run(_bot_api(s))),
    ]
    report = []
    for name, check in checks:
        try:
            report.append((name, True, check(settings)))
        except Exception as exc:
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            report.append((name, False, detail))
    return report


def doctor(settings: Settings) -> int:
    report = diagnose(settings)
    for name, passed, detail in report:
        print(f"{'ok  ' if passed else 'FAIL'} {name}: {detail}")
    return 0 if all(passed for _, passed, _ in report) else 1
