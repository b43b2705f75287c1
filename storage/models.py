"""Tables of TwinCoach. Alembic owns the schema; these classes only describe it.

Timestamps are stored as UTC and always come back timezone-aware (`UTCDateTime`),
so SQLite and PostgreSQL behave alike.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC, returns them aware again."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _ts(*, nullable: bool = False, default: bool = True) -> Any:
    """A UTC timestamp column (new rows get the current time unless `default` is off)."""
    return Field(
        default_factory=utcnow if default else None,
        sa_type=UTCDateTime,
        nullable=nullable,
    )


class Role(StrEnum):
    """A member's part in the project; being a founder is a separate flag."""

    COORDINATOR = "coordinator"
    PARTNER = "partner"
    PARTICIPANT = "participant"


ROLE_TYPE = sa.Enum(
    Role, native_enum=False, length=16, values_callable=lambda roles: [r.value for r in roles]
)


class User(SQLModel, table=True):
    """A teacher as the bot knows them; the Telegram user id is the key."""

    id: int = Field(
        primary_key=True, sa_type=sa.BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    display_name: str = Field(max_length=64)
    language: str | None = Field(default=None, max_length=8)  # explicit choice via /language
    telegram_language: str | None = Field(default=None, max_length=16)
    country: str | None = Field(default=None, max_length=2)  # ISO 3166-1 alpha-2
    # ISO 3166-2 ("ES-MD") where school or public holidays differ by region; of `country`
    region: str | None = Field(default=None, max_length=16)
    timezone: str | None = Field(default=None, max_length=64)
    school: str | None = Field(default=None, max_length=200)
    contact: str | None = Field(default=None, max_length=200)
    active_project_id: int | None = Field(
        default=None, foreign_key="project.id", ondelete="SET NULL"
    )
    reachable: bool = True  # false after Telegram answered 403 to a private message
    started: bool = False  # has opened a private chat with the bot
    last_seen: datetime | None = _ts(nullable=True, default=False)  # hourly precision is enough
    created_at: datetime = _ts()


class Project(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    stage: int = 1  # 1..7, the guide's project cycle
    created_at: datetime = _ts()
    # the registration form's language, chosen by a lead; None: from the founders' languages
    working_language: str | None = Field(default=None, max_length=8)


class Membership(SQLModel, table=True):
    """A teacher in a project. `user_id` is cleared when the teacher asks to be forgotten,
    so the team's history (roles, countries) stays consistent without personal data."""

    __table_args__ = (sa.UniqueConstraint("project_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(
        default=None, foreign_key="user.id", index=True, sa_type=sa.BigInteger, ondelete="SET NULL"
    )
    role: Role = Field(sa_type=ROLE_TYPE)
    founder: bool = False
    country: str | None = Field(
        default=None, max_length=2
    )  # the school's country, kept after forgetting
    joined_at: datetime = _ts()


class ChatBinding(SQLModel, table=True):
    """A Telegram group chat that belongs to a project."""

    chat_id: int = Field(
        primary_key=True, sa_type=sa.BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    project_id: int = Field(foreign_key="project.id", index=True, ondelete="CASCADE")
    title: str = Field(default="", max_length=255)
    bound_by: int | None = Field(default=None, sa_type=sa.BigInteger)
    language: str = Field(default="en", max_length=8)  # what the bot speaks in this group
    bound_at: datetime = _ts()
    thread_id: int | None = Field(default=None, sa_type=sa.BigInteger)  # a forum's topic


class Invite(SQLModel, table=True):
    token: str = Field(primary_key=True, max_length=64)
    project_id: int = Field(foreign_key="project.id", index=True, ondelete="CASCADE")
    role: Role = Field(sa_type=ROLE_TYPE)
    created_by: int | None = Field(default=None, sa_type=sa.BigInteger)
    expires_at: datetime = _ts(default=False)
    uses_left: int = 10
    created_at: datetime = _ts()


class Removal(SQLModel, table=True):
    """A teacher the coordinator removed: links made before this do not let them back in."""

    project_id: int = Field(primary_key=True, foreign_key="project.id", ondelete="CASCADE")
    user_id: int = Field(
        primary_key=True, foreign_key="user.id", sa_type=sa.BigInteger, ondelete="CASCADE"
    )
    removed_at: datetime = _ts()


class ConversationState(SQLModel, table=True):
    """python-telegram-bot ConversationHandler states (see storage/persistence.py)."""

    __tablename__ = "conversation_state"

    name: str = Field(primary_key=True, max_length=64)
    key: str = Field(primary_key=True, max_length=128)  # JSON list of the conversation key
    state: str = Field(max_length=128)  # JSON of the state


class UserScratch(SQLModel, table=True):
    """python-telegram-bot `user_data`: answers of a dialog still in progress."""

    __tablename__ = "user_scratch"

    user_id: int = Field(
        primary_key=True, sa_type=sa.BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    data: str = Field(sa_type=sa.Text)


class Answer(SQLModel, table=True):
    """One teacher's answer to one questionnaire item, for one project; written at once.
    `value` is None for a skipped item. A new version of a questionnaire starts afresh."""

    __table_args__ = (
        sa.UniqueConstraint("project_id", "user_id", "questionnaire", "version", "item"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True, ondelete="CASCADE")
    user_id: int = Field(
        foreign_key="user.id", index=True, sa_type=sa.BigInteger, ondelete="CASCADE"
    )
    questionnaire: str = Field(max_length=32)
    version: int
    item: str = Field(max_length=32)
    value: str | None = Field(default=None, sa_type=sa.Text)
    answered_at: datetime = _ts()


class Agreement(SQLModel, table=True):
    """A team-agreement topic the coordinator (or a founder) marked as agreed."""

    project_id: int = Field(primary_key=True, foreign_key="project.id", ondelete="CASCADE")
    topic: str = Field(primary_key=True, max_length=32)
    wording: str = Field(sa_type=sa.Text)
    agreed_by: int | None = Field(default=None, sa_type=sa.BigInteger)
    agreed_at: datetime = _ts()


class GroupPost(SQLModel, table=True):
    """A bot message in a group that is kept up to date (e.g. who has finished the quiz)."""

    __tablename__ = "group_post"

    chat_id: int = Field(
        primary_key=True, sa_type=sa.BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    kind: str = Field(primary_key=True, max_length=32)
    message_id: int = Field(sa_type=sa.BigInteger)
    project_id: int = Field(foreign_key="project.id", index=True, ondelete="CASCADE")


class Nudge(SQLModel, table=True):
    """When a teacher was last reminded privately, so nobody is nudged twice a day."""

    project_id: int = Field(primary_key=True, foreign_key="project.id", ondelete="CASCADE")
    user_id: int = Field(
        primary_key=True, foreign_key="user.id", sa_type=sa.BigInteger, ondelete="CASCADE"
    )
    sent_at: datetime = _ts()


class PlanItem(SQLModel, table=True):
    """One line of the plan sheet: a goal, the product or a step, a collaboration action,
    an activity (with its details as JSON) or the title."""

    __tablename__ = "plan_item"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True, ondelete="CASCADE")
    section: str = Field(max_length=16)
    position: int = 0
    text: str = Field(sa_type=sa.Text)
    details: str | None = Field(default=None, sa_type=sa.Text)
    author_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    updated_at: datetime = _ts()


class PlanLock(SQLModel, table=True):
    """A plan section the coordinator locked as agreed; later changes are told to the group."""

    __tablename__ = "plan_lock"

    project_id: int = Field(primary_key=True, foreign_key="project.id", ondelete="CASCADE")
    section: str = Field(primary_key=True, max_length=16)
    locked_by: int | None = Field(default=None, sa_type=sa.BigInteger)
    locked_at: datetime = _ts()


class RegistrationText(SQLModel, table=True):
    """An edited text of the registration kit (otherwise it is drafted from the plan)."""

    __tablename__ = "registration_text"

    project_id: int = Field(primary_key=True, foreign_key="project.id", ondelete="CASCADE")
    field: str = Field(primary_key=True, max_length=32)
    text: str = Field(sa_type=sa.Text)
    updated_by: int | None = Field(default=None, sa_type=sa.BigInteger)
    updated_at: datetime = _ts()


class ChecklistTick(SQLModel, table=True):
    """A ticked item of a project checklist (lifecycle stages, TwinSpace set-up)."""

    __tablename__ = "checklist_tick"

    project_id: int = Field(primary_key=True, foreign_key="project.id", ondelete="CASCADE")
    item: str = Field(primary_key=True, max_length=48)
    ticked_by: int | None = Field(default=None, sa_type=sa.BigInteger)
    ticked_at: datetime = _ts()


class RiskMark(SQLModel, table=True):
    """The team's view of one of the guide's eleven risks: does it apply, who owns it, how
    it is handled."""

    __tablename__ = "risk_mark"

    project_id: int = Field(primary_key=True, foreign_key="project.id", ondelete="CASCADE")
    risk: str = Field(primary_key=True, max_length=16)
    applies: bool = True
    owner_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    mitigation: str | None = Field(default=None, sa_type=sa.Text)
    updated_at: datetime = _ts()


class Deadline(SQLModel, table=True):
    """Something a member must finish by a moment (stored in UTC; shown in each reader's zone)."""

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True, ondelete="CASCADE")
    title: str = Field(sa_type=sa.Text)
    due_at: datetime = _ts(default=False)
    owner_id: int | None = Field(
        default=None, foreign_key="user.id", sa_type=sa.BigInteger, ondelete="SET NULL"
    )
    created_by: int | None = Field(default=None, sa_type=sa.BigInteger)
    plan_item_id: int | None = Field(default=None, foreign_key="plan_item.id", ondelete="SET NULL")
    done_at: datetime | None = _ts(nullable=True, default=False)
    created_at: datetime = _ts()


class ReminderKind(StrEnum):
    """What a reminder row is about; each kind has one renderer (scheduler/reminders)."""

    BEFORE = "before"  # a deadline is coming (days before it)
    DUE = "due"  # the deadline's own day
    OVERDUE = "overdue"  # to the owner, the working day after
    SNOOZED = "snoozed"  # the owner asked to hear again on their next working day
    OVERDUE_LEAD = "overdue_lead"  # to the coordinator, a working day after the owner's
    BLOCKED = "blocked"  # to the coordinator: the owner blocked the bot
    DIGEST = "digest"  # the group's weekly list of deadlines
    MEETING = "meeting"  # to each member before the team meeting
    CHECKIN = "checkin"  # to a teacher who went quiet
    CHECKIN_LEAD = "checkin_lead"  # to the coordinator about that teacher


class ReminderStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a process, its request in flight
    SENT = "sent"
    FAILED = "failed"
    DROPPED = "dropped"  # no longer useful when its time came


class Reminder(SQLModel, table=True):
    """One message to send at one moment. Rows are the truth; a short repeating job claims
    due rows atomically (pending → sending), so two bot processes never send one twice."""

    __table_args__ = (
        sa.Index("ix_reminder_status_due", "status", "due_at"),
        # "Due now" (storage/reminders.due): the pending rows alone, in the order they are
        # sent, so the oldest due are the first entries whatever else the table holds.
        sa.Index(
            "ix_reminder_pending_due",
            "due_at",
            "id",
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        ),
        # A chat's pending row of one kind (the group's next digest, replace_digest)
        # without walking every pending row of every chat.
        sa.Index("ix_reminder_chat_kind_status", "chat_id", "kind", "status", "due_at"),
        # One teacher's rows of a kind (storage/reminders.silent: the reminders sent since
        # they last wrote, their check-ins), without walking every sent row.
        sa.Index("ix_reminder_user_kind_status", "user_id", "kind", "status", "sent_at"),
        # A team's and a deadline's rows of a status (re-planning: the unsent rows it
        # replaces). Without statistics, as a bot's SQLite has, the planner takes the index
        # that matches more columns: with (project_id) and (deadline_id) alone it walked
        # every pending row of every team through (status, due_at), for each team.
        sa.Index("ix_reminder_project_status", "project_id", "status", "kind", "due_at"),
        sa.Index("ix_reminder_deadline_status", "deadline_id", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    deadline_id: int | None = Field(default=None, foreign_key="deadline.id", ondelete="CASCADE")
    meeting_at: datetime | None = _ts(nullable=True, default=False)  # for meeting notes
    user_id: int | None = Field(
        default=None, foreign_key="user.id", sa_type=sa.BigInteger, ondelete="CASCADE"
    )
    chat_id: int = Field(sa_type=sa.BigInteger)
    kind: str = Field(max_length=16)
    due_at: datetime = _ts(default=False)
    status: str = Field(default="pending", max_length=12)
    attempts: int = 0
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = _ts(nullable=True, default=False)
    sent_at: datetime | None = _ts(nullable=True, default=False)
    late: bool = False


class SchoolBreak(SQLModel, table=True):
    """School holidays of a country: fetched from OpenHolidays (project_id empty), or
    entered once by a teacher for their country's shared calendar ("teacher", "ics"),
    with the team they entered it in (`project_id`) and its author kept as provenance.
    An entry counts at once for the author's teams and, once a second teacher from
    that country confirmed it (`confirmed_by`), for every team (storage/breaks.py)."""

    __tablename__ = "school_break"

    id: int | None = Field(default=None, primary_key=True)
    country: str = Field(max_length=2, index=True)
    subdivision: str | None = Field(default=None, max_length=16)
    start: date
    end: date
    name: str = Field(max_length=200)
    # "openholidays", "snapshot:<data commit>" (shipped with the package), "teacher" or "ics"
    source: str = Field(max_length=16)
    project_id: int | None = Field(default=None, foreign_key="project.id", ondelete="CASCADE")
    created_by: int | None = Field(default=None, sa_type=sa.BigInteger)
    confirmed_by: int | None = Field(default=None, sa_type=sa.BigInteger)


class HolidayFetch(SQLModel, table=True):
    """When a country's school holidays were last fetched, for the weekly refresh, and
    which process is fetching them now (`claimed_at`), so two processes never both fetch
    and re-plan; `replan_pending`: its breaks changed and its teams are not re-planned yet."""

    __tablename__ = "holiday_fetch"

    country: str = Field(primary_key=True, max_length=2)
    fetched_at: datetime | None = _ts(nullable=True, default=False)  # None: never yet
    claimed_at: datetime | None = _ts(nullable=True, default=False)
    replan_pending: bool = False


class BreakPrompt(SQLModel, table=True):
    """A teacher was asked to enter their country's school breaks: never asked again."""

    __tablename__ = "break_prompt"

    user_id: int = Field(
        primary_key=True, foreign_key="user.id", sa_type=sa.BigInteger, ondelete="CASCADE"
    )
    country: str = Field(primary_key=True, max_length=2)
    asked_at: datetime = _ts()


class Away(SQLModel, table=True):
    """A teacher's own pause (sick leave, a school trip, exams): no reminders those days."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        foreign_key="user.id", index=True, sa_type=sa.BigInteger, ondelete="CASCADE"
    )
    start: date
    end: date


class ReminderSettings(SQLModel, table=True):
    """A team's reminder rhythm; a project without a row uses the defaults."""

    __tablename__ = "reminder_settings"

    project_id: int = Field(primary_key=True, foreign_key="project.id", ondelete="CASCADE")
    offsets: str = Field(default="7,2,0", max_length=32)  # days before the deadline
    local_time: str = Field(default="09:00", max_length=5)  # in each reader's own zone
    digest_weekday: int = 0  # the group's weekly digest: 0 = Monday … 6 = Sunday
    digest_time: str = Field(default="09:00", max_length=5)  # in the coordinator's zone
    by_day: str = Field(default="end", max_length=4)  # "by Friday": "end" of Friday or the "eve"


class Meeting(SQLModel, table=True):
    """A regular online team meeting, e.g. every second Tuesday at 16:00 Riga time."""

    project_id: int = Field(primary_key=True, foreign_key="project.id", ondelete="CASCADE")
    weekday: int  # 0 = Monday
    at: str = Field(max_length=5)  # HH:MM in `zone`
    zone: str = Field(max_length=64)
    every_weeks: int = 1
    first: date  # the first meeting day
    created_by: int | None = Field(default=None, sa_type=sa.BigInteger)
