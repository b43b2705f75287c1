"""What reaches the log: never the bot token, at any level and from any library."""

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot import logs
from bot.config import Settings
from bot.fakeapi import update_factory
from bot.fakeapi.server import FakeBotApi
from storage import answers
from storage.db import is_sqlite
from tests.conftest import TOKEN
from tests.driver import Driver
from tests.processes import BotProcess
from tests.test_roles import team_of_three

SECRET = TOKEN.split(":")[1]


@pytest.fixture
def root_logging() -> Iterator[None]:
    """logs.configure replaces the root handler; the test's own comes back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_the_token_is_in_no_line_at_debug(tmp_path: Path, fake: FakeBotApi, log_format: str):
    """python-telegram-bot logs its API address, token included, at DEBUG."""
    bot = BotProcess(tmp_path, fake)
    await bot.start(LOG_LEVEL="DEBUG", LOG_FORMAT=log_format)
    try:
        anna = update_factory.user(101, "Anna", "en")
        chat = update_factory.private_chat(anna)
        fake.add_update(update_factory.UpdateFactory().text(anna, chat, "/help", fake.bot_username))
        await fake.wait_for(lambda c: c.method == "sendMessage", timeout=30)
    finally:
        assert await bot.stop() == 0
    output = bot.log.read_text()
    assert "DEBUG" in output and "/bot<redacted>" in output  # the lines are there, cut
    assert SECRET not in output
    if log_format == "json":
        assert all(line["message"] for line in bot.json_lines())


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_the_token_is_cut_from_arguments_and_exceptions(
    capsys: pytest.CaptureFixture[str], root_logging: None, log_format: str
):
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=TOKEN,
        log_level="DEBUG",
        log_format=log_format,  # type: ignore[arg-type]
    )
    logs.configure(settings)
    other = "https://api.telegram.org/bot987654:ANOTHER-token-not-configured-here-x/getMe"
    log = logging.getLogger("somewhere.else")
    log.debug("calling %s with %s", other, {"token": TOKEN})
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.")
    except RuntimeError:
        log.exception("failed")
    output = capsys.readouterr().err
    assert SECRET not in output and "ANOTHER-token" not in output
    assert "/bot<redacted>/getMe" in output and "The token `<redacted>` was rejected" in output
    if log_format == "json":
        assert [json.loads(line)["level"] for line in output.splitlines()] == ["DEBUG", "ERROR"]


def failing_save(session, **values):
    """A statement that fails with the teacher's answer as its parameter."""
    statement = sa.text("INSERT INTO no_such_table (value) VALUES (:value)")
    session.connection().execute(statement, {"value": values["value"]})


def failing_parse(_session, **values):
    int(values["value"])  # ValueError: invalid literal for int() with base 10: '<the text>'


@pytest.mark.parametrize(
    ("save", "error"),
    [(failing_save, "sqlalchemy.exc."), (failing_parse, "builtins.ValueError")],
)
async def test_a_failed_update_logs_type_and_traceback_never_the_teachers_text(
    driver: Driver,
    capsys: pytest.CaptureFixture[str],
    root_logging: None,
    monkeypatch: pytest.MonkeyPatch,
    save: object,
    error: str,
    db_url: str,
):
    anna, _jonas, _maria = await team_of_three(driver)
    await anna.send("/partners")
    logs.configure(Settings(_env_file=None, telegram_bot_token=TOKEN))  # type: ignore[call-arg]
    monkeypatch.setattr(answers, "save", save)
    sent = await anna.send("Our secret plan: Riga and Vilnius, chosen by 1 December")
    assert "something went wrong" in sent.text
    output = capsys.readouterr().err
    assert "ERROR bot.app: update" in output and "failed:" in output
    # on PostgreSQL a lone INSERT goes with the commit (storage/pg_lean.py): its traceback
    # runs through the transaction's commit instead of the step
    held = save is failing_save and not is_sqlite(db_url)
    where = "_transaction" if held else getattr(save, "__name__", "")
    assert "Traceback (most recent call last):" in output and where in output
    assert error in output
    assert "secret plan" not in output
