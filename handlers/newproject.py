"""/newproject: a teacher starts a project and gets the partners' invite link."""

from __future__ import annotations

from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Ctx
from bot.reply import Button, Reply
from handlers import break_prompt, forms, profile_fields
from handlers.buttons import Flow, one_of, route
from handlers.guards import only_private, too_many_projects
from handlers.step import Actor, respond
from storage import teams


def invite_link(actor: Actor, token: str) -> str:
    return actor.deep_link(f"j_{token}")


def invite_buttons(actor: Actor, project_id: int, link: str) -> list[list[Button]]:
    t = actor.t
    share = f"https://t.me/share/url?url={link}"
    return [
        [
            Button(
                t("Add me to your team's group"),
                url=actor.deep_link(f"p{project_id}", group=True),
            )
        ],
        [Button(t("Send the invite to partners"), url=share)],
    ]


def _finish(session: Session, actor: Actor, answers: forms.Answers, _state: forms.State) -> Reply:
    title = answers["title"]
    assert title is not None  # not skippable
    if refused := too_many_projects(session, actor):
        return refused
    project = teams.create_project(session, founder=actor.user, title=title)
    assert project.id is not None
    invite = teams.create_invite(
        session, project_id=project.id, created_by=actor.user.id, now=actor.now
    )
    link = invite_link(actor, invite.token)
    t = actor.t
    text = t(
        "🎉 <b>{title}</b> is ready. You are its founder and coordinator.\n\n"
        "Send this link to your partner teachers. It works for {days} days, for up to {uses} teachers:\n"
        "{link}\n\n"
        "Next: add me to your team's group chat, then send /team there.",
        title=project.title,
        days=teams.INVITE_DAYS,
        uses=teams.INVITE_USES,
        link=link,
    )
    reply = Reply().say(text, invite_buttons(actor, project.id, link))
    if ask := break_prompt.ask_once(session, actor):
        reply.say(ask)
    return reply


FORM = forms.Form(
    name="newproject",
    fields=(
        profile_fields.TITLE,
        profile_fields.COUNTRY,
        profile_fields.REGION,
        profile_fields.SCHOOL,
        profile_fields.CONTACT,
        profile_fields.TIMEZONE,
    ),
    finish=_finish,
    command="/newproject",
)


def _start(session: Session, actor: Actor) -> Reply:
    if not actor.private:
        return only_private(actor)
    if refused := too_many_projects(session, actor):
        return refused
    intro = actor.t("Let's set up your project: a few short questions. /cancel stops.")
    return forms.begin(session, actor, FORM, intro=intro)


async def start_newproject(update: Update, context: Ctx) -> object:
    """/newproject or the start menu's button: asks the first question."""
    return await respond(update, context, _start)


# menu:new under /start opens the dialog.
FLOW = Flow(
    opens=(CommandHandler("newproject", start_newproject),),
    buttons=(
        route(
            "menu",
            (one_of("new"),),
            lambda s, a, _: _start(s, a),
            actions=("new",),
            opens_dialog=True,
        ),
    ),
)
