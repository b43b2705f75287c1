"""The work-style quiz (/quiz): eleven words to interpret, then nine 1–5 scales.

Each teacher answers privately; in the group, /quiz posts one message with a button that
opens the private dialog, and that message is kept up to date with who has finished
(never with their answers)."""

from __future__ import annotations

import re
from dataclasses import replace

from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.context import Ctx
from bot.guide.quiz import QUIZ_ID, QUIZ_VERSION, SCALES, WORDS
from bot.i18n import N_, Html, Translator
from bot.reply import Button, Message, Reply
from handlers import forms
from handlers.buttons import Flow
from handlers.guards import for_member, member_of, not_a_member
from handlers.questionnaire import Questionnaire, open_in, open_questionnaire
from handlers.step import Actor, respond
from storage import answers, teams
from storage.models import Membership, Project

POST_KIND = "quiz"
DEEP_LINK = re.compile(r"^quiz_(\d{1,12})$")


def _finish(session: Session, actor: Actor, project: Project, _given: forms.Answers) -> Reply:
    """Thanks, and what comes next: /quizresults at once when a second teacher is done."""
    assert project.id is not None
    t = actor.t
    if len(finished_names(session, project.id)) >= 2:
        text = t(
            "Thank you! Your answers are saved. At least two of you have finished, so /quizresults compares your answers now."
        )
    else:
        text = t(
            "Thank you! Your answers are saved. When at least two of you have finished, /quizresults compares them."
        )
    reply = Reply().say(text)
    refresh_group_posts(session, actor, project, reply)
    return reply


QUIZ = Questionnaire(
    id=QUIZ_ID,
    version=QUIZ_VERSION,
    title=N_("Work-style quiz"),
    intro=N_(
        "Two short tasks, about ten minutes. First: what do eleven everyday words mean to you? "
        "For example, “by Friday” can mean “by Thursday midnight; Friday morning is already too late”. "
        "Then nine quick scales from 1 to 5. There are no wrong answers: the point is to see where your team differs."
    ),
    fields=(
        *(forms.Field(key, prompt, skippable=True, precise=True) for key, prompt in WORDS),
        *(forms.scale(key, prompt, low, high) for key, prompt, low, high, _label, _talk in SCALES),
    ),
    finish=_finish,
)


def finished_names(session: Session, project_id: int) -> list[str]:
    done = QUIZ.team_answers(session, project_id)
    team = teams.members(session, project_id=project_id)
    return [
        m.user.display_name
        for m in team
        if m.user is not None and QUIZ.complete(done.get(m.user.id, {}))
    ]


def _post(t: Translator, actor: Actor, session: Session, project: Project) -> Message:
    """The group's quiz post: who has finished, what to do next, and the button that
    opens the quiz privately (once everyone has finished, to change one's answers)."""
    assert project.id is not None
    names = finished_names(session, project.id)
    total = sum(1 for m in teams.members(session, project_id=project.id) if m.user is not None)
    everyone = len(names) >= max(total, 2)
    text = t(
        "📝 <b>Work-style quiz</b> for <b>{title}</b>\n"
        "Each of you answers privately (about ten minutes); then /quizresults shows where you differ, "
        "so you can talk about it. Nobody sees anyone's answers before that.",
        title=project.title,
    )
    listed = ", ".join(names)
    if not names:
        done = t("Nobody has finished yet.")
    elif everyone:
        done = t(
            "Everyone has finished: {names}. /quizresults shows where you differ: talk it "
            "over at your next meeting.",
            names=listed,
        )
    elif len(names) >= 2:
        done = t(
            "Finished: {names} ({n} of {total}). /quizresults already compares them.",
            names=listed,
            n=len(names),
            total=total,
        )
    else:
        done = t("Finished: {names} ({n} of {total}).", names=listed, n=len(names), total=total)
    label = t("Change my answers") if everyone else t("Take the quiz")
    button = Button(label, url=actor.deep_link(f"quiz_{project.id}"))
    return Message(Html(f"{text}\n\n{done}"), [[button]])


def refresh_group_posts(session: Session, actor: Actor, project: Project, reply: Reply) -> None:
    """Edit every group's quiz post with the new list of who has finished."""
    assert project.id is not None
    languages = {g.chat_id: g.language for g in teams.group_chats(session, project_id=project.id)}
    for post in answers.posts(session, project_id=project.id, kind=POST_KIND):
        if post.chat_id not in languages:
            continue  # the group was unlinked (or linked elsewhere) since: not its business
        message = _post(Translator(languages[post.chat_id]), actor, session, project)
        reply.messages.append(replace(message, chat_id=post.chat_id, edit_id=post.message_id))


def quiz_command(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    """/quiz: privately the dialog; in the group the post with the button."""
    if actor.private:
        return open_questionnaire(session, actor, project, me, QUIZ)
    assert project.id is not None
    post = replace(_post(actor.t, actor, session, project), remember_as=(POST_KIND, project.id))
    return Reply(messages=[post])


def quiz_by_link(session: Session, actor: Actor, project_id: int) -> Reply:
    """/start quiz_<project> from the group's button: checked like any other request."""
    found = member_of(session, actor, project_id)
    if found is None:
        return not_a_member(actor)
    return open_in(session, actor, *found, QUIZ)


async def on_quiz(update: Update, context: Ctx) -> object:
    """/quiz in a private chat (starts or resumes) or in the group (posts the invitation)."""
    return await respond(update, context, for_member(quiz_command))


async def on_quiz_link(update: Update, context: Ctx) -> object:
    """The group post's button: /start quiz_<project>."""
    match = DEEP_LINK.match((context.args or [""])[0])
    project_id = int(match.group(1)) if match else -1
    return await respond(update, context, lambda s, a: quiz_by_link(s, a, project_id))


FLOW = Flow(
    opens=(
        CommandHandler("quiz", on_quiz),
        CommandHandler(
            "start", on_quiz_link, filters.ChatType.PRIVATE & filters.Regex(r"^/start quiz_")
        ),
    )
)
