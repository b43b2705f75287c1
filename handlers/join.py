"""Joining a project with an invite link: a short private dialog, then the teacher is a partner."""

from __future__ import annotations

import re

from sqlmodel import Session
from telegram import Update
from telegram.ext import (
    CommandHandler,
    ConversationHandler,
    filters,
)

from bot.context import Ctx
from bot.i18n import N_, Html, Translator
from bot.reply import Reply
from bot.rules.countries import flag
from handlers import break_prompt, forms, lifecycle, profile_fields, quiz
from handlers.buttons import Flow, one_of, route
from handlers.guards import too_many_projects
from handlers.step import Actor, Step, respond
from scheduler.reminders.plans import teams_changed
from storage import teams
from storage.models import Project, User
from storage.teams import InviteProblem

PAYLOAD = re.compile(r"^j_([A-Za-z0-9_-]{16,64})$")
TOKEN_IN_TEXT = re.compile(r"(?:start=j_|^j_|^)([A-Za-z0-9_-]{16,64})\s*$")

PROBLEMS = {
    InviteProblem.UNKNOWN: N_(
        "This invite link is not valid. Please ask your coordinator for a new one."
    ),
    InviteProblem.EXPIRED: N_(
        "This invite link has expired. Please ask your coordinator for a fresh one."
    ),
    InviteProblem.USED_UP: N_(
        "This invite link has been used up. Please ask your coordinator for a new one."
    ),
    InviteProblem.ALREADY_MEMBER: N_("You are already in this project. /team shows your team."),
    InviteProblem.FULL: N_(
        "This project already has as many teachers as one project can have. Please talk to its coordinator."
    ),
    InviteProblem.REMOVED: N_(
        "The coordinator took you out of this project after this link was made. If that was a mistake, ask them for a new link."
    ),
}


def _invite(value: str, _asking: forms.Asking) -> str:
    """The invite field: accepts the whole link or just its code."""
    found = TOKEN_IN_TEXT.search(value.strip())
    if found is None:
        raise forms.Invalid(PROBLEMS[InviteProblem.UNKNOWN])
    return found.group(1)


INVITE = forms.Field(
    key="invite",
    prompt=N_("Paste the invite link your coordinator sent you."),
    parse=_invite,
)


def _finish(session: Session, actor: Actor, answers: forms.Answers, _state: forms.State) -> Reply:
    t = actor.t
    token = answers["invite"]
    assert token is not None  # not skippable
    if refused := too_many_projects(session, actor):
        return refused
    joined = teams.redeem_invite(session, token=token, user=actor.user, now=actor.now)
    if isinstance(joined, InviteProblem):
        return Reply().say(t(PROBLEMS[joined]))
    project = session.get(Project, joined.project_id)
    assert project is not None and project.id is not None
    reply = Reply().say(
        t(
            "Welcome to <b>{title}</b>! You are a partner now.\n"
            "/team shows everyone. Next, each of you answers privately: /partners (seven questions), "
            "/agree (the team agreements) and /quiz (your work style); the team then sees where you differ.",
            title=project.title,
        )
    )
    _tell_team(session, actor, project, reply)
    teams_changed(session, [project.id], actor.now)
    reply.messages += lifecycle.follow(session, actor, project)  # a partner school joined
    if ask := break_prompt.ask_once(session, actor):
        reply.say(ask)
    return reply


def _tell_team(session: Session, actor: Actor, project: Project, reply: Reply) -> None:
    """The coordinator hears privately, and the team's groups see the newcomer (in their
    quiz post too)."""
    assert project.id is not None
    newcomer = actor.user
    lead = teams.coordinator(teams.members(session, project_id=project.id))
    if lead is not None and lead.user is not None and lead.user.id != newcomer.id:
        reply.say(
            _joined_text(actor.translator_for(lead.user), newcomer, project), chat_id=lead.user.id
        )
    for group in teams.group_chats(session, project_id=project.id):
        reply.say(
            _joined_text(Translator(group.language), newcomer, project), chat_id=group.chat_id
        )
    quiz.refresh_group_posts(session, actor, project, reply)  # one more to take it


def _joined_text(t: Translator, newcomer: User, project: Project) -> Html:
    return t(
        "👋 {name} ({flag} {school}) joined <b>{title}</b>.",
        name=newcomer.display_name,
        flag=flag(newcomer.country),
        school=newcomer.school or "",
        title=project.title,
    )


FORM = forms.Form(
    name="join",
    fields=(
        INVITE,
        profile_fields.NAME,
        profile_fields.COUNTRY,
        profile_fields.REGION,
        profile_fields.SCHOOL,
        profile_fields.CONTACT,
        profile_fields.TIMEZONE,
    ),
    finish=_finish,
    reopen=N_("Open your invite link again to join."),
)


def _start_with(token: str | None) -> Step:
    def step(session: Session, actor: Actor) -> Reply:
        t = actor.t
        if token is None:
            return forms.begin(session, actor, FORM)
        checked = teams.check_invite(session, token=token, user_id=actor.user.id, now=actor.now)
        if isinstance(checked, InviteProblem):
            return Reply(state=ConversationHandler.END).say(t(PROBLEMS[checked]))
        if refused := too_many_projects(session, actor):
            refused.state = ConversationHandler.END
            return refused
        project = session.get(Project, checked.project_id)
        assert project is not None
        intro = t(
            "You are invited to <b>{title}</b>. A few questions so the team knows who you are; /cancel stops.",
            title=project.title,
        )
        return forms.begin(session, actor, FORM, preset={"invite": token}, intro=intro)

    return step


async def join_by_link(update: Update, context: Ctx) -> object:
    """/start j_<token> from an invite link: checks it, then asks about the teacher."""
    payload = (context.args or [""])[0]
    match = PAYLOAD.match(payload)
    return await respond(update, context, _start_with(match.group(1) if match else "-invalid-"))


# menu:join under /start: the dialog, asking for the link first.
FLOW = Flow(
    opens=(
        CommandHandler(
            "start", join_by_link, filters.ChatType.PRIVATE & filters.Regex(r"^/start j_")
        ),
    ),
    buttons=(
        route(
            "menu",
            (one_of("join"),),
            lambda s, a, _: _start_with(None)(s, a),
            actions=("join",),
            opens_dialog=True,
        ),
    ),
)
