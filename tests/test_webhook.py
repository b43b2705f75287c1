"""Webhook mode: Telegram's secret-token header is required."""

import asyncio
from pathlib import Path

import httpx
from telegram.ext import Application

from bot.app.application import build_application
from bot.app.cli import ALLOWED_UPDATES, webhook_options
from bot.fakeapi import update_factory
from bot.fakeapi.server import FakeBotApi
from storage.db import Database
from tests.conftest import settings_for
from tests.processes import BotProcess, free_port


def help_from_anna() -> dict[str, object]:
    anna = update_factory.user(101, "Anna", "en")
    chat = update_factory.private_chat(anna)
    return {
        "update_id": 1,
        **update_factory.UpdateFactory().text(anna, chat, "/help", "TwinCoachBot"),
    }


async def test_webhook_refuses_requests_without_the_secret(
    fake: FakeBotApi, db: Database, db_url: str
):
    port = free_port()
    settings = settings_for(
        fake,
        db_url,
        webhook_url="https://bot.example.org",
        webhook_secret="s3cret-value",
        webhook_port=port,
    )
    app: Application = build_application(settings, db)
    options = webhook_options(settings)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(**options, allowed_updates=ALLOWED_UPDATES)
        try:
            hook = next(c for c in fake.calls if c.method == "setWebhook")
            assert hook.params["url"] == "https://bot.example.org/telegram"
            assert hook.params["secret_token"] == "s3cret-value"
            update = help_from_anna()
            url = f"http://127.0.0.1:{port}/telegram"
            async with httpx.AsyncClient() as client:
                refused = await client.post(url, json=update)
                forged = await client.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
                )
                accepted = await client.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-value"}
                )
            assert (refused.status_code, forged.status_code, accepted.status_code) == (
                403,
                403,
                200,
            )
            reply = await fake.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == 101)
            assert "What I can do" in reply.params["text"]
        finally:
            await app.updater.stop()
            await app.stop()


async def test_the_webhook_process_answers_and_stops_cleanly(tmp_path: Path, fake: FakeBotApi):
    """`python -m bot run` in webhook mode, as deployed (on uvloop): it registers the
    webhook, answers an update posted with the secret, and exits 0 on SIGTERM."""
    port = free_port()
    bot = BotProcess(tmp_path, fake)
    await bot.start(
        WEBHOOK_URL="https://bot.example.org",
        WEBHOOK_SECRET="s3cret-value",
        WEBHOOK_PORT=str(port),
        RUN_SCHEDULER="false",
    )
    try:
        await fake.wait_for(lambda c: c.method == "setWebhook", timeout=30)
        headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-value"}
        async with httpx.AsyncClient() as client:
            for _ in range(100):  # the server may start listening just after setWebhook
                try:
                    accepted = await client.post(
                        f"http://127.0.0.1:{port}/telegram", json=help_from_anna(), headers=headers
                    )
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.1)
            else:
                raise AssertionError(f"nothing listens on port {port}")
        assert accepted.status_code == 200
        reply = await fake.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == 101)
        assert "What I can do" in reply.params["text"]
    finally:
        code = await bot.stop()
    assert code == 0, bot.log.read_text()[-2000:]
    assert "Traceback" not in bot.log.read_text()
