"""Who may do what. Ids in a command or in callback data carry no trust, so every step
that acts on a project finds the sender's membership here first; someone outside the
project, and a button that no longer means anything, get one answer each, the same in
every flow, and nothing changes."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from bot.i18n import N_
from bot.reply import Button, Reply
from handlers.step import Actor, Step
from storage import teams
from storage.models import Membership, Project, Role

STALE = N_("This button is no longer active.")
NOT_A_MEMBER = N_("You are not a member of that project.")


def stale(_session: Session, actor: Actor) -> Reply:
    """A button that no longer means anything (or forged data): a pop-up, nothing changes.
    A step itself, so a handler can answer a press with it directly."""
    return Reply(alert=actor.t(STALE))


def not_a_member(actor: Actor, *, in_chat: bool = False) -> Reply:
    """A press, a link or an answer for a project the sender is not (or no longer) in;
    nothing changes. A pop-up under a button, a message otherwise; `in_chat` makes it a
    message under a button too, where a dialog ends on it or a group should read it."""
    text = actor.t(NOT_A_MEMBER)
    return Reply().say(text) if in_chat else Reply(alert=text)


def active_project(session: Session, actor: Actor) -> tuple[Project, Membership] | None:
    """The project a private command acts on: the bound project in a group, else the
    teacher's active one (or their only one). None when the sender is not a member."""
    if actor.private:
        project_id = actor.user.active_project_id
        if project_id is None:
            mine = teams.user_projects(session, user_id=actor.user.id)
            if len(mine) != 1:
                return None
            project_id = mine[0].id
            actor.user.active_project_id = project_id
        project = session.get(Project, project_id)
    else:
        project = teams.bound_project(session, chat_id=actor.chat_id)
    if project is None or project.id is None:
        return None
    m = teams.membership(session, project_id=project.id, user_id=actor.user.id)
    return (project, m) if m else None


def for_member(
    step: Callable[[Session, Actor, Project, Membership], Reply], *, private_only: bool = False
) -> Step:
    """Run `step` only for a member of the project this chat acts on; others get a
    clear answer and nothing changes."""

    def guarded(session: Session, actor: Actor) -> Reply:
        if private_only and not actor.private:
            return only_private(actor)
        found = active_project(session, actor)
        if found is None:
            linked = not actor.private and teams.bound_project(session, chat_id=actor.chat_id)
            return not_in_this_project(actor) if linked else no_project(actor)
        return step(session, actor, *found)

    return guarded


def member_of(session: Session, actor: Actor, project_id: int) -> tuple[Project, Membership] | None:
    """The project named in a button and the sender's membership, or None: ids in
    callback data carry no trust. In a group the project must be the one the group is
    linked to: a button pressed there edits a message the whole group sees."""
    if not actor.private:
        bound = teams.bound_project(session, chat_id=actor.chat_id)
        if bound is None or bound.id != project_id:
            return None
    project = session.get(Project, project_id)
    m = teams.membership(session, project_id=project_id, user_id=actor.user.id)
    return (project, m) if project is not None and m is not None else None


def no_project(actor: Actor) -> Reply:
    t = actor.t
    if actor.private:
        return Reply().say(
            t(
                "You are not in a project yet. Start one with /newproject or join with an invite link."
            )
        )
    return Reply().say(
        t(
            "This group is not linked to a project of yours. A project member who is a group admin can send /link."
        )
    )


def not_in_this_project(actor: Actor) -> Reply:
    """A command in a linked group from someone outside its project: said in one line in
    front of everyone, and true (the group is linked, just not to a project of theirs)."""
    return Reply().say(
        actor.t(
            "Sorry, {name}: this group belongs to a project you are not in.",
            name=actor.user.display_name,
        )
    )


def is_lead(m: Membership) -> bool:
    """Coordinator or founder: may invite and manage (founders are TwinSpace admins)."""
    return m.role == Role.COORDINATOR or m.founder


def lead_of(session: Session, project_id: int, user_id: int) -> Membership | None:
    """The user's membership if they lead the project (coordinator or founder), else None."""
    m = teams.membership(session, project_id=project_id, user_id=user_id)
    return m if m is not None and is_lead(m) else None


def only_private(actor: Actor) -> Reply:
    return Reply().say(
        actor.t("Let's do this in a private chat with me."),
        [[private_chat_button(actor)]],
    )


def private_chat_button(actor: Actor) -> Button:
    return Button(actor.t("Open a private chat with me"), url=actor.deep_link("hi"))


def too_many_projects(session: Session, actor: Actor) -> Reply | None:
    """The answer when the teacher is in as many projects as one may be, else None."""
    if teams.project_count(session, user_id=actor.user.id) < teams.PROJECTS_MAX:
        return None
    return Reply().say(
        actor.t(
            "You are in {most} projects, as many as one teacher can be in. /leave one that has ended first.",
            most=teams.PROJECTS_MAX,
        )
    )
