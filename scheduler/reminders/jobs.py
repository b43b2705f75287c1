"""The jobs of a process that sends reminders: the dispatcher every few seconds, the
check-in planner every few hours and the weekly school-holiday refresh
(scheduler/break_refresh.py, looked at every few hours).

The dispatcher is a repeating job that always runs, however late (no grace limit,
missed runs folded into one), and returns at once while its previous run is still
sending: a loop blocked for a minute delays delivery, it never ends it."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime
from functools import partial

from sqlmodel import Session
from telegram import Bot
from telegram.ext import JobQueue

from bot.budget import Budget
from bot.context import Ctx, Services
from bot.outgoing import Call
from bot.reply import Message
from bot.send import deliver
from scheduler import break_refresh
from scheduler.delivery import Dispatcher, Pacer
from scheduler.reminders import plans, prune
from scheduler.reminders.render import render
from storage import users
from storage.models import Reminder

DISPATCH_EVERY = 5.0  # seconds between looks for due reminders
DISPATCH_JOB = "send-due-reminders"
CHECK_EVERY = 6 * 3600.0  # seconds between looks for teachers who went quiet
# a run that starts late still runs, and several missed runs are one
ALWAYS_RUN = {"coalesce": True, "misfire_grace_time": None, "max_instances": 2}


async def send(bot: Bot, message: Message, call: Call) -> object:
    """One reminder, each of its parts in its turn (`call`: the dispatcher's)."""
    assert message.chat_id is not None
    return await deliver(bot, message.chat_id, message, call=call)


def blocked(session: Session, reminder: Reminder, now: datetime) -> None:
    """The reader blocked the bot: marked unreachable, the coordinator told once."""
    if reminder.user_id is not None:
        users.set_reachable(session, user_id=reminder.user_id, reachable=False)
    plans.tell_coordinator(session, reminder, now)


def dispatcher(
    services: Services, bot: Bot, pacer: Pacer | None = None, budget: Budget | None = None
) -> Dispatcher:
    """One per process: its pacer remembers what was sent, across runs of the job, and
    `budget` is the one its replies take their places from (else one of its own)."""
    return Dispatcher(
        services.db,
        bot,
        partial(render, default_language=services.settings.default_language),
        send,
        f"{socket.gethostname()}:{os.getpid()}",
        pacer=pacer or Pacer(),
        budget=budget or Budget(services.settings.send_rate),
        on_blocked=blocked,
        follow_up=plans.follow_up,
    )


async def dispatch_job(context: Ctx) -> None:
    """Send whatever is due; a burst may take minutes, meanwhile later runs return."""
    assert context.job is not None and isinstance(context.job.data, Dispatcher)
    worker = context.job.data
    if not worker.running and not worker.stopping:
        await worker.run_once()


async def checkin_job(context: Ctx) -> None:
    """Plan check-ins for teachers who went quiet (sent by the dispatcher)."""
    now = datetime.now(UTC)
    await context.db.run(lambda s: plans.plan_checkins(s, now))


def schedule(job_queue: JobQueue[Ctx], services: Services, bot: Bot, budget: Budget) -> Dispatcher:
    """The sending, check-in and school-holiday jobs of one process; returns the sender,
    whose `stop` the application calls before it waits for the jobs."""
    sender = dispatcher(services, bot, budget=budget)
    job_queue.run_repeating(
        dispatch_job,
        interval=DISPATCH_EVERY,
        first=1.0,
        name=DISPATCH_JOB,
        data=sender,
        job_kwargs=ALWAYS_RUN,
    )
    job_queue.run_repeating(
        checkin_job,
        interval=CHECK_EVERY,
        first=60.0,
        name="check-in-on-quiet-teachers",
        job_kwargs=ALWAYS_RUN,
    )
    job_queue.run_repeating(
        prune.prune_job, interval=prune.EVERY, first=300.0, name=prune.JOB, job_kwargs=ALWAYS_RUN
    )
    job_queue.run_repeating(
        break_refresh.refresh_job,
        interval=break_refresh.EVERY,
        first=120.0,
        name=break_refresh.JOB,
        job_kwargs=ALWAYS_RUN,
    )
    return sender
