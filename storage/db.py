"""Engine and the one place where a database session is opened, committed and closed.

Every update does all its database work in *one* synchronous function, run by
`Database.run`. How it runs depends on the database, as measured (README, Performance):

- PostgreSQL: on the event loop through the async psycopg driver. SQLAlchemy runs the
  synchronous function in a greenlet (`AsyncSession.run_sync`) and every statement's
  round trip is awaited, so a slow database never stalls other teachers' updates, and
  no worker threads fight the loop for the GIL (that cost a third of the throughput).
- SQLite: on the event loop itself, plainly. A local file answers in microseconds, it
  has one writer anyway, and handing each session to a thread cost a fifth to a quarter
  of the throughput. `BEGIN IMMEDIATE` takes the write lock up front, so lock upgrades
  never fail.

`session_scope` is the same transaction for synchronous callers (migrations, the health
check's thread, tools and tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel import Session
from sqlmodel.ext.asyncio.session import AsyncSession

if TYPE_CHECKING:
    from psycopg_pool import AsyncConnectionPool

T = TypeVar("T")
log = logging.getLogger(__name__)
# Seconds between tries when the database is unreachable: about a minute in all.
RECONNECT_PAUSES = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 15.0, 15.0)
# PostgreSQL's reads before each update: a read holds a connection for one round trip, so
# four carry thousands a second; longer than READ_WAIT seconds without one, the database
# counts as unreachable (and the read is tried again after a pause).
READ_CONNECTIONS = 4
READ_WAIT = 5.0


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


# What DATABASE_URL may start with: SQLite, or PostgreSQL through psycopg 3 (sync and async).
SCHEMES = ("sqlite", "sqlite+pysqlite", "postgresql", "postgres", "postgresql+psycopg")


def is_supported(url: str) -> bool:
    scheme, separator, _rest = url.partition("://")
    return bool(separator) and scheme in SCHEMES


def normalise_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


# Every engine has hide_parameters: an SQL error's message then never quotes the values (a
# teacher's text), and neither does any log line or traceback made from it.


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if not is_sqlite(url):
        return sa.create_engine(
            url, pool_pre_ping=True, pool_size=2, max_overflow=4, hide_parameters=True
        )
    path = sa.engine.make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 15}, hide_parameters=True
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        # straight to sqlite3: SQLAlchemy's own execution of it was a fifth of an empty
        # transaction's cost, on every update. "Locked" is raised as SQLAlchemy raises
        # it, so the transaction is tried again (`Database._retrying`).
        driver = conn.connection.driver_connection
        assert driver is not None
        try:
            driver.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise sa.exc.OperationalError("BEGIN IMMEDIATE", None, exc) from exc

    return engine


def _one(row: Sequence[Any] | None) -> Sequence[Any]:
    if row is None:
        raise sa.exc.NoResultFound("No row was found when one was required")
    return row


def _transaction(session: Session, fn: Callable[[Session], T]) -> T:
    """Run `fn` in `session`: commit on success, roll back on error."""
    try:
        result = fn(session)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return result


class Database:
    """Owns the engines: a synchronous one, and for PostgreSQL an async one for `run`."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self._compiled: dict[sa.Select[Any], SQLCompiler] = {}  # `read_row`'s statements
        self._reads: AsyncConnectionPool | None = None  # PostgreSQL's `read_row`, on first use
        self.async_engine: AsyncEngine | None = (
            None
            if is_sqlite(self.url)
            # No pool_pre_ping: it cost a round trip before every update's transaction
            # and every read (two of a press's nine). A connection found dead (PostgreSQL
            # restarted, an idle connection cut) fails its first statement instead, the
            # pool drops it with every connection as old, and `_retrying` runs the whole
            # transaction again at once.
            else create_async_engine(
                self.url,
                async_creator=self._connect_lean,
                pool_size=8,
                max_overflow=4,
                hide_parameters=True,
            )
        )

    def _conninfo(self) -> str:
        """The URL as libpq takes it (psycopg's own connections, not SQLAlchemy's)."""
        return sa.engine.make_url(self.url).set(drivername="postgresql").render_as_string(False)

    async def _connect_lean(self) -> Any:
        from storage.pg_lean import LeanConnection  # noqa: PLC0415 - PostgreSQL only

        return await LeanConnection.connect(self._conninfo(), autocommit=True)

    def session_scope(self, fn: Callable[[Session], T]) -> T:
        """Run `fn` in one session: commit on success, roll back on error, always close."""
        with Session(self.engine, expire_on_commit=False) as session:
            return _transaction(session, fn)

    async def _scope(self, fn: Callable[[Session], T]) -> T:
        if self.async_engine is None:
            return self.session_scope(fn)
        async with AsyncSession(self.async_engine, expire_on_commit=False) as session:
            # run_sync hands over a sqlmodel Session (AsyncSession's sync_session_class)
            return await session.run_sync(_transaction, fn)  # type: ignore[arg-type]

    async def run(self, fn: Callable[[Session], T]) -> T:
        """Run `fn(session)` in its own transaction on the event loop (PostgreSQL's
        round trips are awaited, see the module's docstring).

        When the database is unreachable for a while (a PostgreSQL restart, a fail-over) the
        whole transaction is run again after a pause, for up to about a minute, instead of
        losing the teacher's answer: `fn` must not change anything outside its session."""
        return await self._retrying(lambda: self._scope(fn))

    async def read_row(self, statement: sa.Select[Any], values: dict[str, Any]) -> Sequence[Any]:
        """The one row `statement` selects, read on its own, straight through the driver,
        compiled once: the read before every update (storage/persistence.py), where an ORM
        session, or even SQLAlchemy's own execution, costs more than the query. `values`
        are plain ints and strings (no type processing). SQLite's takes no BEGIN IMMEDIATE
        (which would wait for the write lock); PostgreSQL's runs on a small pool of its own
        in autocommit, no BEGIN and COMMIT around the one statement, which is a transaction
        by itself: under half the CPU of SQLAlchemy's asyncio engine (bench/reads.py).
        Tried again like `run`."""

        async def read() -> Sequence[Any]:
            if self.async_engine is None:
                return self._read_sqlite(statement, values)
            return await self._read_postgres(statement, values)

        return await self._retrying(read)

    def _compile(self, statement: sa.Select[Any]) -> SQLCompiler:
        if (compiled := self._compiled.get(statement)) is None:
            dialect = (self.async_engine or self.engine).dialect
            compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
            self._compiled[statement] = compiled
        return compiled

    def _read_sqlite(self, statement: sa.Select[Any], values: dict[str, Any]) -> Sequence[Any]:
        compiled = self._compile(statement)
        given = {**compiled.params, **values}
        raw = self.engine.raw_connection()  # isolation_level None: the SELECT is alone
        try:
            with contextlib.closing(raw.cursor()) as cursor:
                cursor.execute(
                    compiled.string, [given[name] for name in compiled.positiontup or ()]
                )
                row = cursor.fetchone()
        except sqlite3.OperationalError as exc:  # "locked": tried again, like a session's
            raise sa.exc.OperationalError(compiled.string, None, exc, hide_parameters=True) from exc
        finally:
            raw.close()
        return _one(row)

    async def _read_postgres(
        self, statement: sa.Select[Any], values: dict[str, Any]
    ) -> Sequence[Any]:
        import psycopg  # noqa: PLC0415 - psycopg on PostgreSQL only
        from psycopg_pool import AsyncConnectionPool, PoolTimeout  # noqa: PLC0415 - the same

        compiled = self._compile(statement)
        if (pool := self._reads) is None:
            pool = self._reads = AsyncConnectionPool(
                self._conninfo(),
                min_size=1,
                max_size=READ_CONNECTIONS,
                kwargs={"autocommit": True},
                timeout=READ_WAIT,
                open=False,
            )
        if pool.closed:
            await pool.open()  # a second caller meanwhile waits for the first's opening
        try:
            async with pool.connection() as conn:
                cursor = await conn.execute(compiled.string, {**compiled.params, **values})
                row = await cursor.fetchone()
        except (psycopg.OperationalError, PoolTimeout) as exc:
            # PostgreSQL restarted or is down: the pool drops every connection that no
            # longer answers, so the read is tried again at once, then after pauses
            await pool.check()
            raise sa.exc.OperationalError(
                compiled.string, None, exc, hide_parameters=True, connection_invalidated=True
            ) from exc
        return _one(row)

    async def _retrying(self, attempt: Callable[[], Awaitable[T]]) -> T:
        pauses = iter((*RECONNECT_PAUSES, None))
        at_once = not is_sqlite(self.url)  # once: for a pooled connection found dead
        while True:
            try:
                return await attempt()
            except sa.exc.OperationalError as exc:
                if at_once and exc.connection_invalidated:
                    at_once = False  # the pool has dropped it, and every one as old
                    log.info("a pooled database connection was closed; trying again at once")
                    continue
                pause = next(pauses)
                transient = not is_sqlite(self.url) or "locked" in str(exc)
                if pause is None or not transient:  # SQLite's others are bugs, e.g. no table
                    raise
                log.warning(
                    "database unavailable (%s); trying again in %ss", _first_line(exc), pause
                )
                await asyncio.sleep(pause)

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")

    async def close_async(self) -> None:
        """Close every connection, the async engine's and the reads' on the loop that
        opened them. The engines stay usable: a later session opens new connections."""
        if self.async_engine is not None:
            await self.async_engine.dispose()
        if self._reads is not None:
            reads, self._reads = self._reads, None
            await reads.close()
        self.close()

    def close(self) -> None:
        """Close the synchronous engine's connections (no loop needed)."""
        self.engine.dispose()
