"""The buttons under a deadline reminder: Done and Snooze ("Need more time" opens a
dialog in handlers/more_time.py). Only the owner or the coordinator, still in the team,
may press them."""

from __future__ import annotations

from sqlmodel import Session

from bot.reply import Reply
from handlers.buttons import ID, Flow, one_of, route
from handlers.guards import stale
from handlers.step import Actor
from scheduler.reminders.plans import plan_deadline, snooze
from storage import deadlines
from storage.models import Role


def answer_reminder(session: Session, actor: Actor, deadline_id: int, action: str) -> Reply:
    t = actor.t
    deadline, me = deadlines.with_membership(
        session, deadline_id=deadline_id, user_id=actor.user.id
    )
    if (
        deadline is None
        or me is None
        or not (deadline.owner_id == actor.user.id or me.role == Role.COORDINATOR)
    ):
        return stale(session, actor)
    if deadline.done_at is not None:
        return Reply(alert=t("Already marked done. Thank you!"))
    if action == "done":
        deadline.done_at = actor.now
        session.add(deadline)
        plan_deadline(session, deadline, actor.now)
        return Reply(clear_buttons=True).say(
            t("✅ Marked done: “{title}”. Thank you!", title=deadline.title)
        )
    snooze(session, deadline, actor.user.id, actor.now)
    return Reply(clear_buttons=True).say(t("I will remind you again on your next working day."))


# dl:<deadline>:done|snooze under a reminder (dl:<deadline>:more is handlers/more_time.py's).
FLOW = Flow(
    buttons=(
        route("dl", (ID, one_of("done", "snooze")), answer_reminder, actions=("done", "snooze")),
    )
)
