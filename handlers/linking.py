"""Who decides where a team's data is shown: only the coordinator or a founder links a
group to the project (anyone else's /link waits for the coordinator's approval), the
coordinator hears of every link and unlink, and /groups lists the project's groups and
unlinks one."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CommandHandler

from bot.context import Ctx
from bot.i18n import LANGUAGES, N_, Html, Translator, escape, lines
from bot.reply import Button, Reply, rows
from handlers.buttons import GROUP_ID, ID, Flow, Part, one_of, route
from handlers.guards import for_member, is_lead, lead_of, stale
from handlers.step import Actor, respond
from scheduler.reminders.plans import schedule_digest
from storage import teams
from storage.models import ChatBinding, Membership, Project

# lnk:<group>:<project>:<language>:yes|no, under the coordinator's approval question
APPROVE = re.compile(r"^lnk:(-\d{1,16}):(\d{1,12}):(\w{2}):(yes|no)$")
# grp:<project>:<group>, an Unlink button under /groups
LINKED = N_("🔗 {name} linked the group “{group}” to <b>{title}</b>.")
UNLINKED = N_("The group “{group}” is no longer linked to <b>{title}</b>.")


def _tell_coordinator(
    session: Session, actor: Actor, project: Project, msgid: str, reply: Reply, **values: str
) -> None:
    """A private note to the coordinator, unless they did it themselves."""
    assert project.id is not None
    lead = teams.coordinator(teams.members(session, project_id=project.id))
    if lead is None or lead.user is None or lead.user.id == actor.user.id:
        return
    tt = actor.translator_for(lead.user)
    reply.say(tt(msgid, title=project.title, **values), chat_id=lead.user.id)


def bind(
    session: Session,
    actor: Actor,
    project: Project,
    *,
    chat_id: int,
    title: str,
    language: str,
    thread_id: int | None,
) -> Reply:
    """Link the group; the project it leaves and the coordinator are told."""
    assert project.id is not None
    before = session.get(ChatBinding, chat_id)
    left = session.get(Project, before.project_id) if before else None
    teams.bind_chat(
        session,
        chat_id=chat_id,
        project_id=project.id,
        title=title,
        by=actor.user.id,
        language=language,
        thread_id=thread_id,
    )
    schedule_digest(session, project_id=project.id, chat_id=chat_id, now=actor.now)
    gt = Translator(language)
    reply = Reply().say(
        gt(
            "✅ This group now belongs to <b>{title}</b>. Send /team to see everyone.",
            title=project.title,
        ),
        chat_id=chat_id,
    )
    name = actor.user.display_name
    _tell_coordinator(
        session, actor, project, LINKED, reply,
        name=name, group=title,
    )  # fmt: skip
    if left is not None and left.id != project.id:
        _tell_coordinator(
            session, actor, left, UNLINKED, reply,
            group=title,
        )  # fmt: skip
    return reply


def ask_coordinator(session: Session, actor: Actor, project: Project) -> Reply:
    """A participant's /link: the coordinator decides, with a button."""
    assert project.id is not None
    t = actor.t
    lead = teams.coordinator(teams.members(session, project_id=project.id))
    if lead is None or lead.user is None:
        return Reply().say(t("Your project has no coordinator to ask right now."))
    tt = actor.translator_for(lead.user)
    data = f"lnk:{actor.chat_id}:{project.id}:{t.lang}"
    question = tt(
        "{name} wants to link the group “{group}” to <b>{title}</b>. Everyone in it would see the team's contacts and deadlines. Link it?",
        name=actor.user.display_name,
        group=actor.chat_title,
        title=project.title,
    )
    buttons = [[Button(tt("Link it"), data=f"{data}:yes"), Button(tt("No"), data=f"{data}:no")]]
    reply = Reply().say(
        t(
            "Only the coordinator or a founder links a group to <b>{title}</b>. I asked {name} to decide.",
            title=project.title,
            name=lead.user.display_name,
        )
    )
    return reply.say(question, buttons, chat_id=lead.user.id)


def approve(
    session: Session,
    actor: Actor,
    group: int,
    project_id: int,
    *,
    language: str,
    title: str,
    yes: bool,
) -> Reply:
    """The coordinator's answer to a participant's /link."""
    t = actor.t
    project = session.get(Project, project_id)
    if project is None or not lead_of(session, project_id, actor.user.id):
        return Reply(alert=t("Only the project's coordinator can decide this."))
    if not yes:
        return Reply(clear_buttons=True).say(t("Nothing changed."))
    current = session.get(ChatBinding, group)
    if current is not None and not lead_of(session, current.project_id, actor.user.id):
        return Reply(clear_buttons=True).say(
            t("That group is linked to another team's project now; nothing changed.")
        )
    reply = bind(
        session,
        actor,
        project,
        chat_id=group,
        title=title,
        language=language if language in LANGUAGES else actor.default_language,
        thread_id=current.thread_id if current else None,
    )
    reply.clear_buttons = True
    reply.say(t("Linked."))
    return reply


def bot_left(session: Session, actor: Actor, *, chat_id: int) -> Reply:
    """The bot was removed from a group: the link goes and the coordinator hears."""
    reply = Reply()
    binding = session.get(ChatBinding, chat_id)
    if binding is None:
        return reply
    project = session.get(Project, binding.project_id)
    teams.unbind_chat(session, chat_id=chat_id)
    if project is not None:
        _tell_coordinator(
            session, actor, project, UNLINKED, reply,
            group=binding.title,
        )  # fmt: skip
    return reply


def group_list(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    """/groups: the project's linked groups, each with an Unlink button."""
    assert project.id is not None
    t = actor.t
    if not is_lead(me):
        return Reply().say(
            t("Only the coordinator and the founders can manage the project's groups.")
        )
    found = teams.group_chats(session, project_id=project.id)
    if not found:
        return Reply().say(
            t(
                "No group is linked to <b>{title}</b> yet. Add me to your team's group and send /link there.",
                title=project.title,
            )
        )
    items = [Html(f"{n}. {escape(g.title or '—')}") for n, g in enumerate(found, 1)]
    buttons = [
        Button(t("Unlink {n}", n=n), data=f"grp:{project.id}:{g.chat_id}")
        for n, g in enumerate(found, 1)
    ]
    head = t("<b>Groups of {title}</b>", title=project.title)
    return Reply().say(lines(head, *items), rows(buttons, 2))


def unlink(session: Session, actor: Actor, project_id: int, chat_id: int) -> Reply:
    """An Unlink button: the group stops showing the team's data; it and the coordinator
    are told."""
    t = actor.t
    project = session.get(Project, project_id)
    binding = session.get(ChatBinding, chat_id)
    me = lead_of(session, project_id, actor.user.id)
    if project is None or me is None:
        return Reply(
            alert=t("Only the coordinator and the founders can manage the project's groups.")
        )
    if binding is None or binding.project_id != project_id:
        return stale(session, actor)
    teams.unbind_chat(session, chat_id=chat_id)
    gt = Translator(binding.language)
    reply = Reply(alert=t("Unlinked."))
    reply.say(
        gt("This group is no longer linked to <b>{title}</b>.", title=project.title),
        chat_id=chat_id,
    )
    _tell_coordinator(
        session, actor, project, UNLINKED, reply,
        group=binding.title,
    )  # fmt: skip
    session.flush()
    listing = group_list(session, actor, project, me)
    listing.messages[0].edit = True
    reply.messages.insert(0, listing.messages[0])
    return reply


async def on_groups(update: Update, context: Ctx) -> None:
    """/groups (private): the project's groups."""
    await respond(update, context, for_member(group_list, private_only=True))


async def on_approve(update: Update, context: Ctx, parts: tuple[Any, ...]) -> None:
    """Link it / No under a participant's request; the group's name is asked of Telegram."""
    group, project_id, language, answer = parts
    yes = answer == "yes"
    try:
        title = (await context.bot.get_chat(group)).title or ""
    except TelegramError:  # the bot was removed meanwhile: linked without a name
        title = ""

    def step(session: Session, actor: Actor) -> Reply:
        return approve(session, actor, group, project_id, language=language, title=title, yes=yes)

    await respond(update, context, step)


# lnk:<group>:<project>:<language>:yes|no under a request (coordinator);
# grp:<project>:<group> under /groups (coordinator): unlinks the group.
FLOW = Flow(
    commands=(CommandHandler("groups", on_groups),),
    buttons=(
        route("lnk", (GROUP_ID, ID, Part(r"\w{2}"), one_of("yes", "no")), press=on_approve),
        route("grp", (ID, GROUP_ID), unlink),
    ),
)
