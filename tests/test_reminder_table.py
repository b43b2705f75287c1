"""The reminder table at scale: "due now" and a group's next digest are found through
their own indexes whatever else the table holds (EXPLAIN), and settled rows older than
the retention are pruned, except those planning still reads."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from pydantic import ValidationError
from sqlalchemy import event
from sqlmodel import Session, col, select

from bench import burst
from bot.config import Settings
from bot.fakeapi.server import ApiCall
from scheduler.reminders import jobs, prune
from scheduler.reminders import plans as flow
from scheduler.reminders.render import render
from storage import reminders
from storage.db import Database, is_sqlite, make_engine
from storage.migrate import alembic_config
from storage.migrate import upgrade as migrate
from storage.models import Deadline, Project, Reminder, ReminderKind, User
from tests.driver import Driver
from tests.test_reminders import add_deadline
from tests.test_roles import team_of_three

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
DUE = 500  # rows due now, one per group
OTHERS = 20_000  # pending later, sent, failed and dropped, over a year
GROUP = -1_000_000


def fill(db: Database) -> None:
    """A project and OTHERS + DUE reminder rows in a realistic mix, statistics updated."""
    rng = random.Random(3)  # repeatable data
    rows: list[dict[str, Any]] = []
    for _ in range(OTHERS):
        draw = rng.random()
        status = "pending" if draw < 0.6 else "sent" if draw < 0.95 else "failed"
        minutes = rng.randint(60, 90 * 24 * 60) * (1 if status == "pending" else -1)
        rows.append(
            {
                "project_id": 1,
                "chat_id": rng.randint(1, 5_000) * rng.choice((1, -1)),
                "kind": rng.choice(("before", "due", "digest", "meeting")),
                "due_at": NOW + timedelta(minutes=minutes),
                "status": status,
                "attempts": 0,
                "late": False,
            }
        )
    rows += [
        {
            "project_id": 1,
            "chat_id": GROUP - n,
            "kind": "digest",
            "due_at": NOW - timedelta(seconds=30),
            "status": "pending",
            "attempts": 0,
            "late": False,
        }
        for n in range(DUE)
    ]
    with db.engine.begin() as conn:
        conn.execute(sa.insert(Project), [{"id": 1, "title": "P", "created_at": NOW}])
        conn.execute(sa.insert(Reminder), rows)
        if not is_sqlite(db.url):  # a bot's PostgreSQL runs autovacuum's ANALYZE
            conn.exec_driver_sql("ANALYZE reminder")


@contextmanager
def statements(db: Database) -> Iterator[list[tuple[str, Any]]]:
    """The SQL (and parameters) sent to the database meanwhile."""
    sent: list[tuple[str, Any]] = []

    def grab(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", grab)


def plan_of(db: Database, fn: Callable[[Session], object], verb: str) -> str:
    """The database's plan of the statement starting with `verb` that `fn` sends (in a
    transaction rolled back afterwards)."""
    with statements(db) as sent, Session(db.engine) as session:
        fn(session)
        session.rollback()
    statement, parameters = next((s, p) for s, p in sent if s.lstrip().startswith(verb))
    return explained(db, statement, parameters)


def explained(db: Database, statement: str, parameters: Any) -> str:
    """The database's plan of `statement` (EXPLAIN changes nothing; rolled back anyway)."""
    explain = "EXPLAIN QUERY PLAN " if is_sqlite(db.url) else "EXPLAIN "
    with db.engine.connect() as conn:
        lines = conn.exec_driver_sql(explain + statement, parameters).all()
        conn.rollback()
    return "\n".join(str(line[-1]) for line in lines)


def test_due_now_reads_only_the_rows_it_returns(db: Database):
    """The oldest due rows come straight off an index in the order they are sent: no
    sort, no walk through the 10,000 others due at the same moment or the rows to come.
    PostgreSQL uses the partial index of pending rows; SQLite its (status, due_at) index,
    whose entries end with the row id, so it is in (due_at, id) order too."""
    fill(db)
    for skip in ((), (GROUP, GROUP - 1)):
        due = lambda s, skip=skip: reminders.due(s, now=NOW, limit=50, skip_chats=skip)  # noqa: E731
        plan = plan_of(db, due, "SELECT")
        if is_sqlite(db.url):
            assert "USING INDEX ix_reminder_status_due (status=? AND due_at<?)" in plan, plan
            assert "TEMP B-TREE" not in plan, plan
        else:
            assert "Index Scan using ix_reminder_pending_due" in plan, plan
            assert "Sort" not in plan, plan
        expected = [(OTHERS + 1 + n, GROUP - n) for n in range(DUE) if GROUP - n not in skip]
        assert db.session_scope(due) == expected[:50]


def test_a_groups_next_digest_is_found_by_its_chat(db: Database):
    """Sending a digest plans the group's next one and deletes the pending one it
    replaces: found by (chat, kind, status), not by walking every pending row (on
    SQLite even without statistics, as a bot's database has)."""
    fill(db)
    later = NOW + timedelta(days=7)

    def replace(s: Session) -> None:
        reminders.replace_digest(s, project_id=1, chat_id=GROUP, due_at=later, now=NOW)

    plan = plan_of(db, replace, "DELETE")
    assert "ix_reminder_chat_kind_status" in plan, plan
    db.session_scope(replace)
    db.session_scope(replace)
    digests = db.session_scope(
        lambda s: s.exec(
            select(Reminder.due_at, Reminder.status).where(Reminder.chat_id == GROUP)
        ).all()
    )
    assert sorted(digests) == [(NOW - timedelta(seconds=30), "pending"), (later, "pending")]


def test_quiet_teachers_are_found_from_the_teachers_not_from_every_sent_row(db: Database):
    """Planning check-ins counts the reminders each quiet teacher got since they last
    wrote: read per teacher off (user, kind, status, sent_at), not by walking the sent
    rows of the whole table (on SQLite even without statistics)."""
    rng = random.Random(5)
    with db.engine.begin() as conn:
        conn.execute(sa.insert(Project), [{"id": 1, "title": "P", "created_at": NOW}])
        conn.execute(
            sa.insert(User),
            [
                {
                    "id": uid,
                    "display_name": f"T{uid}",
                    "last_seen": NOW - timedelta(days=rng.choice((1, 20, 40))),
                    "started": True,
                    "reachable": True,
                }
                for uid in range(1, 2_001)
            ],
        )
        rows = []
        for _ in range(OTHERS):
            uid, at = rng.randint(1, 2_000), NOW - timedelta(days=rng.uniform(0, 89))
            kind = rng.choice(("before", "due", "overdue", "digest", "checkin"))
            rows.append(
                {
                    "project_id": 1,
                    "user_id": uid,
                    "chat_id": uid,
                    "kind": kind,
                    "due_at": at,
                    "status": "sent",
                    "sent_at": at,
                    "attempts": 0,
                    "late": False,
                }
            )
        conn.execute(sa.insert(Reminder), rows)
        if not is_sqlite(db.url):
            conn.exec_driver_sql("ANALYZE")
    silent = lambda s: reminders.silent(s, now=NOW, quiet=timedelta(days=14))  # noqa: E731
    plan = plan_of(db, silent, "SELECT")
    assert "ix_reminder_status_due" not in plan, plan
    if is_sqlite(db.url):
        used = "ix_reminder_user_kind_status (user_id=? AND kind=? AND status=? AND sent_at>?)"
        assert f"SEARCH reminder USING INDEX {used}" in plan, plan
    assert len(db.session_scope(silent)) > 100


async def test_replanning_a_team_reads_only_its_own_rows(driver: Driver, db: Database):
    """Re-planning one team (someone left, a calendar changed) finds its rows through its
    project and its deadlines, never by walking every pending row of every team: on SQLite
    even without statistics, where (status, due_at) matched more columns than (project_id)
    alone and 10,000 teams did not end in 20 minutes."""
    await team_of_three(driver)
    await add_deadline(db, owner=102, due_at=NOW + timedelta(days=10))
    rng = random.Random(7)
    with db.engine.begin() as conn:
        conn.execute(sa.insert(Project), [{"id": 2, "title": "Other", "created_at": NOW}])
        deadlines = (
            conn.execute(
                sa.insert(Deadline).returning(col(Deadline.id)),
                [
                    {"project_id": 2, "title": f"D{n}", "due_at": NOW, "created_at": NOW}
                    for n in range(50)
                ],
            )
            .scalars()
            .all()
        )
        conn.execute(
            sa.insert(Reminder),
            [
                {
                    "project_id": 2,
                    "deadline_id": rng.choice(deadlines),
                    "chat_id": rng.randint(1, 5_000),
                    "kind": rng.choice(("before", "due", "digest", "meeting")),
                    "due_at": NOW + timedelta(minutes=rng.randint(60, 90 * 24 * 60)),
                    "status": "pending",
                    "attempts": 0,
                    "late": False,
                }
                for _ in range(OTHERS)
            ],
        )
        if not is_sqlite(db.url):
            conn.exec_driver_sql("ANALYZE reminder")
    with statements(db) as sent, Session(db.engine) as session:
        flow.teams_changed(session, [1], NOW)
        session.rollback()
    reads = [(s, p) for s, p in sent if "reminder" in s and not s.lstrip().startswith("INSERT")]
    assert len(reads) >= 4, reads  # people who left, the deadline's rows, meetings, digests
    for statement, parameters in reads:
        plan = explained(db, statement, parameters)
        assert "ix_reminder_status_due" not in plan, (statement, plan)
        assert "SCAN reminder" not in plan, (statement, plan)
        assert "Seq Scan on reminder" not in plan, (statement, plan)


# --- pruning ---------------------------------------------------------------------------

BEFORE = NOW - timedelta(days=90)
OLD = BEFORE - timedelta(days=10)
RECENT = BEFORE + timedelta(days=10)


def settled(kind: str, at: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "project_id": 1,
        "chat_id": extra.pop("chat_id", 101),
        "kind": kind,
        "due_at": at,
        "status": extra.pop("status", "sent"),
        "sent_at": at,
        "attempts": 1,
        "late": False,
        **extra,
    }


def prune_case(db: Database) -> dict[str, int]:
    """One row per case; returns case → row id."""
    cases: dict[str, dict[str, Any]] = {
        "old digest": settled("digest", OLD, chat_id=GROUP),
        "old failed": settled("before", OLD, status="failed", sent_at=None),
        "old dropped": settled("meeting", OLD, status="dropped", sent_at=None, meeting_at=OLD),
        "old note of a deadline done long ago": settled("overdue", OLD, deadline_id=1),
        "old check-in answered since": settled("checkin", OLD, user_id=101),
        "recent digest": settled("digest", RECENT, chat_id=GROUP),
        "sent recently after an old due time": settled("before", OLD, sent_at=RECENT),
        "old pending": {**settled("digest", OLD, status="pending"), "sent_at": None},
        "old sending": {**settled("before", OLD, status="sending"), "sent_at": None},
        "old note of an open deadline": settled("overdue", OLD, deadline_id=2),
        "old note of a deadline done recently": settled("overdue", OLD, deadline_id=3),
        "old note of a deadline due recently": settled("before", OLD, deadline_id=4),
        "old note of a meeting still to come": settled("meeting", OLD, meeting_at=RECENT),
        "old check-in not answered": settled("checkin", OLD, user_id=102, chat_id=102),
    }
    deadline = {"project_id": 1, "title": "D", "created_at": OLD}
    with db.engine.begin() as conn:
        conn.execute(sa.insert(Project), [{"id": 1, "title": "P", "created_at": OLD}])
        conn.execute(
            sa.insert(User),
            [
                {"id": 101, "display_name": "A", "last_seen": RECENT, "created_at": OLD},
                {
                    "id": 102,
                    "display_name": "B",
                    "last_seen": OLD - timedelta(days=30),
                    "created_at": OLD,
                },
            ],
        )
        conn.execute(
            sa.insert(Deadline),
            [
                {**deadline, "id": 1, "due_at": OLD, "done_at": OLD},
                {**deadline, "id": 2, "due_at": OLD, "done_at": None},
                {**deadline, "id": 3, "due_at": OLD, "done_at": RECENT},
                {**deadline, "id": 4, "due_at": RECENT, "done_at": RECENT},
            ],
        )
        ids = {}
        for name, row in cases.items():
            ids[name] = conn.execute(sa.insert(Reminder).values(row)).inserted_primary_key[0]
    return ids


async def remaining(db: Database, ids: dict[str, int]) -> set[str]:
    left = set(await db.run(lambda s: s.exec(select(Reminder.id)).all()))
    return {name for name, rid in ids.items() if rid in left}


async def test_old_settled_rows_are_pruned_and_what_planning_reads_is_kept(db: Database):
    ids = prune_case(db)
    assert await db.run(lambda s: reminders.prune(s, before=BEFORE, limit=2)) == 2
    context = SimpleNamespace(db=db, settings=SimpleNamespace(reminder_retention_days=90))
    reminders_before = reminders.PRUNE_BATCH
    try:
        reminders.PRUNE_BATCH = 1  # the job goes on batch after batch until none is left
        assert await prune.prune_job(context) == 3  # type: ignore[arg-type]
    finally:
        reminders.PRUNE_BATCH = reminders_before
    assert await remaining(db, ids) == set(ids) - {
        "old digest",
        "old failed",
        "old dropped",
        "old note of a deadline done long ago",
        "old check-in answered since",
    }
    assert await db.run(lambda s: reminders.prune(s, before=BEFORE)) == 0


async def test_an_open_deadlines_old_overdue_note_is_not_sent_again(driver: Driver, db: Database):
    """The owner and the coordinator heard long ago that the deadline was overdue; it is
    still open. Pruning keeps those notes, so re-planning does not send them again."""
    await team_of_three(driver)
    long_ago = NOW - timedelta(days=200)
    deadline_id = await add_deadline(db, owner=102, due_at=long_ago)

    def sent_long_ago(s: Session) -> None:
        s.execute(sa.delete(Reminder))
        went = long_ago + timedelta(days=1)
        s.add_all(
            Reminder(
                project_id=1,
                deadline_id=deadline_id,
                user_id=reader,
                chat_id=reader,
                kind=kind,
                due_at=went,
                status=reminders.SENT,
                sent_at=went,
            )
            for reader, kind in ((102, ReminderKind.OVERDUE), (101, ReminderKind.OVERDUE_LEAD))
        )

    await db.run(sent_long_ago)
    context = SimpleNamespace(db=db, settings=SimpleNamespace(reminder_retention_days=90))
    assert await prune.prune_job(context) == 0  # type: ignore[arg-type]

    def replan(s: Session) -> list[tuple[str, str]]:
        deadline = s.get(Deadline, deadline_id)
        assert deadline is not None
        flow.plan_deadline(s, deadline, NOW)
        return [(r.kind, r.status) for r in s.exec(select(Reminder)).all()]

    assert await db.run(replan) == [("overdue", "sent"), ("overdue_lead", "sent")]


async def test_an_unanswered_check_in_is_not_asked_again(driver: Driver, db: Database):
    """A teacher quiet for months was checked on long ago: pruning keeps that check-in,
    so the teacher is not asked a second time for the same silence."""
    await team_of_three(driver)
    quiet_since = NOW - timedelta(days=200)

    def quiet(s: Session) -> None:
        s.execute(sa.update(User).where(User.id == 102).values(last_seen=quiet_since))
        row = dict(project_id=1, user_id=102, chat_id=102, status=reminders.SENT)
        s.add_all(
            [
                Reminder(**row, kind=ReminderKind.CHECKIN, due_at=quiet_since + timedelta(days=20)),
                *(
                    Reminder(**row, kind=ReminderKind.BEFORE, due_at=at, sent_at=at)
                    for at in (NOW - timedelta(days=20), NOW - timedelta(days=19))
                ),
            ]
        )

    await db.run(quiet)
    context = SimpleNamespace(db=db, settings=SimpleNamespace(reminder_retention_days=90))
    assert await prune.prune_job(context) == 0  # type: ignore[arg-type]
    await db.run(lambda s: flow.plan_checkins(s, NOW))
    checkins = await db.run(
        lambda s: s.exec(select(Reminder).where(Reminder.kind == ReminderKind.CHECKIN)).all()
    )
    assert len(checkins) == 1


async def test_pruning_runs_daily_in_every_process_that_sends(driver: Driver):
    queue = driver.app.job_queue
    assert queue is not None
    found = [job for job in queue.jobs() if job.name == prune.JOB]
    assert len(found) == 1
    assert found[0].callback is prune.prune_job
    assert jobs.ALWAYS_RUN["misfire_grace_time"] is None
    assert driver.app.bot_data["services"].settings.reminder_retention_days == 90


@pytest.mark.parametrize(
    ("revision", "new"),
    [
        ("0014", {"ix_reminder_pending_due", "ix_reminder_chat_kind_status"}),
        ("0015", {"ix_reminder_user_kind_status"}),
        ("0016", {"ix_reminder_project_status", "ix_reminder_deadline_status"}),
    ],
)
def test_migrations_add_the_indexes_and_their_downgrades_drop_them(
    db_url: str, revision: str, new: set[str]
):
    engine = make_engine(db_url)
    config = alembic_config(engine)

    def indexes() -> set[str]:
        with engine.connect() as conn:
            return {i["name"] or "" for i in sa.inspect(conn).get_indexes("reminder")}

    assert new <= indexes()
    command.downgrade(config, f"{int(revision) - 1:04d}")
    assert not new & indexes()
    command.upgrade(config, "head")
    assert new <= indexes()
    engine.dispose()


def test_the_burst_benchmarks_table_is_what_it_says(tmp_path: Path):
    """bench/burst.py (row g): every due row renders a message (a digest with the week's
    deadline, an owner's reminder), the others are not due and mix the statuses."""
    url = f"sqlite:///{tmp_path / 'burst.db'}"
    migrate(make_engine(url))
    size = burst.Size(teams=20, others_per_team=40, load_seconds=1.0)
    now = datetime.now(UTC)
    ids = burst.seed(url, size, now)
    db = Database(url)

    def look(s: Session) -> tuple[Counter[str], list[str]]:
        statuses = Counter(s.exec(select(Reminder.status)).all())
        due = s.exec(select(Reminder).where(col(Reminder.id).in_(ids))).all()
        texts = [render(s, row, now) for row in due]
        return statuses, [m.text for m in texts if m is not None]

    statuses, texts = db.session_scope(look)
    db.close()
    assert len(ids) == size.due == 40 and len(texts) == 40
    assert sum(statuses.values()) == size.due + size.others
    assert statuses["pending"] - size.due > 0.5 * size.others
    assert statuses["sent"] > 0.3 * size.others and statuses["failed"] + statuses["dropped"] > 0


def test_the_retention_is_a_setting_of_at_least_30_days():
    """Below 30 days the sent reminders a check-in counts (after 14 days of silence)
    could go before they are counted."""
    assert Settings(_env_file=None).reminder_retention_days == 90  # type: ignore[call-arg]
    assert Settings(_env_file=None, reminder_retention_days=30).reminder_retention_days == 30  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        Settings(_env_file=None, reminder_retention_days=29)  # type: ignore[call-arg]
    example = (Path(__file__).parent.parent / ".env.example").read_text()
    assert "\nREMINDER_RETENTION_DAYS=90\n" in example


def test_the_burst_rate_counts_every_message_telegram_counts():
    """bench/burst.py (row g) rates the burst by what Telegram's 30 a second counts: the
    teachers' replies within the burst as well as the reminders; not an edit, not a
    refused send, not a reply before the first reminder or after the last."""

    def call(method: str, chat_id: int, at: float, *, ok: bool = True) -> ApiCall:
        return ApiCall(method, {}, {}, chat_id, seq=0, ok=ok, at=at)

    sends = [call("sendMessage", -100 - n, at=10.0 + n) for n in range(5)]
    replies = [
        call("sendMessage", 7, at=9.0),  # before the burst
        call("sendMessage", 7, at=11.5),
        call("sendPhoto", 8, at=12.5),
        call("sendMessage", 9, at=13.0, ok=False),  # refused: 429
        call("editMessageText", 7, at=13.5),
        call("sendMessage", 7, at=14.5),  # after the last reminder
    ]
    assert burst.messages_during([*sends, *replies], sends) == 7
    got = burst.Burst(sends, 7, 0, {}, [], 0, 0.0, 0.0, True, 0.0)
    assert got.rate == 6 / 4 and got.reminder_rate == 4 / 4
