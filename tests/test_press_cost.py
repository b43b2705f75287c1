"""What a quiz button press costs the database, counted as sqlite3 or psycopg sends it,
so a change that adds a statement or a round trip shows here; and that a pooled
PostgreSQL connection found dead costs a retry at once, not a pause."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.i18n import Html
from bot.reply import Button, Message, markup
from bot.send import deliver, edit_text
from storage.db import Database, is_sqlite
from tests.conftest import _pg_admin
from tests.driver import Driver
from tests.test_pg_lean import sent
from tests.test_presses import at_first_scale


@contextmanager
def counted(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """What goes to the database for an update, each statement by its first word:
    SQLite's as sqlite3 runs them (its trace, BEGIN IMMEDIATE and COMMIT included; the
    read before each update goes to sqlite3 directly); PostgreSQL's as psycopg sends
    them, each a round trip, BEGIN, COMMIT and pool pings included."""
    seen: Counter[str] = Counter()

    def statement(sql: str) -> None:
        seen[sql.split(maxsplit=1)[0].upper()] += 1

    if is_sqlite(db.url):
        traced: list[Any] = []

        def trace(dbapi_connection: Any, _record: object, _proxy: object) -> None:
            dbapi_connection.set_trace_callback(statement)
            traced.append(dbapi_connection)

        event.listen(db.engine, "checkout", trace)
        try:
            yield seen
        finally:
            event.remove(db.engine, "checkout", trace)
            for dbapi_connection in traced:
                dbapi_connection.set_trace_callback(None)
        return
    # PostgreSQL: every statement as psycopg's cursors send it, each one round trip (the
    # read's pool, and the lean connections', storage/pg_lean.py)
    with sent(monkeypatch) as trips:
        yield seen
    seen.update(trips)


async def test_a_press_is_one_read_and_one_transaction(
    driver: Driver, db: Database, monkeypatch: pytest.MonkeyPatch
):
    """The read before the update (storage/persistence.py: scratchpad and dialog state)
    and the step's transaction: the teacher with their membership and answers so far in
    one SELECT (forms.Prefetching; they were three), the new answer. On SQLite the read
    takes no write lock (no BEGIN IMMEDIATE). On PostgreSQL no pool ping precedes
    either, and the step's read and write need no BEGIN and COMMIT (storage/pg_lean.py):
    3 round trips (they were 9, then 7, then 5)."""
    anna, _question = await at_first_scale(driver)
    driver.fake.latency = 0
    await anna.click("3")  # from the second press on, nothing is created any more
    with counted(db, monkeypatch) as seen:
        await anna.click("2")
    assert "14/20" in anna.last_text()
    if is_sqlite(db.url):
        assert seen == Counter({"SELECT": 2, "INSERT": 1, "BEGIN": 1, "COMMIT": 1})
    else:
        assert seen == Counter({"SELECT": 2, "INSERT": 1})


async def test_a_connection_postgresql_closed_is_replaced_at_once(
    driver: Driver, db: Database, db_url: str
):
    """Without pool pings, a pooled connection the server has closed fails its first
    statement: the pool drops it (and every one as old), and the update's transaction
    runs again at once on a new connection, with no pause (the pauses are for a
    database that is down: RECONNECT_PAUSES)."""
    if is_sqlite(db_url):
        pytest.skip("PostgreSQL only")
    anna, _question = await at_first_scale(driver)
    driver.fake.latency = 0
    await anna.click("3")  # the pool now holds connections
    admin = _pg_admin()
    name = sa.engine.make_url(db_url).database
    with admin.connect() as conn:
        closed = conn.exec_driver_sql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s",
            (name,),
        ).scalar()
    admin.dispose()
    assert closed
    started = time.perf_counter()
    sent = await anna.click("2")
    assert time.perf_counter() - started < 0.4  # the first pause would be 0.5 s
    assert "14/20" in anna.last_text() and "Sorry" not in sent.text


async def test_an_edit_without_parsing_sends_what_the_bot_method_sends(driver: Driver):
    """bot/send.py's `edit_text` sends the request `Bot.edit_message_text` sends (the
    bot's defaults filled in: HTML, no link previews); an edit that changes nothing or
    finds no message is no failure, another refusal is raised as before."""
    bot, fake = driver.app.bot, driver.fake
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("2", callback_data="quiz:x:2")]])
    shown = await bot.send_message(101, "before")
    await bot.edit_message_text(
        "<b>after</b>", chat_id=101, message_id=shown.message_id, reply_markup=keyboard
    )
    by_ptb = fake.calls[-1]
    await edit_text(bot, 101, shown.message_id)(
        "<b>again</b> https://example.org", reply_markup=keyboard
    )
    lean = fake.calls[-1]
    assert lean.ok and lean.method == by_ptb.method == "editMessageText"
    assert {**by_ptb.params, "text": "<b>again</b> https://example.org"} == lean.params
    assert fake.message(101, shown.message_id)["text"] == "again https://example.org"

    edit = edit_text(bot, 101, shown.message_id)
    same = Message(Html("<b>again</b> https://example.org"), [[Button("2", data="quiz:x:2")]])
    await deliver(bot, 101, same, edit=edit)  # "message is not modified": quietly
    assert fake.calls[-1].error is not None and "not modified" in fake.calls[-1].error
    await deliver(bot, 101, same, edit=edit_text(bot, 101, 999_999))  # "not found"
    assert fake.calls[-1].error is not None and "not found" in fake.calls[-1].error
    # a reply's buttons go as the Bot API reads them (bot.reply.markup_data), not as PTB
    # objects: the same request as the Bot method's with PTB's keyboard
    buttons = [[Button("1", data="quiz:x:1"), Button("Open", url="https://t.me/bot?start=x")]]
    await bot.edit_message_text(
        "<b>both</b>", chat_id=101, message_id=shown.message_id, reply_markup=markup(buttons)
    )
    by_ptb = fake.calls[-1]
    await deliver(bot, 101, Message(Html("<b>both</b> kinds"), buttons), edit=edit)
    assert fake.calls[-1].params == {**by_ptb.params, "text": "<b>both</b> kinds"}
    fake.fail_next("editMessageText", error_code=400, description="Bad Request: oops")
    with pytest.raises(BadRequest, match=r"(?i)oops"):
        await deliver(bot, 101, Message(Html("changed")), edit=edit)
