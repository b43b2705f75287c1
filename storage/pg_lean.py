"""PostgreSQL connections that send BEGIN and COMMIT only where a transaction needs them.

An update's transaction mostly reads a few rows and then writes one (a quiz answer:
one SELECT, one INSERT). Under READ COMMITTED, PostgreSQL's level here, every plain
SELECT sees what is committed when it starts, inside a transaction or not, and holds no
lock; and a single write is a transaction by itself. So for those, BEGIN and COMMIT are
two round trips that change nothing. `LeanConnection` (psycopg in autocommit underneath)
runs the transaction as SQLAlchemy hands it over, but:

- a plain SELECT before any write runs on its own (no BEGIN);
- the first INSERT without RETURNING (nothing to read back) is held and sent at the
  commit, on its own: one statement is a transaction by itself;
- anything else — a second write, a locking read (FOR UPDATE, an advisory lock),
  UPDATE and DELETE (their row counts are read), RETURNING, a read after the held
  write — first opens a real transaction (BEGIN, then the held write), and from then on
  everything is as usual.

A quiz answer is then two round trips (the read; the INSERT at the commit) instead of
four, and a read-only update's transaction one. A held INSERT's error (a broken
constraint) is raised by the commit instead of the statement: the transaction fails
and nothing of it is kept, as before.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import psycopg
from psycopg.abc import Params, Query

# Where a statement goes, by its text (SQLAlchemy hands over the same few strings).
READ, HOLD, OPEN = "read", "hold", "open"
_SELECT = re.compile(r"\s*SELECT\b", re.IGNORECASE)
_LOCKING = re.compile(  # row locks, and advisory locks (pg_advisory_xact_lock, pg_try_…)
    r"\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b|advisory", re.IGNORECASE
)
_INSERT = re.compile(r"\s*INSERT\b", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def route(sql: str) -> str:
    """READ: may run outside a transaction; HOLD: may wait for the commit; OPEN: needs
    a real transaction."""
    if _SELECT.match(sql) and not _LOCKING.search(sql):
        return READ
    if _INSERT.match(sql) and not _RETURNING.search(sql):
        return HOLD
    return OPEN


class LeanCursor(psycopg.AsyncCursor[Any]):
    """A cursor of a `LeanConnection`: asks it where each statement goes first."""

    async def execute(
        self, query: Query, params: Params | None = None, **kwargs: Any
    ) -> LeanCursor:
        connection = self.connection
        assert isinstance(connection, LeanConnection) and isinstance(query, str)
        if await connection.before(query, params):
            return self  # held for the commit: no result, as for any INSERT
        await super().execute(query, params, **kwargs)
        return self

    async def executemany(self, query: Query, params_seq: Any, **kwargs: Any) -> None:
        connection = self.connection
        assert isinstance(connection, LeanConnection)
        await connection.open()
        await super().executemany(query, params_seq, **kwargs)


class LeanConnection(psycopg.AsyncConnection[Any]):
    """See the module's docstring. Connect it with `autocommit=True`: psycopg then sends
    no BEGIN of its own, and this class decides."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cursor_factory = LeanCursor
        self._held: tuple[str, Params | None] | None = None  # the INSERT for the commit
        self._open = False  # a BEGIN was sent and no COMMIT or ROLLBACK yet
        self._alone = False  # SQLAlchemy's AUTOCOMMIT level: every statement on its own

    async def set_autocommit(self, value: bool) -> None:
        """What SQLAlchemy asks for (an AUTOCOMMIT execution option, and the reset after
        it) changes how this class routes, never psycopg's own autocommit: psycopg would
        otherwise begin transactions that no `commit` here ends."""
        self._alone = value

    async def before(self, sql: str, params: Params | None) -> bool:
        """Ready the connection for `sql`; True when it is held for the commit."""
        if self._open or self._alone:
            return False
        where = route(sql)
        if where == HOLD and self._held is None:
            self._held = (sql, params)
            return True
        if self._held is not None or where == OPEN:
            await self.open()
        return False

    async def open(self) -> None:
        """Begin a real transaction, and send the write held so far in it."""
        if not (self._open or self._alone):
            held, self._held = self._held, None
            await self._send(self._get_tx_start_command().decode())
            self._open = True
            if held is not None:
                await psycopg.AsyncCursor(self).execute(*held)

    async def commit(self) -> None:
        held, was_open = self._held, self._open
        self._held, self._open = None, False
        if was_open:
            await self._send("COMMIT")
        elif held is not None:  # one statement on its own: a transaction by itself
            await psycopg.AsyncCursor(self).execute(*held)

    async def rollback(self) -> None:
        was_open = self._open
        self._held, self._open = None, False
        if was_open or self.pgconn.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            await self._send("ROLLBACK")

    async def _send(self, command: str) -> None:
        await psycopg.AsyncCursor(self).execute(command, prepare=False)
