"""Command line: `python -m bot [run|scheduler|migrate|console|doctor|version]`.

With no command: `run` when a token is configured, else the offline `console`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from importlib.metadata import version
from typing import Any

import uvloop
from pydantic import ValidationError
from telegram.error import InvalidToken

from bot import logs
from bot.app import collector
from bot.app.application import build_application, build_scheduler
from bot.config import Settings
from bot.context import TwinApp
from scheduler.school_data.seed import seed
from storage.db import Database
from storage.migrate import upgrade


def _settings() -> Settings:
    """The settings, or one line per wrong one (never its value: it may be a secret)."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(p) for p in error["loc"]).upper()
            reason = error["msg"].removeprefix("Value error, ")
            problems.append(f"twincoach: setting {field} is invalid: {reason}")
        raise SystemExit("\n".join(problems)) from None


def _database(settings: Settings, url: str | None = None) -> Database:
    """Open the database (`url`, else DATABASE_URL), bring its schema up to date and store
    the shipped school holidays (once per data version), or stop with one clear line."""
    db = Database(url or settings.database_url)
    try:
        db.ping()
        upgrade(db.engine)
        db.session_scope(seed)
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SystemExit(f"twincoach: cannot use the database ({reason})") from None
    return db


ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]


def _check_token(settings: Settings) -> None:
    problem = settings.token_problem()
    if problem:
        raise SystemExit(f"twincoach: {problem}")


def _hooks(app: TwinApp, settings: Settings, db: Database) -> None:
    """Once started: the collector settled (bot/app/collector.py), and /healthz and
    /metrics served while the application runs (HEALTH_PORT, 0 = off)."""
    server = None
    if settings.health_port:
        from bot.app.health import HealthServer  # noqa: PLC0415 - tornado only when it serves

        server = HealthServer(db, settings.health_listen, settings.health_port)

    async def start(_app: object) -> None:
        if server is not None:
            server.start()
        collector.settle()

    async def stop(_app: object) -> None:
        if server is not None:
            await server.stop()

    app.post_init, app.post_shutdown = start, stop


def run(settings: Settings) -> None:
    _check_token(settings)
    webhook = webhook_options(settings) if settings.webhook_url else None
    db = _database(settings)
    app = build_application(settings, db)
    _hooks(app, settings, db)
    # uvloop: much of the bot's CPU goes to the loop and socket I/O, which uvloop does in C.
    # run_polling and run_webhook run on the current loop.
    asyncio.set_event_loop(uvloop.new_event_loop())
    try:
        if webhook:
            app.run_webhook(**webhook, allowed_updates=ALLOWED_UPDATES)
        else:
            app.run_polling(allowed_updates=ALLOWED_UPDATES)
    finally:
        db.close()


def scheduler(settings: Settings) -> None:
    """Only the reminder jobs, as their own process: any number of these and of bot
    workers may share one PostgreSQL, each reminder is claimed by one of them."""
    _check_token(settings)
    db = _database(settings)
    app = build_scheduler(settings, db)
    _hooks(app, settings, db)
    try:
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            runner.run(_serve_jobs(app, db))
    finally:
        db.close()


async def _serve_jobs(app: TwinApp, db: Database) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with app:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        logging.getLogger("bot.scheduler").info("scheduler running; stop with Ctrl-C")
        await stop.wait()
        await app.stop()
        if app.post_shutdown:
            await app.post_shutdown(app)
    await db.close_async()  # PostgreSQL's async connections, on the loop that opened them


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Where Telegram posts updates; requests without the secret header are refused (403)."""
    if settings.webhook_url is None or settings.webhook_secret is None:
        raise SystemExit("twincoach: webhook mode needs both WEBHOOK_URL and WEBHOOK_SECRET.")
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": "telegram",
        "webhook_url": f"{settings.webhook_url}/telegram",
        "secret_token": settings.webhook_secret.get_secret_value(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot", description="TwinCoach Telegram bot")
    parser.add_argument(
        "command",
        nargs="?",
        choices=["run", "scheduler", "migrate", "console", "doctor", "version"],
        help="default: run when TELEGRAM_BOT_TOKEN is set, else console",
    )
    args = parser.parse_args(argv)
    if args.command == "version":
        print(version("twincoach"))
        return
    settings = _settings()
    logs.configure(settings)
    command = args.command or ("run" if settings.telegram_bot_token else "console")
    if command == "migrate":
        _database(settings).close()
        print("twincoach: the database schema is up to date.")
    elif command == "doctor":
        from bot.app.doctor import doctor  # noqa: PLC0415 - it asks Alembic, which a start skips

        raise SystemExit(doctor(settings))
    elif command == "console":
        from bot.app.console import run_console  # noqa: PLC0415 - the in-process fake API, only here

        logging.getLogger().setLevel(logging.WARNING)
        asyncio.run(run_console(settings, _database(settings, settings.console_database_url)))
    else:
        try:
            scheduler(settings) if command == "scheduler" else run(settings)
        except InvalidToken:  # its message quotes the token
            raise SystemExit(
                "twincoach: Telegram rejected TELEGRAM_BOT_TOKEN (revoked? BotFather's /token "
                "shows the current one)."
            ) from None
