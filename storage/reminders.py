"""Reminder rows: the source of truth for everything the bot sends on its own.

A dispatcher claims each due row with one conditional UPDATE (pending → sending) right
before sending it, so of any number of processes on one database only one sends a row.
"""

from __future__ import annotations

import operator
from collections.abc import Collection, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlalchemy.util import await_only
from sqlmodel import Session, col, select

from storage.models import (
    Deadline,
    Reminder,
    ReminderKind,
    ReminderSettings,
    ReminderStatus,
    User,
)

if TYPE_CHECKING:
    import psycopg

PENDING, SENDING, SENT, FAILED, DROPPED = (
    ReminderStatus.PENDING,
    ReminderStatus.SENDING,
    ReminderStatus.SENT,
    ReminderStatus.FAILED,
    ReminderStatus.DROPPED,
)
# A row is `sending` only while its request is in flight (seconds); older: its process died.
STALE_CLAIM = timedelta(minutes=2)
SETTLED = (SENT, FAILED, DROPPED)
PRUNE_BATCH = 2_000  # rows a pruning transaction deletes (SQLite: one short write lock)


def add(
    session: Session,
    *,
    project_id: int,
    chat_id: int,
    kind: ReminderKind,
    due_at: datetime,
    user_id: int | None = None,
    deadline_id: int | None = None,
) -> Reminder:
    row = Reminder(
        project_id=project_id,
        chat_id=chat_id,
        kind=kind,
        due_at=due_at,
        user_id=user_id,
        deadline_id=deadline_id,
    )
    session.add(row)
    return row


DEADLINE_PLANNED = frozenset(
    {ReminderKind.BEFORE, ReminderKind.DUE, ReminderKind.OVERDUE, ReminderKind.OVERDUE_LEAD}
)
PLANNED = ("project_id", "deadline_id", "user_id", "chat_id", "kind", "due_at")
_INSERTED = (*PLANNED, "status", "attempts", "late")
_COLUMNS = ", ".join(_INSERTED)
_MARKS = ", ".join("?" * len(_INSERTED))
_SQLITE_INSERT = f"INSERT INTO reminder ({_COLUMNS}) VALUES ({_MARKS})"  # noqa: S608  (constants only)
_PG_COPY = f"COPY reminder ({_COLUMNS}) FROM STDIN"


def replace_pending(
    session: Session,
    *,
    deadline_ids: Collection[int],
    rows: list[dict[str, object]],
    now: datetime,
) -> None:
    """Deadlines changed: their unsent reminders are replaced by freshly planned rows
    (the PLANNED columns). Re-planning thousands of teams inserts hundreds of thousands
    of rows, so they go in with one executemany, on PostgreSQL with COPY (several times
    faster). A row a dispatcher has claimed meanwhile is no longer pending and is left alone,
    and so is a snoozed reminder (the teacher asked for it), and a row already due: the
    dispatcher looks only every few seconds (not at all while the bot is down), and a plan
    made now has no moment before now to put in its place.

    The old rows are found by deadline first and deleted by id: a single DELETE … WHERE
    deadline_id IN … AND status = 'pending' made PostgreSQL walk the status index through
    every pending row while the table's statistics were still those of a small table
    (117 s of a 158 s planning run). The DELETE names the deadlines too: by id and status
    alone, SQLite (no statistics) took the status index, every pending row again."""
    planned = (
        session.execute(
            sa.select(
                col(Reminder.id), col(Reminder.status), col(Reminder.kind), col(Reminder.due_at)
            ).where(col(Reminder.deadline_id).in_(list(deadline_ids)))
        ).all()
        if deadline_ids
        else []
    )
    pending = [
        rid
        for rid, status, kind, due_at in planned
        if status == PENDING and kind in DEADLINE_PLANNED and due_at > now
    ]
    if pending:
        session.execute(
            sa.delete(Reminder).where(
                col(Reminder.deadline_id).in_(list(deadline_ids)),
                col(Reminder.id).in_(pending),
                col(Reminder.status) == PENDING,
            )
        )
    if rows:
        _insert_planned(session.connection(), rows)


def _insert_planned(connection: sa.Connection, rows: list[dict[str, object]]) -> None:
    """Straight to the driver: COPY on PostgreSQL, one executemany of tuples on SQLite.
    That skips SQLAlchemy's per-row work, so each value goes through its column's own
    conversion here (UTC timestamps are stored naive)."""
    table = Reminder.__table__  # type: ignore[attr-defined]
    convert = [
        (i, to_db)
        for i, name in enumerate(PLANNED)
        if (to_db := table.c[name].type.bind_processor(connection.dialect)) is not None
    ]
    pick = operator.itemgetter(*PLANNED)

    def value(row: dict[str, object]) -> tuple[object, ...]:
        planned = list(pick(row))
        for i, to_db in convert:
            planned[i] = to_db(planned[i])
        return (*planned, PENDING, 0, False)

    values = map(value, rows)
    if connection.dialect.name != "postgresql":
        connection.exec_driver_sql(_SQLITE_INSERT, list(values))
        return
    import psycopg  # noqa: PLC0415 - the driver (~8 MB) only on PostgreSQL

    driver = connection.connection.driver_connection
    if isinstance(driver, psycopg.AsyncConnection):  # inside Database.run's greenlet
        await_only(_copy_async(driver, values))
        return
    assert isinstance(driver, psycopg.Connection)
    with driver.cursor() as cursor, cursor.copy(_PG_COPY) as copy:
        for planned in values:
            copy.write_row(planned)


async def _copy_async(driver: psycopg.AsyncConnection, rows: Iterable[tuple[object, ...]]) -> None:
    async with driver.cursor() as cursor, cursor.copy(_PG_COPY) as copy:
        for planned in rows:
            await copy.write_row(planned)


def finished(
    session: Session, *, deadline_ids: Collection[int], now: datetime
) -> dict[tuple[int, int, str], datetime]:
    """(deadline, reader, kind) of the rows already sent, given up or due (kept by
    replace_pending), each with when it went (or falls due): a one-off note (overdue, the
    coordinator's) is never planned again after it went, and the coordinator's follows
    the owner's as it went."""
    if not deadline_ids:
        return {}
    rows = session.execute(
        sa.select(
            col(Reminder.deadline_id),
            col(Reminder.chat_id),
            col(Reminder.kind),
            col(Reminder.sent_at),
            col(Reminder.due_at),
        ).where(
            col(Reminder.deadline_id).in_(list(deadline_ids)),
            sa.or_(col(Reminder.status) != PENDING, col(Reminder.due_at) <= now),
        )
    ).all()
    went: dict[tuple[int, int, str], datetime] = {}
    for d, chat, kind, sent, due in rows:
        if d is not None:  # the latest of each
            went[d, chat, kind] = max(went.get((d, chat, kind), sent or due), sent or due)
    return went


def meeting_notes_sent(
    session: Session, *, project_id: int, now: datetime
) -> set[tuple[int, datetime]]:
    """(reader, meeting moment) of the meeting notes already sent, being sent or due."""
    rows = session.execute(
        sa.select(col(Reminder.chat_id), col(Reminder.meeting_at)).where(
            col(Reminder.project_id) == project_id,
            col(Reminder.kind) == ReminderKind.MEETING,
            sa.or_(col(Reminder.status) != PENDING, col(Reminder.due_at) <= now),
        )
    ).all()
    return {(chat, at) for chat, at in rows if at is not None}


def drop_pending(
    session: Session,
    *,
    project_ids: Collection[int],
    kind: ReminderKind,
    now: datetime,
    chat_id: int | None = None,
) -> None:
    """Unsent rows of a kind (of one chat) that are not due yet; a due one is the
    dispatcher's, as in replace_pending."""
    session.execute(
        sa.delete(Reminder).where(
            col(Reminder.project_id).in_(list(project_ids)),
            col(Reminder.kind) == kind,
            col(Reminder.status) == PENDING,
            col(Reminder.due_at) > now,
            sa.true() if chat_id is None else col(Reminder.chat_id) == chat_id,
        )
    )


def drop_snoozed(session: Session, *, deadline_id: int, user_id: int) -> None:
    session.execute(
        sa.delete(Reminder).where(
            col(Reminder.deadline_id) == deadline_id,
            col(Reminder.chat_id) == user_id,
            col(Reminder.kind) == ReminderKind.SNOOZED,
            col(Reminder.status) == PENDING,
        )
    )


def replace_digest(
    session: Session, *, project_id: int, chat_id: int, due_at: datetime, now: datetime
) -> None:
    """One pending weekly digest per group, besides one already due (the dispatcher's)."""
    session.execute(
        sa.delete(Reminder).where(
            col(Reminder.chat_id) == chat_id,
            col(Reminder.kind) == ReminderKind.DIGEST,
            col(Reminder.status) == PENDING,
            col(Reminder.due_at) > now,
        )
    )
    add(session, project_id=project_id, chat_id=chat_id, kind=ReminderKind.DIGEST, due_at=due_at)


def drop_pending_of_others(
    session: Session, *, project_id: int, member_ids: Collection[int]
) -> None:
    """Someone left the team: their unsent rows go, whether they were to read them or
    were named in them (a check-in about them to the coordinator)."""
    members = list(member_ids)
    session.execute(
        sa.delete(Reminder).where(
            col(Reminder.project_id) == project_id,
            col(Reminder.status) == PENDING,
            sa.or_(
                sa.and_(col(Reminder.chat_id) > 0, col(Reminder.chat_id).not_in(members)),
                sa.and_(col(Reminder.user_id).is_not(None), col(Reminder.user_id).not_in(members)),
            ),
        )
    )


def release_stale(session: Session, *, now: datetime) -> int:
    """Rows left `sending` by a process that died mid-request go back to pending (they
    may have reached Telegram: at-least-once for that one message, never lost)."""
    result = session.execute(
        sa.update(Reminder)
        .where(col(Reminder.status) == SENDING, col(Reminder.claimed_at) < now - STALE_CLAIM)
        .values(status=PENDING, claimed_by=None, claimed_at=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def due(
    session: Session, *, now: datetime, limit: int, skip_chats: Collection[int] = ()
) -> list[tuple[int, int]]:
    """(id, chat) of the oldest due rows, one per chat, leaving out chats that must wait."""
    query = (
        select(Reminder.id, Reminder.chat_id)
        .where(col(Reminder.status) == PENDING, col(Reminder.due_at) <= now)
        .order_by(col(Reminder.due_at), col(Reminder.id))
        .limit(limit * 4)
    )
    if skip_chats:
        query = query.where(col(Reminder.chat_id).not_in(list(skip_chats)))
    first: dict[int, int] = {}
    for rid, chat_id in session.exec(query).all():
        if rid is not None and chat_id not in first:
            first[chat_id] = rid
    return [(rid, chat_id) for chat_id, rid in first.items()][:limit]


def claim(session: Session, *, reminder_id: int, now: datetime, worker: str) -> Reminder | None:
    """Take one due row for this worker with a conditional UPDATE (pending → sending), just
    before it is sent: of two processes only one gets it, and a crash leaves at most the
    one row whose request was in flight."""
    result = session.execute(
        sa.update(Reminder)
        .where(
            col(Reminder.id) == reminder_id,
            col(Reminder.status) == PENDING,
            col(Reminder.due_at) <= now,
        )
        .values(
            status=SENDING, claimed_by=worker, claimed_at=now, attempts=col(Reminder.attempts) + 1
        )
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get(Reminder, reminder_id, populate_existing=True)


def finish(
    session: Session, *, reminder_id: int, status: ReminderStatus, now: datetime, late: bool = False
) -> None:
    values: dict[str, object] = {"status": status, "late": late}
    if status == SENT:
        values["sent_at"] = now
    session.execute(sa.update(Reminder).where(col(Reminder.id) == reminder_id).values(**values))


def retry_later(session: Session, *, reminder_id: int, at: datetime) -> None:
    """Telegram could not take it now (429, 5xx, network): back to pending for `at`."""
    session.execute(
        sa.update(Reminder)
        .where(col(Reminder.id) == reminder_id)
        .values(status=PENDING, due_at=at, claimed_by=None, claimed_at=None)
    )


def pending_count(session: Session) -> int:
    return session.exec(select(sa.func.count()).where(col(Reminder.status) == PENDING)).one()


def settings(session: Session, *, project_id: int) -> ReminderSettings:
    """The team's rhythm, or the defaults (not stored until someone changes them)."""
    return session.get(ReminderSettings, project_id) or ReminderSettings(project_id=project_id)


def settings_of(session: Session, *, project_ids: Collection[int]) -> dict[int, ReminderSettings]:
    """settings() for many teams in one query (planning)."""
    stored = {
        row.project_id: row
        for row in session.exec(
            select(ReminderSettings).where(col(ReminderSettings.project_id).in_(list(project_ids)))
        )
    }
    return {p: stored.get(p) or ReminderSettings(project_id=p) for p in project_ids}


def save_settings(
    session: Session,
    *,
    project_id: int,
    offsets: str | None = None,
    local_time: str | None = None,
    digest_weekday: int | None = None,
    digest_time: str | None = None,
    by_day: str | None = None,
) -> ReminderSettings:
    """Change what is given, keep the rest."""
    row = settings(session, project_id=project_id)
    changes = {
        "offsets": offsets,
        "local_time": local_time,
        "digest_weekday": digest_weekday,
        "digest_time": digest_time,
        "by_day": by_day,
    }
    for name, value in changes.items():
        if value is not None:
            setattr(row, name, value)
    session.add(row)
    return row


def silent(session: Session, *, now: datetime, quiet: timedelta) -> list[tuple[int, int]]:
    """(teacher, project) pairs where the teacher got two reminders or more since they last
    wrote to the bot, has been quiet for `quiet`, and was not checked in on since (a
    check-in dropped because they wrote meanwhile does not count). Counted by the
    database: a table of a school year's sent reminders never comes into the process
    (loading them held the bot's event loop for a third of a second, bench/README.md)."""
    checkin = aliased(Reminder)
    asked = (
        sa.select(col(checkin.id))
        .where(
            col(checkin.user_id) == col(Reminder.user_id),
            col(checkin.project_id) == col(Reminder.project_id),
            col(checkin.kind) == ReminderKind.CHECKIN,
            col(checkin.status) != DROPPED,
            col(checkin.due_at) > col(User.last_seen),
        )
        .exists()
    )
    teacher, project = col(Reminder.user_id), col(Reminder.project_id)
    since = now - quiet
    # the quiet teachers as a list too: SQLite (a bot's has no statistics) then starts
    # from them and reads each one's rows off ix_reminder_user_kind_status, instead of
    # every sent row off the status index
    quiet_teachers = sa.select(col(User.id)).where(col(User.last_seen) < since)
    pairs = session.execute(
        sa.select(teacher, project)
        .join(User, col(User.id) == Reminder.user_id)
        .where(
            teacher.in_(quiet_teachers),
            col(Reminder.status) == SENT,
            col(Reminder.kind).in_((ReminderKind.BEFORE, ReminderKind.DUE, ReminderKind.OVERDUE)),
            col(User.last_seen) < since,
            col(Reminder.sent_at) > col(User.last_seen),
            ~asked,
        )
        .group_by(teacher, project)
        .having(sa.func.count() >= 2)
        .order_by(teacher, project)
    )
    return [(user_id, project_id) for user_id, project_id in pairs]


def prune(session: Session, *, before: datetime, limit: int = PRUNE_BATCH) -> int:
    """Delete up to `limit` settled rows (sent, failed, dropped) due and sent before
    `before`, so the table holds what is still to come and what planning still reads.
    Kept whatever their age: rows of a deadline that is open, or was due or done after
    `before` (plan_deadlines must not plan an overdue note again, finished()); a meeting
    note for a meeting after `before` (meeting_notes_sent); a check-in its teacher has not
    answered by writing since (silent() asks each quiet teacher once). Returns how many
    went; fewer than `limit`: nothing older is left."""
    deadline = aliased(Deadline)
    reader = aliased(User)
    ids = (
        session.execute(
            sa.select(col(Reminder.id))
            .outerjoin(deadline, col(deadline.id) == Reminder.deadline_id)
            .outerjoin(reader, col(reader.id) == Reminder.user_id)
            .where(
                col(Reminder.status).in_(SETTLED),
                col(Reminder.due_at) < before,
                sa.or_(col(Reminder.sent_at).is_(None), col(Reminder.sent_at) < before),
                sa.or_(
                    col(Reminder.deadline_id).is_(None),
                    sa.and_(col(deadline.done_at) < before, col(deadline.due_at) < before),
                ),
                sa.or_(col(Reminder.meeting_at).is_(None), col(Reminder.meeting_at) < before),
                sa.or_(
                    col(Reminder.kind) != ReminderKind.CHECKIN,
                    col(reader.last_seen) >= Reminder.due_at,
                ),
            )
            .limit(limit)
        )
        .scalars()
        .all()
    )
    if ids:
        session.execute(sa.delete(Reminder).where(col(Reminder.id).in_(ids)))
    return len(ids)
