"""Engine and the one place where a database session is opened, committed and closed.

Every update does all its database work in *one* synchronous function, run by
`Database.run`. Where it runs depends on the database, as measured (README, Performance):

- PostgreSQL: in a small thread pool, off the event loop. Each statement is a network
  round trip, and with the database on another host waiting on the loop would stall
  every other teacher's update (1.5× slower in bench/db_off_loop.py).
- SQLite: on the event loop itself. A local file answers in microseconds, it has one
  writer anyway, and handing each session to a thread cost a fifth to a quarter of the
  throughput (the loop then waits for the GIL after every socket call). `BEGIN
  IMMEDIATE` takes the write lock up front, so lock upgrades never fail.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

T = TypeVar("T")
log = logging.getLogger(__name__)
# Seconds between tries when the database is unreachable: about a minute in all.
RECONNECT_PAUSES = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 15.0, 15.0)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def normalise_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if not is_sqlite(url):
        return sa.create_engine(url, pool_pre_ping=True, pool_size=8, max_overflow=4)
    path = sa.engine.make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})

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
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Database:
    """Owns the engine and the worker threads that run sessions off the event loop."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self._executor = (
            None
            if is_sqlite(self.url)
            else ThreadPoolExecutor(max_workers=8, thread_name_prefix="db")
        )

    def session_scope(self, fn: Callable[[Session], T]) -> T:
        """Run `fn` in one session: commit on success, roll back on error, always close."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                result = fn(session)
                session.commit()
            except BaseException:
                session.rollback()
                raise
            return result

    async def run(self, fn: Callable[[Session], T]) -> T:
        """Run `fn(session)` in its own transaction (in a worker thread for PostgreSQL).

        When the database is unreachable for a while (a PostgreSQL restart, a fail-over) the
        whole transaction is run again after a pause, for up to about a minute, instead of
        losing the teacher's answer: `fn` must not change anything outside its session."""
        loop = asyncio.get_running_loop()
        for pause in (*RECONNECT_PAUSES, None):
            try:
                if self._executor is None:
                    return self.session_scope(fn)
                return await loop.run_in_executor(self._executor, self.session_scope, fn)
            except sa.exc.OperationalError as exc:
                transient = not is_sqlite(self.url) or "locked" in str(exc)
                if pause is None or not transient:  # SQLite's others are bugs, e.g. no table
                    raise
                log.warning(
                    "database unavailable (%s); trying again in %ss", _first_line(exc), pause
                )
                await asyncio.sleep(pause)
        raise AssertionError("unreachable")

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        self.engine.dispose()
