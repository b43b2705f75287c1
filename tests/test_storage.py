"""Storage on both databases: the migrations match the models, invites race safely,
SQLite runs in WAL mode with foreign keys, and the persistence round-trips."""

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import storage.db
from storage import teams
from storage.db import Database, is_sqlite, make_engine
from storage.migrate import alembic_config
from storage.models import Invite, Project, Role, User
from storage.persistence import DbPersistence
from storage.teams import InviteProblem
from tests.conftest import _pg_admin

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_migrations_match_the_models(db: Database):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_sqlite_pragmas(db: Database):
    if not is_sqlite(db.url):
        return
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


async def test_the_last_invite_use_goes_to_one_teacher(db: Database):
    now = datetime.now(UTC)

    def setup(s):
        anna = User(id=1, display_name="Anna", country="LV")
        s.add_all([anna, User(id=2, display_name="B"), User(id=3, display_name="C")])
        project = teams.create_project(s, founder=anna, title="P")
        s.flush()
        invite = teams.create_invite(s, project_id=project.id, created_by=1, now=now)
        invite.uses_left = 1
        return invite.token

    token = await db.run(setup)
    first = await db.run(
        lambda s: teams.redeem_invite(s, token=token, user=s.get(User, 2), now=now)
    )
    second = await db.run(
        lambda s: teams.redeem_invite(s, token=token, user=s.get(User, 3), now=now)
    )
    assert first.role == Role.PARTNER and second == InviteProblem.USED_UP
    later = now + timedelta(days=teams.INVITE_DAYS, seconds=1)
    assert await db.run(lambda s: teams.check_invite(s, token=token, user_id=3, now=later)) in (
        InviteProblem.EXPIRED,
        InviteProblem.USED_UP,
    )
    stored = await db.run(lambda s: s.get(Invite, token))
    assert stored.uses_left == 0 and stored.expires_at.tzinfo is not None


async def test_persistence_round_trip(db: Database):
    store = DbPersistence(db)
    await store.update_conversation("dialog", (101, 101), "newproject")
    await store.update_user_data(101, {"form": {"name": "newproject", "answers": {"title": "X"}}})
    fresh = DbPersistence(db)
    assert await fresh.get_conversations("dialog") == {}  # nothing at start: read per update
    assert await fresh.get_user_data() == {}
    assert await fresh.load(101, [("dialog", (101, 101)), ("dialog", (-100, 101))]) == (
        {"form": {"name": "newproject", "answers": {"title": "X"}}},
        ["newproject", None],
    )
    await fresh.update_conversation("dialog", (101, 101), None)
    await fresh.update_user_data(101, {})
    again = DbPersistence(db)
    assert await again.load(101, [("dialog", (101, 101))]) == ({}, [None])
    assert await again.load(102, []) == ({}, [])


async def test_what_is_loaded_is_what_the_next_write_is_compared_with(db: Database):
    """Two workers: what one reads replaces what it wrote last in its write-skip caches,
    so writing its old value again (after the other changed it) is not skipped."""
    first, second = DbPersistence(db), DbPersistence(db)
    key = [("dialog", (101, 101))]
    await first.update_user_data(101, {"form": {"name": "quiz"}})
    await first.update_conversation("dialog", (101, 101), "quiz")
    assert await second.load(101, key) == ({"form": {"name": "quiz"}}, ["quiz"])
    await second.update_user_data(101, {})
    await second.update_conversation("dialog", (101, 101), None)
    assert await first.load(101, key) == ({}, [None])
    await first.update_user_data(101, {"form": {"name": "quiz"}})
    await first.update_conversation("dialog", (101, 101), "quiz")
    assert await DbPersistence(db).load(101, key) == ({"form": {"name": "quiz"}}, ["quiz"])
    # and what is stored already is not written again
    writes = []

    async def record(write):
        writes.append(write)

    first._write = record  # type: ignore[method-assign]
    await first.update_user_data(101, {"form": {"name": "quiz"}})
    await first.update_conversation("dialog", (101, 101), "quiz")
    assert writes == []


async def test_sql_errors_never_quote_the_values(db: Database):
    """A failed statement's message (and so any log of it) leaves the teacher's text out."""

    def failing(session):
        statement = sa.text("INSERT INTO no_such_table (value) VALUES (:value)")
        session.connection().execute(statement, {"value": "Our secret plan"})

    with pytest.raises(sa.exc.DBAPIError) as on_the_loop:
        await db.run(failing)
    with pytest.raises(sa.exc.DBAPIError) as in_a_scope:
        db.session_scope(failing)
    for caught in (on_the_loop, in_a_scope):
        assert "no_such_table" in str(caught.value) and "Our secret plan" not in str(caught.value)


async def test_the_read_before_each_update_waits_for_the_database(
    db: Database, monkeypatch: pytest.MonkeyPatch
):
    """PostgreSQL restarting, SQLite locked: the read is tried again, as transactions are."""
    monkeypatch.setattr(storage.db, "RECONNECT_PAUSES", (0.01, 0.01))
    await DbPersistence(db).update_conversation("dialog", (101, 101), "quiz")
    failures = []
    if db.async_engine is not None:  # PostgreSQL's: the statement finds the server gone
        execute = psycopg.AsyncConnection.execute

        async def gone(self: psycopg.AsyncConnection[Any], *args: Any, **kwargs: Any) -> Any:
            if len(failures) < 2:
                failures.append(1)
                raise psycopg.OperationalError("server closed the connection unexpectedly")
            return await execute(self, *args, **kwargs)

        monkeypatch.setattr(psycopg.AsyncConnection, "execute", gone)
    else:
        engine = db.engine

        class Locked:  # SQLite's connection, its statement finding the database locked
            def cursor(self) -> "Locked":
                return self

            def execute(self, *_args: object) -> None:
                raise sqlite3.OperationalError("database is locked")

            def close(self) -> None:
                pass

        class LockedTwice:
            def __getattr__(self, name: str) -> object:
                return getattr(engine, name)

            def raw_connection(self) -> object:
                if len(failures) < 2:
                    failures.append(1)
                    return Locked()
                return engine.raw_connection()

        monkeypatch.setattr(db, "engine", LockedTwice())
    assert await DbPersistence(db).load(101, [("dialog", (101, 101))]) == ({}, ["quiz"])
    assert len(failures) == 2


async def test_a_transaction_that_finds_sqlite_locked_is_tried_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    """Another process holds SQLite's write lock: the transaction's BEGIN IMMEDIATE finds
    the database locked, and the transaction runs once the lock is free, like any other
    "locked" (here the pool's connection gives up at once instead of after 15 s)."""
    monkeypatch.setattr(storage.db, "RECONNECT_PAUSES", (0.05,) * 8)
    path = tmp_path / "locked.db"
    db = Database(f"sqlite:///{path}")
    with db.engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE note (text TEXT)")
        conn.commit()
        conn.exec_driver_sql("PRAGMA busy_timeout=0")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    asyncio.get_running_loop().call_later(0.12, holder.commit)

    def write(session: Any) -> int:
        session.connection().exec_driver_sql("INSERT INTO note VALUES ('kept')")
        return 1

    try:
        assert await db.run(write) == 1
    finally:
        holder.close()
        db.close()
    assert "database is locked); trying again" in caplog.text
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT text FROM note").fetchall() == [("kept",)]


def test_projects_before_0011_have_no_working_language_and_the_downgrade_drops_it(db_url: str):
    """Migration 0011: the working language is a new, empty column; until a lead chooses
    one, the founders' language decides (handlers/registration_kit.py)."""
    engine = make_engine(db_url)
    config = alembic_config(engine)
    command.downgrade(config, "0010")
    with engine.begin() as conn:
        conn.execute(
            sa.insert(Project).values(id=1, title="Water around us", stage=2, created_at=NOW)
        )
    command.upgrade(config, "head")
    with engine.connect() as conn:
        row = conn.execute(sa.select(Project.title, Project.working_language)).one()
    assert tuple(row) == ("Water around us", None)
    command.downgrade(config, "0010")
    with engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("project")}
    engine.dispose()
    assert "working_language" not in columns and "title" in columns


async def test_a_process_opens_at_most_22_connections_to_postgresql(db: Database, db_url: str):
    """README (several workers): 12 for the updates' transactions, 4 for the reads before
    each update, 6 for start-up, migrations and the health check. Far more work than
    connections at once waits for one and is done; the server never sees more."""
    if is_sqlite(db_url):
        pytest.skip("PostgreSQL only")
    admin = _pg_admin()
    name = sa.engine.make_url(db_url).database
    seen: list[int] = []

    async def count_while(work: asyncio.Future[Any]) -> None:
        while not work.done():
            with admin.connect() as conn:
                seen.append(
                    conn.exec_driver_sql(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,)
                    ).scalar_one()
                )
            await asyncio.sleep(0.02)

    def slow(session: Any) -> None:
        session.execute(sa.select(sa.func.pg_sleep(0.1)))

    work = asyncio.gather(
        *(db.run(slow) for _ in range(40)),
        *(db.read_row(sa.select(sa.literal(1), sa.func.pg_sleep(0.1)), {}) for _ in range(40)),
        *(asyncio.to_thread(db.session_scope, slow) for _ in range(12)),
    )
    await asyncio.gather(work, count_while(work))
    admin.dispose()
    assert 16 <= max(seen) <= 22
