"""/members (the coordinator's roles screen) and /leave.

Every button re-checks that the presser coordinates the project named in the data and
that the other teacher is in it: callback data carry no trust.
"""

from __future__ import annotations

from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Ctx
from bot.i18n import Html, lines
from bot.reply import Button, Keyboard, Reply, clip
from handlers import lifecycle
from handlers.buttons import ID, Flow, Part, anything, route
from handlers.guards import for_member
from handlers.step import Actor, respond
from handlers.team import role_label
from scheduler.reminders.plans import teams_changed
from storage import teams
from storage.models import Membership, Project, Role
from storage.teams import Member

FOUNDERS = 2


def member_list(session: Session, actor: Actor, project: Project) -> Reply:
    assert project.id is not None
    t = actor.t
    team = teams.members(session, project_id=project.id)
    buttons = [
        [
            Button(
                clip(f"{m.user.display_name} · {role_label(t, m)}", 60),
                data=f"mem:{project.id}:{m.user.id}:card",
            )
        ]
        for m in team
        if m.user is not None and m.user.id != actor.user.id
    ]
    founders = sum(m.membership.founder for m in team)
    text = t("<b>{title}</b>: tap a teacher to change their role.", title=project.title)
    if founders < FOUNDERS:
        text = lines(
            text,
            t(
                "A project has exactly two founders: one registers it on the platform, the other confirms. Choose the second founder here."
            ),
        )
    if not buttons:
        text = t(
            "<b>{title}</b>: nobody else has joined yet. /invite gives you a link for partners.",
            title=project.title,
        )
    return Reply().say(text, buttons)


def _card(actor: Actor, project: Project, target: Member, founders: int) -> Reply:
    assert target.user is not None
    t = actor.t
    prefix = f"mem:{project.id}:{target.user.id}"
    m = target.membership
    buttons: Keyboard = []
    if not m.founder and founders < FOUNDERS and m.role != Role.PARTICIPANT:
        buttons.append([Button(t("Make founder"), data=f"{prefix}:founder")])
    if m.founder:
        buttons.append([Button(t("Remove as founder"), data=f"{prefix}:unfounder")])
    if m.role == Role.PARTNER:
        buttons.append([Button(t("Make participant"), data=f"{prefix}:participant")])
        buttons.append([Button(t("Hand over coordination"), data=f"{prefix}:lead")])
    if m.role == Role.PARTICIPANT:
        buttons.append([Button(t("Make partner"), data=f"{prefix}:partner")])
    buttons.append([Button(t("Remove from project"), data=f"{prefix}:remove")])
    buttons.append([Button(t("« Back"), data=f"mem:{project.id}:0:list")])
    return Reply().edit(
        t("<b>{name}</b> — {role}", name=target.user.display_name, role=role_label(t, target)),
        buttons,
    )


def _confirm(actor: Actor, prefix: str, question: Html) -> Reply:
    t = actor.t
    buttons = [
        [
            Button(t("Yes"), data=f"{prefix}!"),
            Button(t("No"), data=prefix.rsplit(":", 1)[0] + ":card"),
        ]
    ]
    return Reply().edit(question, buttons)


def _change_role(m: Membership, action: str, founders: int) -> bool:
    """The four one-tap role changes; False when the change does not fit this teacher."""
    if action == "founder" and not m.founder and founders < FOUNDERS and m.role != Role.PARTICIPANT:
        m.founder = True
    elif action == "unfounder" and m.founder:
        m.founder = False
    elif action == "participant" and m.role == Role.PARTNER and not m.founder:
        m.role = Role.PARTICIPANT
    elif action == "partner" and m.role == Role.PARTICIPANT:
        m.role = Role.PARTNER
    else:
        return False
    return True


def _hand_over_or_remove(
    session: Session, actor: Actor, mine: Membership, target: Member, *, action: str
) -> Reply | None:
    """Hand-over and removal, each confirmed first; None when the action is neither."""
    assert target.user is not None
    t = actor.t
    project = session.get(Project, mine.project_id)
    assert project is not None
    m, name = target.membership, target.user.display_name
    prefix = f"mem:{project.id}:{target.user.id}"
    tt = actor.translator_for(target.user)
    if action == "lead" and m.role == Role.PARTNER:
        question = t(
            "Hand over coordination of <b>{title}</b> to {name}? You stay in the team as a partner.",
            title=project.title,
            name=name,
        )
        return _confirm(actor, f"{prefix}:lead", question)
    if action == "lead!" and m.role == Role.PARTNER:
        teams.hand_over(session, current=mine, heir=m)
        teams_changed(session, [mine.project_id], actor.now)
        done = t("{name} coordinates <b>{title}</b> now.", name=name, title=project.title)
        note = tt(
            "You coordinate <b>{title}</b> now. /members lets you manage the team.",
            title=project.title,
        )
        return Reply().edit(done).say(note, chat_id=target.user.id)
    if action == "remove":
        question = t("Remove {name} from <b>{title}</b>?", title=project.title, name=name)
        return _confirm(actor, f"{prefix}:remove", question)
    if action == "remove!":
        teams.remove_member(session, membership=m, removed_at=actor.now)
        teams_changed(session, [mine.project_id], actor.now)
        done = t("{name} is no longer in the project.", name=name)
        note = tt("The coordinator removed you from <b>{title}</b>.", title=project.title)
        return Reply().edit(done).say(note, chat_id=target.user.id)
    return None


def manage(session: Session, actor: Actor, project_id: int, user_id: int, action: str) -> Reply:
    """One press on the /members screen."""
    t = actor.t
    mine = teams.membership(session, project_id=project_id, user_id=actor.user.id)
    project = session.get(Project, project_id)
    if mine is None or project is None or mine.role != Role.COORDINATOR:
        return Reply(alert=t("Only the project's coordinator can change roles."))
    if action == "list":
        reply = member_list(session, actor, project)
        reply.messages[0].edit = True
        return reply
    team = teams.members(session, project_id=project_id)
    target = next((m for m in team if m.user is not None and m.user.id == user_id), None)
    if target is None or user_id == actor.user.id:
        return Reply(alert=t("This teacher is not in the project any more."))
    founders = sum(m.membership.founder for m in team)
    if action == "card":
        return _card(actor, project, target, founders)
    if _change_role(target.membership, action, founders):
        session.add(target.membership)
        reply = _card(actor, project, target, sum(m.membership.founder for m in team))
        reply.messages += lifecycle.follow(session, actor, project)  # the second founder
        return reply
    done = _hand_over_or_remove(session, actor, mine, target, action=action)
    return done or Reply(alert=t("That is not possible for this teacher right now."))


def members_screen(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    if me.role != Role.COORDINATOR:
        return Reply().say(actor.t("Only the project's coordinator can change roles."))
    return member_list(session, actor, project)


def ask_leave(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    t = actor.t
    team = teams.members(session, project_id=project.id or 0)
    others = [m for m in team if m.user is not None and m.user.id != actor.user.id]
    if me.role == Role.COORDINATOR and others:
        return Reply().say(
            t(
                "You coordinate <b>{title}</b>. Hand coordination over in /members first, then leave.",
                title=project.title,
            )
        )
    question = (
        t(
            "Leave <b>{title}</b>? You are its last member, so the project will be deleted.",
            title=project.title,
        )
        if not others
        else t("Leave <b>{title}</b>?", title=project.title)
    )
    return Reply().say(
        question,
        [[Button(t("Yes, leave"), data=f"leave:{project.id}"), Button(t("No"), data="leave:no")]],
    )


def leave(session: Session, actor: Actor, project_id: int) -> Reply:
    t = actor.t
    mine = teams.membership(session, project_id=project_id, user_id=actor.user.id)
    project = session.get(Project, project_id)
    if mine is None or project is None:
        return Reply().edit(t("Nothing changed."))
    team = teams.members(session, project_id=project_id)
    others = [m for m in team if m.user is not None and m.user.id != actor.user.id]
    if mine.role == Role.COORDINATOR and others:
        return Reply(alert=t("Hand coordination over in /members first."))
    reply = Reply().edit(t("You left <b>{title}</b>.", title=project.title))
    if not others:
        session.delete(project)
        return reply
    teams.remove_member(session, membership=mine)
    teams_changed(session, [project_id], actor.now)
    lead = teams.coordinator(team)
    if lead is not None and lead.user is not None:
        tt = actor.translator_for(lead.user)
        reply.say(
            tt("{name} left <b>{title}</b>.", name=actor.user.display_name, title=project.title),
            chat_id=lead.user.id,
        )
    return reply


async def on_members(update: Update, context: Ctx) -> None:
    """/members: the coordinator's list of teachers to manage."""
    await respond(update, context, for_member(members_screen, private_only=True))


async def on_leave(update: Update, context: Ctx) -> None:
    """/leave: asks to confirm."""
    await respond(update, context, for_member(ask_leave, private_only=True))


def leave_or_not(session: Session, actor: Actor, project_id: int | None) -> Reply:
    """The Yes (leave:<project>) or No (leave:no) under /leave."""
    if project_id is None:
        return Reply().edit(actor.t("Nothing changed."))
    return leave(session, actor, project_id)


# mem:<project>:<user>:<action> on the /members screen; leave:<project>|no under /leave.
FLOW = Flow(
    commands=(
        CommandHandler("members", on_members),
        CommandHandler("leave", on_leave),
    ),
    buttons=(
        route("mem", (ID, ID, Part(r"[^:]*")), manage),
        route("leave", (anything(Part(r"\d+", int), None),), leave_or_not),
    ),
)
