"""Deadline reminders: planning rows for a deadline, rendering a due row in its reader's
language and time zone, the buttons under a reminder, and the repeating job that sends.

The rows are the truth (storage/reminders.py); this module decides what they say."""

from __future__ import annotations

import asyncio
import os
import re
import socket
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select
from telegram import Bot
from telegram.ext import BaseHandler, CallbackQueryHandler, JobQueue

from bot.context import Ctx, Services
from bot.i18n import Html, Translator, lines
from bot.reply import Button, Message, Reply
from handlers.common import Actor, button, markup, translator_for
from handlers.meetings import render_meeting
from handlers.moments import when, zone_of
from handlers.places import teams_places, working_days
from handlers.quiz import QUIZ
from scheduler.calendar import Place
from scheduler.delivery import Dispatcher, Pacer
from scheduler.planning import reminder_moments
from storage import answers, reminders, teams, users
from storage.db import Database
from storage.models import (
    ChatBinding,
    Deadline,
    Project,
    Reminder,
    Role,
    User,
)

DISPATCH_EVERY = 5.0  # seconds between looks for due reminders
DISPATCH_JOB = "send-due-reminders"
OVERDUE_AFTER = timedelta(hours=1)
LEAD_AFTER = timedelta(days=1)  # the coordinator hears only if the owner has not answered
SNOOZE = timedelta(days=1)
CALLBACK = re.compile(r"^dl:(\d{1,12}):(done|snooze)$")


EARLY = 7  # days: the early reminder for those who work at the last moment


def quiz_value(session: Session, project_id: int, user_id: int, scale: str) -> int | None:
    """The teacher's answer on one work-style scale (1–5), if they took the quiz."""
    return _scale(QUIZ.answers_of(session, project_id, user_id).get(scale))


def _scale(value: str | None) -> int | None:
    """A stored 1–5 answer as a number; None when skipped."""
    return int(value) if value and value.isdigit() else None


def fitted_offsets(team: tuple[int, ...], deadlines_scale: int | None) -> tuple[int, ...]:
    """Reminders that fit the person (quiz: "Deadlines: I do my tasks…"): someone who
    works right away (1–2) gets only the earliest one, someone who works at the last
    moment (4–5) always gets an early one too; everyone else the team's rhythm."""
    if deadlines_scale is not None and deadlines_scale <= 2:
        return (max(team),)
    if deadlines_scale is not None and deadlines_scale >= 4:
        return tuple(sorted({*team, EARLY}, reverse=True))
    return team


@dataclass(frozen=True)
class TeamRhythm:
    """Everything planning needs to know about one team, looked up once for all of its
    deadlines (re-planning a team used to repeat five queries per deadline), and for many
    teams at once with one query per kind (``load``)."""

    members: dict[int, User]
    places: dict[int, tuple[User, Place]]
    offsets: tuple[int, ...]
    local_time: time
    deadline_scale: dict[int, int | None]  # teacher → quiz answer "Deadlines: I do my tasks…"
    lead_id: int | None

    @classmethod
    def load(cls, session: Session, project_ids: Collection[int]) -> dict[int, TeamRhythm]:
        ids = sorted(set(project_ids))
        team_of = teams.members_of(session, project_ids=ids)
        places = teams_places(session, team_of)
        rhythm_of = reminders.settings_of(session, project_ids=ids)
        scales = answers.item_values(
            session,
            project_ids=ids,
            questionnaire=QUIZ.id,
            version=QUIZ.version,
            item="s_deadlines",
        )
        loaded = {}
        for project_id in ids:
            team = team_of.get(project_id, [])
            rhythm = rhythm_of[project_id]
            lead = teams.coordinator(team)
            loaded[project_id] = cls(
                members={m.user.id: m.user for m in team if m.user is not None},
                places=places.get(project_id, {}),
                offsets=tuple(int(days) for days in rhythm.offsets.split(",")),
                local_time=time.fromisoformat(rhythm.local_time),
                deadline_scale={
                    user: _scale(value) for user, value in scales.get(project_id, {}).items()
                },
                lead_id=lead.user.id if lead is not None and lead.user is not None else None,
            )
        return loaded


def _moments(
    session: Session, deadline: Deadline, team: TeamRhythm, now: datetime
) -> list[tuple[int, str, datetime]]:
    """(reader, kind, moment) of an open deadline: the owner's reminders on their own
    working days and clock, the overdue check, and the coordinator's note a day later."""
    if deadline.owner_id is None:
        return []
    owner = team.members.get(deadline.owner_id) or session.get(User, deadline.owner_id)
    if owner is None:
        return []
    _, place = team.places.get(owner.id, (owner, None))
    planned = reminder_moments(
        deadline.due_at,
        now,
        zone_of(owner),
        working_days(place),
        offsets=fitted_offsets(team.offsets, team.deadline_scale.get(owner.id)),
        local_time=team.local_time,
    )
    moments = [(owner.id, p.kind, p.at) for p in planned]
    moments.append((owner.id, "overdue", deadline.due_at + OVERDUE_AFTER))
    if team.lead_id is not None and team.lead_id != owner.id:
        moments.append((team.lead_id, "overdue_lead", deadline.due_at + LEAD_AFTER))
    return moments


def plan_deadlines(session: Session, deadlines: Iterable[Deadline], now: datetime) -> int:
    """(Re)create the reminders of these deadlines, of one team or many: each owner's
    reminders and the overdue checks; a done deadline keeps none. The teams are looked up
    once, with one query per kind, and the old pending rows replaced in bulk. Returns the
    number of rows planned."""
    group = {d.id: d for d in deadlines if d.id is not None}
    open_ = [d for d in group.values() if d.done_at is None and d.owner_id is not None]
    rhythm = TeamRhythm.load(session, {d.project_id for d in open_}) if open_ else {}
    rows: list[dict[str, object]] = [
        {
            "project_id": deadline.project_id,
            "deadline_id": deadline.id,
            "user_id": reader,
            "chat_id": reader,
            "kind": kind,
            "due_at": at,
        }
        for deadline in open_
        for reader, kind, at in _moments(session, deadline, rhythm[deadline.project_id], now)
    ]
    reminders.replace_pending(session, deadline_ids=group.keys(), rows=rows)
    return len(rows)


def plan_deadline(session: Session, deadline: Deadline, now: datetime) -> None:
    """(Re)create the reminders of a deadline for its owner, and the overdue check."""
    assert deadline.id is not None
    plan_deadlines(session, [deadline], now)


def plan_projects(session: Session, project_ids: Collection[int], now: datetime) -> int:
    """Re-plan every open deadline still ahead of these teams (their rhythm, breaks or
    members changed); returns the number of rows planned."""
    found = open_deadlines(session, now=now, project_ids=project_ids)
    return plan_deadlines(session, found, now)


REPLAN_BATCH = 100  # teams per transaction when many teams are re-planned at once
REPLAN_IN_FLIGHT = 2  # batches at a time


async def replan_teams(db: Database, project_ids: Sequence[int], now: datetime) -> int:
    """Re-plan many teams (a country's school breaks changed), REPLAN_BATCH teams a
    transaction, so the bot answers other teachers between batches. Two batches run at a
    time: while PostgreSQL stores one batch's rows, the next is planned on the loop.
    Returns the number of rows planned."""
    slots = asyncio.Semaphore(REPLAN_IN_FLIGHT)

    async def batch(first: int) -> int:
        async with slots:
            ids = project_ids[first : first + REPLAN_BATCH]
            return await db.run(lambda s: plan_projects(s, ids, now))

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(batch(n)) for n in range(0, len(project_ids), REPLAN_BATCH)]
    except ExceptionGroup as failed:  # the others are cancelled; raise as a plain loop would
        raise failed.exceptions[0] from None
    return sum(task.result() for task in tasks)


def open_deadlines(
    session: Session,
    *,
    now: datetime,
    project_ids: Collection[int] | None = None,
    owner_id: int | None = None,
) -> list[Deadline]:
    """Deadlines not done and still ahead, of some teams and/or of one owner."""
    query = select(Deadline).where(col(Deadline.done_at).is_(None), col(Deadline.due_at) > now)
    if project_ids is not None:
        query = query.where(col(Deadline.project_id).in_(list(project_ids)))
    if owner_id is not None:
        query = query.where(Deadline.owner_id == owner_id)
    return list(session.exec(query.order_by(col(Deadline.id))).all())


def coordinator_zone(session: Session, project_id: int) -> ZoneInfo:
    lead = teams.coordinator(teams.members(session, project_id=project_id))
    return zone_of(lead.user) if lead is not None and lead.user is not None else ZoneInfo("UTC")


def schedule_digest(session: Session, *, project_id: int, chat_id: int, now: datetime) -> None:
    """The group's next weekly digest, on the team's day and time in the coordinator's zone."""
    rhythm = reminders.settings(session, project_id=project_id)
    zone = coordinator_zone(session, project_id)
    local = now.astimezone(zone)
    at = datetime.combine(local.date(), time.fromisoformat(rhythm.digest_time), tzinfo=zone)
    at += timedelta(days=(rhythm.digest_weekday - local.weekday()) % 7)
    if at <= local:
        at += timedelta(days=7)
    reminders.replace_digest(
        session, project_id=project_id, chat_id=chat_id, due_at=at.astimezone(UTC)
    )


def deadline_lines(
    session: Session, t: Translator, project_id: int, deadlines: list[Deadline], zone: ZoneInfo
) -> list[Html]:
    """One line per deadline: what, when (in `zone`) and who."""
    names = {
        m.user.id: m.user.display_name
        for m in teams.members(session, project_id=project_id)
        if m.user
    }
    return [
        t(
            "• <b>{title}</b>: {when} ({name})",
            title=d.title,
            when=when(t, d.due_at, zone),
            name=names.get(d.owner_id or 0, "—"),
        )
        for d in deadlines
    ]


def _digest(session: Session, reminder: Reminder, now: datetime) -> Message | None:
    """The coming week's deadlines for the group; the next digest is planned either way."""
    binding = session.get(ChatBinding, reminder.chat_id)
    if binding is None or binding.project_id != reminder.project_id:
        return None  # the group was unlinked: the chain of digests ends
    schedule_digest(
        session,
        project_id=reminder.project_id,
        chat_id=reminder.chat_id,
        now=now + timedelta(minutes=1),
    )
    week = session.exec(
        select(Deadline)
        .where(
            Deadline.project_id == reminder.project_id,
            col(Deadline.done_at).is_(None),
            col(Deadline.due_at) >= now,
            col(Deadline.due_at) < now + timedelta(days=7),
        )
        .order_by(col(Deadline.due_at))
    ).all()
    if not week:
        return None
    t = Translator(binding.language)
    zone = coordinator_zone(session, reminder.project_id)
    items = deadline_lines(session, t, reminder.project_id, list(week), zone)
    text = lines(
        t("📅 Deadlines this week:"), *items, t("/deadlines shows them in your own time zone.")
    )
    return Message(text, chat_id=reminder.chat_id)


QUIET = timedelta(days=14)
CHECK_EVERY = 6 * 3600.0  # seconds between looks for teachers who went quiet


def plan_checkins(session: Session, now: datetime) -> None:
    """Risk 1, "a partner disappears": a gentle private check-in for a teacher who ignored
    two reminders and has been quiet for two weeks, and a private note to the coordinator."""
    for user_id, project_id in reminders.silent(session, now=now, quiet=QUIET):
        reminders.add(
            session,
            project_id=project_id,
            chat_id=user_id,
            user_id=user_id,
            kind="checkin",
            due_at=now,
        )
        lead = teams.coordinator(teams.members(session, project_id=project_id))
        if lead is not None and lead.user is not None and lead.user.id != user_id:
            reminders.add(
                session,
                project_id=project_id,
                chat_id=lead.user.id,
                user_id=user_id,
                kind="checkin_lead",
                due_at=now,
            )


def _checkin(session: Session, reminder: Reminder) -> Message | None:
    teacher = session.get(User, reminder.user_id) if reminder.user_id else None
    project = session.get(Project, reminder.project_id)
    if teacher is None or project is None:
        return None
    if reminder.kind == "checkin":
        t = translator_for(teacher, "en")
        text = t(
            "👋 Hello {name}! We have not heard from you in “{title}” for a while. Is everything all right? A short note such as “busy until 10.01.” (/away) helps the team plan.",
            name=teacher.display_name,
            title=project.title,
        )
        return Message(text, chat_id=reminder.chat_id)
    reader = session.get(User, reminder.chat_id)
    if reader is None:
        return None
    t = translator_for(reader, "en")
    text = t(
        "{name} has not answered two reminders and has been quiet for two weeks in “{title}”. I sent a gentle check-in; perhaps contact them too.",
        name=teacher.display_name,
        title=project.title,
    )
    return Message(text, chat_id=reminder.chat_id)


def render(session: Session, reminder: Reminder, now: datetime) -> Message | None:
    """The message for a due reminder, or None when it is no longer useful."""
    if reminder.kind == "digest":
        return _digest(session, reminder, now)
    if reminder.kind in ("checkin", "checkin_lead"):
        return _checkin(session, reminder)
    if reminder.kind == "meeting":
        return render_meeting(session, reminder, now)
    reader = session.get(User, reminder.user_id) if reminder.user_id else None
    deadline = session.get(Deadline, reminder.deadline_id) if reminder.deadline_id else None
    if reader is None or deadline is None or deadline.done_at is not None:
        return None
    if reminder.kind in ("before", "due") and deadline.due_at <= now:
        return None  # missed while the bot was down, and the deadline has passed
    t = translator_for(reader, "en")
    moment = when(t, deadline.due_at, zone_of(reader))
    buttons = [
        [Button(t("✅ Done"), data=f"dl:{deadline.id}:done")],
        [Button(t("⏳ Need more time"), data=f"dl:{deadline.id}:more")],
        [Button(t("Snooze one day"), data=f"dl:{deadline.id}:snooze")],
    ]
    direct = (quiz_value(session, deadline.project_id, reader.id, "s_criticism_get") or 0) >= 4
    if reminder.kind == "before":
        text = (
            t("⏰ “{title}” is due {when}.", title=deadline.title, when=moment)
            if direct
            else t(
                "⏰ A gentle reminder: “{title}” is due {when}.", title=deadline.title, when=moment
            )
        )
    elif reminder.kind == "due":
        text = (
            t("⏰ “{title}” is due today: {when}.", title=deadline.title, when=moment)
            if direct
            else t(
                "⏰ Today is the day for “{title}”: due {when}.", title=deadline.title, when=moment
            )
        )
    elif reminder.kind == "overdue":
        text = t(
            "“{title}” was due {when}. Is it done? If you need more time, tell your coordinator.",
            title=deadline.title,
            when=moment,
        )
    elif reminder.kind == "overdue_lead":
        owner = session.get(User, deadline.owner_id) if deadline.owner_id else None
        text = t(
            "“{title}” ({name}) was due {when} and is not marked done yet. Perhaps check in with them privately.",
            title=deadline.title,
            name=owner.display_name if owner else "",
            when=moment,
        )
        buttons = []
    else:  # "blocked": a note to the coordinator
        owner = session.get(User, deadline.owner_id) if deadline.owner_id else None
        text = t(
            "{name} has blocked me, so they will not get reminders about “{title}”. Could you contact them another way?",
            name=owner.display_name if owner else "",
            title=deadline.title,
        )
        buttons = []
    return Message(text, buttons, chat_id=reminder.chat_id)


def tell_coordinator(session: Session, reminder: Reminder, now: datetime) -> None:
    """The reader blocked the bot: mark them unreachable and tell the coordinator once."""
    if reminder.user_id is None:
        return
    users.set_reachable(session, user_id=reminder.user_id, reachable=False)
    lead = teams.coordinator(teams.members(session, project_id=reminder.project_id))
    if (
        lead is None
        or lead.user is None
        or lead.user.id == reminder.user_id
        or reminder.kind == "blocked"
    ):
        return
    reminders.add(
        session,
        project_id=reminder.project_id,
        chat_id=lead.user.id,
        user_id=lead.user.id,
        kind="blocked",
        due_at=now,
        deadline_id=reminder.deadline_id,
    )


async def send(bot: Bot, message: Message) -> object:
    assert message.chat_id is not None
    return await bot.send_message(
        message.chat_id, message.text, reply_markup=markup(message.buttons)
    )


def dispatcher(services: Services, bot: Bot) -> Dispatcher:
    """One per process: its pacer remembers what was sent, across runs of the job."""
    worker = f"{socket.gethostname()}:{os.getpid()}"
    pacer = Pacer(per_second=services.settings.send_rate)
    return Dispatcher(
        services.db, bot, render, send, worker, pacer=pacer, on_blocked=tell_coordinator
    )


def answer_reminder(session: Session, actor: Actor, deadline_id: int, action: str) -> Reply:
    """Done or snooze, pressed under a reminder; only the owner or the coordinator may."""
    t = actor.t
    deadline = session.get(Deadline, deadline_id)
    me = (
        teams.membership(session, project_id=deadline.project_id, user_id=actor.user.id)
        if deadline
        else None
    )
    if (
        deadline is None
        or me is None
        or not (deadline.owner_id == actor.user.id or me.role == Role.COORDINATOR)
    ):
        return Reply(alert=t("This button is no longer active."))
    if deadline.done_at is not None:
        return Reply(alert=t("Already marked done. Thank you!"))
    if action == "done":
        deadline.done_at = actor.now
        session.add(deadline)
        plan_deadline(session, deadline, actor.now)
        return Reply(clear_buttons=True).say(
            t("✅ Marked done: “{title}”. Thank you!", title=deadline.title)
        )
    assert deadline.id is not None
    reminders.add(
        session,
        project_id=deadline.project_id,
        chat_id=actor.user.id,
        user_id=actor.user.id,
        kind="before" if actor.now + SNOOZE < deadline.due_at else "overdue",
        due_at=actor.now + SNOOZE,
        deadline_id=deadline.id,
    )
    return Reply(clear_buttons=True).say(t("I will remind you again tomorrow."))


# dl:<deadline>:done|snooze under a reminder.
on_reminder_button = button(CALLBACK, lambda s, a, m: answer_reminder(s, a, int(m[1]), m[2]))


def handlers() -> list[BaseHandler]:
    return [CallbackQueryHandler(on_reminder_button, pattern="^dl:")]


async def checkin_job(context: Ctx) -> None:
    """Every few hours: plan check-ins for teachers who went quiet (sent by the dispatcher)."""
    now = datetime.now(UTC)
    await context.db.run(lambda s: plan_checkins(s, now))


def schedule(job_queue: JobQueue[Ctx], services: Services, bot: Bot) -> None:
    """The sending and check-in jobs of one process."""
    job_queue.run_once(dispatch_job, 1.0, name=DISPATCH_JOB, data=dispatcher(services, bot))
    job_queue.run_repeating(
        checkin_job, interval=CHECK_EVERY, first=60.0, name="check-in-on-quiet-teachers"
    )


async def dispatch_job(context: Ctx) -> None:
    """Send whatever is due (a burst may take minutes), then look again a little later:
    chained rather than repeating, so runs never overlap."""
    assert context.job is not None and isinstance(context.job.data, Dispatcher)
    try:
        await context.job.data.run_once()
    finally:
        job_queue = cast(JobQueue[Ctx], context.job_queue)
        job_queue.run_once(dispatch_job, DISPATCH_EVERY, name=DISPATCH_JOB, data=context.job.data)
