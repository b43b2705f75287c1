"""Group chats: the bot introduces itself, and a project member who is a group admin
links the group to a project (with /link, or in one tap through the "add to group" link)."""

from __future__ import annotations

import re
from functools import partial

from sqlmodel import Session
from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus
from telegram.ext import (
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.context import Ctx
from bot.reply import Button, Reply, clip
from handlers import linking
from handlers.buttons import ID, Flow, anything, route
from handlers.guards import lead_of, not_a_member, private_chat_button
from handlers.step import Actor, respond
from storage import teams, users
from storage.models import ChatBinding, Project

ADMINS = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}
GROUP_PAYLOAD = re.compile(r"^p(\d{1,12})$")


def introduce(actor: Actor) -> Reply:
    t = actor.t
    return Reply().say(
        t(
            "Hello, team! I am TwinCoach. I keep your project's contacts, agreements and deadlines, "
            "and remind everyone in their own language.\n"
            "A group admin who is in the project: send /link to connect this group."
        )
    )


def link(session: Session, actor: Actor, *, is_admin: bool, project_id: int | None) -> Reply:
    """Bind this group to one of the sender's projects (or offer the choice)."""
    t = actor.t
    if actor.private:
        return Reply().say(t("Send /link in your team's group chat, not here."))
    if not is_admin:
        return Reply().say(t("Only a group admin can link this group to a project."))
    current = session.get(ChatBinding, actor.chat_id)
    if current is not None and not lead_of(session, current.project_id, actor.user.id):
        owner = session.get(Project, current.project_id)
        return Reply().say(
            t(
                "This group belongs to <b>{title}</b>. Only its coordinator or a founder can link it to another project.",
                title=owner.title if owner else "?",
            )
        )
    mine = teams.user_projects(session, user_id=actor.user.id)
    if project_id is not None:
        mine = [p for p in mine if p.id == project_id]
        if not mine:
            return not_a_member(actor, in_chat=True)
    if not mine:
        return Reply().say(
            t("You are not in a project yet. Start one in a private chat with me: /newproject"),
            [[private_chat_button(actor)]],
        )
    if len(mine) > 1:
        buttons = [[Button(clip(p.title, 60), data=f"link:{p.id}")] for p in mine]
        return Reply().say(t("Which project is this group for?"), buttons)
    return _bind(session, actor, mine[0])


def _bind(session: Session, actor: Actor, project: Project) -> Reply:
    """A lead links at once; anyone else's /link goes to the coordinator to approve."""
    assert project.id is not None
    if not lead_of(session, project.id, actor.user.id):
        return linking.ask_coordinator(session, actor, project)
    return linking.bind(
        session,
        actor,
        project,
        chat_id=actor.chat_id,
        title=actor.chat_title,
        language=actor.t.lang,
        thread_id=actor.thread_id,
    )


async def _is_admin(update: Update, context: Ctx) -> bool:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type == chat.PRIVATE:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in ADMINS


async def on_link(update: Update, context: Ctx) -> None:
    """/link in a group: checks the sender is a group admin and a project member, then binds."""
    is_admin = await _is_admin(update, context)
    await respond(update, context, lambda s, a: link(s, a, is_admin=is_admin, project_id=None))


async def on_start_in_group(update: Update, context: Ctx) -> None:
    """/start p<id> arrives when a teacher adds the bot with the "add to group" link."""
    match = GROUP_PAYLOAD.match((context.args or [""])[0])
    project_id = int(match.group(1)) if match else None
    is_admin = await _is_admin(update, context)
    await respond(
        update, context, lambda s, a: link(s, a, is_admin=is_admin, project_id=project_id)
    )


async def on_link_chosen(update: Update, context: Ctx, parts: tuple[int]) -> None:
    """A project button under /link: the same checks again, the data carry no trust."""
    (project_id,) = parts
    is_admin = await _is_admin(update, context)

    def step(session: Session, actor: Actor) -> Reply:
        reply = link(session, actor, is_admin=is_admin, project_id=project_id)
        for message in reply.messages:
            message.edit = True
        return reply

    await respond(update, context, step)


def _bot_status_change(member: ChatMemberUpdated) -> tuple[bool, bool]:
    """(was in the chat, is in the chat) for the bot itself."""
    inside = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED}
    return member.old_chat_member.status in inside, member.new_chat_member.status in inside


async def on_bot_membership(update: Update, context: Ctx) -> None:
    """The bot was added to a group (introduce) or removed (forget the link); in a private
    chat, the teacher blocked or unblocked the bot."""
    change = update.my_chat_member
    if change is None:
        return
    was_in, is_in = _bot_status_change(change)
    if change.chat.type == change.chat.PRIVATE:
        user_id = change.chat.id
        await context.db.run(partial(users.set_reachable, user_id=user_id, reachable=is_in))
    elif is_in and not was_in:
        await respond(update, context, lambda _s, a: introduce(a))
    elif was_in and not is_in:
        await respond(update, context, partial(linking.bot_left, chat_id=change.chat.id))


async def on_migrated(update: Update, context: Ctx) -> None:
    """The group became a supergroup (Telegram tells in both chats): everything follows."""
    message = update.effective_message
    assert message is not None
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    else:
        assert message.migrate_from_chat_id is not None
        old, new = message.migrate_from_chat_id, message.chat.id
    await context.db.run(partial(teams.migrate_group, old=old, new=new))


# link:<project> under /link in a group (other data: a project not theirs).
FLOW = Flow(
    commands=(
        MessageHandler(filters.StatusUpdate.MIGRATE, on_migrated),
        ChatMemberHandler(on_bot_membership, ChatMemberHandler.MY_CHAT_MEMBER),
        CommandHandler("link", on_link),
        CommandHandler(
            "start",
            on_start_in_group,
            filters.ChatType.GROUPS & filters.Regex(r"^/start(@\w+)? p\d"),
        ),
    ),
    buttons=(route("link", (anything(ID, -1),), press=on_link_chosen, in_groups=True),),
)
