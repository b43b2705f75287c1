""" "⏳ Need more time" under a reminder: the owner proposes a new date in a dialog (read
and confirmed as for /deadline, in their own zone and calendar), and the coordinator
approves it or keeps the old date with a button; the owner and the groups hear which."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from bot.i18n import N_
from bot.reply import Button, Reply
from handlers import forms
from handlers.buttons import ID, Flow, one_of, route
from handlers.deadline_form import CONFIRM, DUE
from handlers.deadline_news import tell_groups
from handlers.guards import stale
from handlers.step import Actor
from scheduler.moments import when, zone_of
from scheduler.reminders.plans import plan_deadline
from storage import deadlines, teams
from storage.models import Deadline, Role, User

PROPOSAL_WINDOW = timedelta(days=3 * 366)  # a proposed date from a button is near today


def _own_deadline(session: Session, actor: Actor, deadline_id: int) -> Deadline | None:
    """The deadline if it is the actor's and they are still in its project (a removed
    teacher's old reminder buttons must not reach the coordinator)."""
    deadline = session.get(Deadline, deadline_id)
    if deadline is None or deadline.owner_id != actor.user.id:
        return None
    member = teams.is_member(session, project_id=deadline.project_id, user_id=actor.user.id)
    return deadline if member else None


def _ask_coordinator(
    session: Session, actor: Actor, answers: forms.Answers, state: forms.State
) -> Reply:
    """The owner proposed a later date: the coordinator approves it or keeps the old one."""
    t = actor.t
    deadline = _own_deadline(session, actor, state["deadline"])
    due = answers.get("due")
    if deadline is None or due is None:
        return Reply().say(t("This deadline is not yours any more, so nothing was asked."))
    lead = teams.coordinator(teams.members(session, project_id=deadline.project_id))
    if lead is None or lead.user is None:
        return Reply().say(t("Your project has no coordinator to ask right now."))
    new = datetime.fromisoformat(due)
    tt = actor.translator_for(lead.user)
    zone = zone_of(lead.user)
    stamp = int(new.timestamp())
    question = tt(
        "⏳ {name} asks for more time for “{title}”: from {old} to {new}.",
        name=actor.user.display_name,
        title=deadline.title,
        old=when(tt, deadline.due_at, zone),
        new=when(tt, new, zone),
    )
    buttons = [[
        Button(tt("Approve"), data=f"dlx:{deadline.id}:{stamp}:yes"),
        Button(tt("Keep the date"), data=f"dlx:{deadline.id}:{stamp}:no"),
    ]]  # fmt: skip
    reply = Reply().say(t("I asked your coordinator; you will hear the answer here."))
    reply.say(question, buttons, chat_id=lead.user.id)
    return reply


def _deadline_project(session: Session, state: forms.State) -> int | None:
    """The dialog belongs to the deadline's project (its team's calendars are read)."""
    deadline = session.get(Deadline, state.get("deadline") or 0)
    return deadline.project_id if deadline is not None else None


MORE_TIME = forms.Form(
    name="more_time",
    fields=(DUE, CONFIRM),
    finish=_ask_coordinator,
    project=_deadline_project,
    guard=None,  # the deadline must still be the teacher's: checked at the end, as before
    reopen=N_("The “⏳ Need more time” button under the reminder asks again."),
)


def ask_more_time(session: Session, actor: Actor, deadline_id: int) -> Reply:
    """ "Need more time" under a reminder: the owner proposes a new date, as for /deadline."""
    t = actor.t
    deadline = _own_deadline(session, actor, deadline_id)
    if deadline is None or deadline.done_at is not None:
        return stale(session, actor)
    intro = t(
        "Which new date would you propose for “{title}”? Your coordinator decides.",
        title=deadline.title,
    )
    return forms.begin(session, actor, MORE_TIME, intro=intro, extra={"deadline": deadline.id})


def decide_more_time(
    session: Session, actor: Actor, deadline_id: int, stamp: int, approve: bool
) -> Reply:
    """The coordinator's answer to a request for more time; the owner is told either way."""
    t = actor.t
    deadline, me = deadlines.with_membership(
        session, deadline_id=deadline_id, user_id=actor.user.id
    )
    if deadline is None or me is None or me.role != Role.COORDINATOR:
        return Reply(alert=t("Only the project's coordinator can decide this."))
    if abs(stamp - actor.now.timestamp()) > PROPOSAL_WINDOW.total_seconds():
        return stale(session, actor)  # not a date we proposed
    owner = session.get(User, deadline.owner_id) if deadline.owner_id else None
    new = datetime.fromtimestamp(stamp, UTC)
    reply = Reply(clear_buttons=True)
    if approve:
        deadline.due_at = new
        session.add(deadline)
        plan_deadline(session, deadline, actor.now)
        reply.say(
            t(
                "Approved: “{title}” is now due {when}.",
                title=deadline.title,
                when=when(t, new, zone_of(actor.user)),
            )
        )
        tell_groups(
            session, deadline, N_("⏳ More time for “{title}” ({name}): now due {when}."), reply
        )
    else:
        reply.say(t("The date stays as it was."))
    if owner is not None:
        tt = actor.translator_for(owner)
        note = (
            tt(
                "✅ Your coordinator approved more time: “{title}” is now due {when}.",
                title=deadline.title,
                when=when(tt, new, zone_of(owner)),
            )
            if approve
            else tt(
                "Your coordinator kept the date for “{title}”: {when}.",
                title=deadline.title,
                when=when(tt, deadline.due_at, zone_of(owner)),
            )
        )
        reply.say(note, chat_id=owner.id)
    return reply


# dl:<deadline>:more under a reminder opens the "new date" dialog;
# dlx:<deadline>:<new date as a timestamp>:yes|no is the coordinator's decision.
FLOW = Flow(
    buttons=(
        route(
            "dl",
            (ID, one_of("more")),
            lambda s, a, d, _: ask_more_time(s, a, d),
            actions=("more",),
            opens_dialog=True,
        ),
        route(
            "dlx",
            (ID, ID, one_of("yes", "no")),
            lambda s, a, d, when, yes: decide_more_time(s, a, d, when, yes == "yes"),
        ),
    )
)
