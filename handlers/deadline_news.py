"""A deadline's news: the person made responsible hears privately, in their language and
zone; each linked group sees it, with the moment in each member's own clock."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.i18n import N_, Translator
from bot.reply import Reply
from handlers.step import Actor
from scheduler.moments import shared_when, when, zone_of
from storage import teams
from storage.models import Deadline, Project, User


def tell_team(
    session: Session, actor: Actor, project: Project, deadline: Deadline, reply: Reply
) -> None:
    """The owner hears privately in their language and zone; the groups see it too."""
    assert project.id is not None
    for m in teams.members(session, project_id=project.id):
        if m.user is not None and m.user.id == deadline.owner_id and m.user.id != actor.user.id:
            tt = actor.translator_for(m.user)
            reply.say(
                tt(
                    "📌 {name} asks you to do “{title}” by {when} (your time).",
                    name=actor.user.display_name,
                    title=deadline.title,
                    when=when(tt, deadline.due_at, zone_of(m.user)),
                ),
                chat_id=m.user.id,
            )
    tell_groups(
        session,
        deadline,
        N_("📌 New deadline: “{title}” ({name}), due {when}."),
        reply,
    )


def tell_groups(session: Session, deadline: Deadline, msgid: str, reply: Reply) -> None:
    """A deadline's news in each linked group, in its language; the moment in each
    member's own clock (Telegram's date-time entity), else in the owner's zone, where an
    all-day deadline ends."""
    owner = session.get(User, deadline.owner_id) if deadline.owner_id else None
    zone = zone_of(owner) if owner else ZoneInfo("UTC")
    for group in teams.group_chats(session, project_id=deadline.project_id):
        gt = Translator(group.language)
        text = gt(
            msgid,
            title=deadline.title,
            name=owner.display_name if owner else "—",
            when=shared_when(gt, deadline.due_at, zone),
        )
        reply.say(text, chat_id=group.chat_id)
