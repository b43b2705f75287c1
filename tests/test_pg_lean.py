"""PostgreSQL's lean transactions (storage/pg_lean.py): fewer round trips, and still all
or nothing, with locks held to the end, and reads that see the transaction's writes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage import answers, teams
from storage.db import Database, is_sqlite
from storage.models import Answer, Project, User
from storage.pg_lean import HOLD, OPEN, READ, route

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
async def pg(db: Database) -> Database:
    if is_sqlite(db.url):
        pytest.skip("PostgreSQL only")
    await db.run(lambda s: s.connection())  # connected: its first queries are not counted
    return db


@contextmanager
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """What reaches PostgreSQL through psycopg's cursors, in order, one entry per round
    trip: each statement's first word (also tests/test_press_cost.py's count)."""
    trips: list[str] = []
    execute = psycopg.AsyncCursor.execute

    async def counted(self: psycopg.AsyncCursor[Any], query: Any, *args: Any, **kw: Any) -> Any:
        trips.append(str(query).split(maxsplit=1)[0].upper())
        return await execute(self, query, *args, **kw)

    monkeypatch.setattr(psycopg.AsyncCursor, "execute", counted)
    yield trips


def _project(pg: Database) -> int:
    def make(s: Session) -> int:
        project = Project(title="Rivers", created_at=NOW)
        s.add(project)
        if s.get(User, 7) is None:
            s.add(User(id=7, display_name="Anna", created_at=NOW))
        s.flush()
        assert project.id is not None
        return project.id

    return pg.session_scope(make)


def _save(s: Session, project_id: int, item: str) -> None:
    answers.save(
        s,
        project_id=project_id,
        user_id=7,
        questionnaire="quiz",
        version=1,
        item=item,
        value="3",
        now=NOW,
    )


def _stored(pg: Database, project_id: int) -> list[str]:
    def read(s: Session) -> list[str]:
        rows = s.exec(select(Answer.item).where(col(Answer.project_id) == project_id))
        return sorted(rows)

    return pg.session_scope(read)


def test_statements_are_routed_by_what_they_need():
    assert route('SELECT "user".id FROM "user" WHERE "user".id = %(id)s') == READ
    assert route("SELECT project.id FROM project WHERE project.id IN (1) FOR UPDATE") == OPEN
    assert route("select 1 from t for no key update skip locked") == OPEN
    assert route("SELECT pg_advisory_xact_lock(%(key)s)") == OPEN
    assert route("SELECT pg_try_advisory_xact_lock(%(key)s)") == OPEN
    assert route("INSERT INTO answer (item) VALUES (%(item)s)") == HOLD
    assert route("INSERT INTO project (title) VALUES (%(t)s) RETURNING project.id") == OPEN
    assert route("UPDATE invite SET uses_left = uses_left - 1") == OPEN
    assert route("DELETE FROM answer") == OPEN
    assert route("WITH x AS (SELECT 1) SELECT * FROM x") == OPEN


async def test_a_read_and_a_write_are_two_round_trips_and_a_read_alone_one(
    pg: Database, monkeypatch: pytest.MonkeyPatch
):
    project_id = _project(pg)

    def read_then_write(s: Session) -> None:
        answers.load(s, project_id=project_id, user_id=7, questionnaire="quiz", version=1)
        _save(s, project_id, "a")

    with sent(monkeypatch) as trips:
        await pg.run(read_then_write)
    assert trips == ["SELECT", "INSERT"]  # no BEGIN, and the INSERT went with the commit
    with sent(monkeypatch) as trips:
        await pg.run(lambda s: s.get(Project, project_id))
    assert trips == ["SELECT"]
    assert _stored(pg, project_id) == ["a"]


async def test_writes_are_all_or_nothing(pg: Database, monkeypatch: pytest.MonkeyPatch):
    """A held INSERT that breaks a constraint fails at the commit; two INSERTs, the second
    breaking one, keep neither; a step that fails after holding a write keeps nothing."""
    project_id = _project(pg)
    nowhere = project_id + 1000  # no such project: the foreign key fails

    with sent(monkeypatch) as trips, pytest.raises(sa.exc.IntegrityError):
        await pg.run(lambda s: _save(s, nowhere, "a"))
    assert trips == ["INSERT"]

    def two(s: Session) -> None:
        _save(s, project_id, "b")
        _save(s, nowhere, "c")

    with sent(monkeypatch) as trips, pytest.raises(sa.exc.IntegrityError):
        await pg.run(two)
    assert trips == ["BEGIN", "INSERT", "INSERT", "ROLLBACK"]

    def then_fail(s: Session) -> None:
        _save(s, project_id, "d")
        raise RuntimeError("the step failed")

    with pytest.raises(RuntimeError):
        await pg.run(then_fail)
    assert _stored(pg, project_id) == []
    await pg.run(lambda s: _save(s, project_id, "e"))  # the pooled connection is clean
    assert _stored(pg, project_id) == ["e"]


async def test_a_read_after_a_held_write_sees_it(pg: Database, monkeypatch: pytest.MonkeyPatch):
    project_id = _project(pg)

    def write_then_read(s: Session) -> dict[str, str | None]:
        _save(s, project_id, "a")
        return answers.load(s, project_id=project_id, user_id=7, questionnaire="quiz", version=1)

    with sent(monkeypatch) as trips:
        seen = await pg.run(write_then_read)
    assert seen == {"a": "3"}
    assert trips == ["BEGIN", "INSERT", "SELECT", "COMMIT"]


async def test_a_locking_read_holds_its_lock_to_the_end(pg: Database):
    """`teams.lock_series` (SELECT … FOR UPDATE) runs in a real transaction: another
    connection cannot lock the row until the first transaction ends."""
    project_id = _project(pg)
    locked, release = asyncio.Event(), asyncio.Event()
    loop = asyncio.get_running_loop()

    def hold(s: Session) -> None:
        teams.lock_series(s, [project_id])
        loop.call_soon_threadsafe(locked.set)
        # the step waits, on the loop, while holding the lock (a test-only pause)
        from sqlalchemy.util.concurrency import await_  # noqa: PLC0415

        await_(release.wait())

    holder = asyncio.create_task(pg.run(hold))
    await locked.wait()

    def try_lock() -> bool:
        with pg.engine.connect() as conn:
            try:
                conn.exec_driver_sql(
                    "SELECT id FROM project WHERE id = %s FOR UPDATE NOWAIT", (project_id,)
                )
            except sa.exc.OperationalError:
                return False
            return True

    assert await asyncio.to_thread(try_lock) is False
    release.set()
    await holder
    assert await asyncio.to_thread(try_lock) is True


async def test_sqlalchemys_autocommit_level_runs_each_statement_alone_and_is_reset(
    pg: Database, monkeypatch: pytest.MonkeyPatch
):
    """A connection given SQLAlchemy's AUTOCOMMIT level keeps a write without any commit;
    back in the pool (its level reset), it runs lean transactions again, which commit."""
    project_id = _project(pg)
    assert pg.async_engine is not None
    await pg.async_engine.dispose()  # one connection from here on: the same one after

    def write_b(s: Session) -> None:
        answers.load(s, project_id=project_id, user_id=7, questionnaire="quiz", version=1)
        _save(s, project_id, "b")

    async with pg.async_engine.connect() as conn:
        alone = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await alone.run_sync(lambda sync: _save(Session(bind=sync), project_id, "a"))
    assert _stored(pg, project_id) == ["a"]  # no commit was asked for
    with sent(monkeypatch) as trips:
        await pg.run(write_b)
    assert trips == ["SELECT", "INSERT"]
    assert _stored(pg, project_id) == ["a", "b"]
