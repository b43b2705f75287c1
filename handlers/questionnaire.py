"""Questionnaires: forms whose answers belong to a project and go to the answers table at
once (per teacher, project and questionnaire version). A teacher can pause, come back,
change one answer, or start again. A skipped question is seen but not answered: it is
offered again at the end and by the next /command, and counts as open on /progress."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Ctx
from bot.i18n import N_, Html, escape, lines
from bot.reply import Button, Keyboard, Message, Reply, clip, rows
from handlers import forms
from handlers.buttons import ID, Flow, Part, remainder, route
from handlers.guards import for_member, is_lead, member_of, not_a_member, stale
from handlers.step import Actor, respond
from storage import answers
from storage.models import Membership, Project, User

Finish = Callable[[Session, Actor, Project, forms.Answers], Reply]


@dataclass(frozen=True)
class Questionnaire:
    id: str  # also the form's name and the prefix of its answer buttons
    version: int
    title: str  # msgid
    intro: str  # msgid, shown when a teacher starts
    fields: tuple[forms.Field, ...]
    finish: Finish
    review: Finish | None = None  # what a finished teacher sees again (default: a short note)
    coordinator_view: Callable[[Session, Actor, Project], Reply] | None = None
    form: forms.Form = field(init=False)

    def __post_init__(self) -> None:
        form = forms.Form(
            name=self.id,
            fields=self.fields,
            finish=self._finished,
            store=AnswerStore(self),
            recall_skipped=True,
            command=self.command,
            reopen=N_("Your answers so far are kept: {command} goes on where you stopped."),
        )
        object.__setattr__(self, "form", form)

    def _finished(
        self, session: Session, actor: Actor, given: forms.Answers, state: forms.State
    ) -> Reply:
        found = member_of(session, actor, state["project"])
        assert found is not None  # the form's guard (still_member) checked it
        reply = self.finish(session, actor, found[0], given)
        if left := self.form.skipped(given):  # "later": honest about what is still open
            note = actor.t.tn(
                "{n} question is still open: {command} brings it back.",
                "{n} questions are still open: {command} brings them back.",
                len(left),
                command=self.command,
            )
            reply.messages.append(Message(note))
        return with_review_buttons(actor, self, *found, reply)

    @property
    def command(self) -> str:
        """The private command that opens it (each questionnaire's id is its command)."""
        return f"/{self.id}"

    def answers_of(self, session: Session, project_id: int, user_id: int) -> forms.Answers:
        return answers.load(
            session,
            project_id=project_id,
            user_id=user_id,
            questionnaire=self.id,
            version=self.version,
        )

    def team_answers(self, session: Session, project_id: int) -> dict[int, forms.Answers]:
        return answers.team(
            session, project_id=project_id, questionnaire=self.id, version=self.version
        )

    def complete(self, given: forms.Answers) -> bool:
        """Gone through to the end: every question answered or skipped."""
        return all(f.key in given for f in self.fields)

    def answered(self, given: forms.Answers) -> int:
        """How many questions have an answer (a skipped one has none)."""
        return sum(given.get(f.key) is not None for f in self.fields)


class AnswerStore:
    def __init__(self, questionnaire: Questionnaire) -> None:
        self.q = questionnaire

    def _key(self, project_id: int) -> str:
        return f"answers:{self.q.id}:{self.q.version}:{project_id}"

    def with_teacher(
        self, session: Session, user_id: int, project_id: int
    ) -> tuple[User | None, dict[str, Any]]:
        """forms.Prefetching: the teacher, their membership and answers in one statement."""
        user, given = answers.teacher_with_answers(
            session,
            user_id=user_id,
            project_id=project_id,
            questionnaire=self.q.id,
            version=self.q.version,
        )
        if user is None:
            return None, {}
        looked_up: dict[str, Any] = {forms.member_key(project_id): given is not None}
        if given is not None:
            looked_up[self._key(project_id)] = given
        return user, looked_up

    def load(self, session: Session, actor: Actor, state: forms.State) -> forms.Answers:
        known = actor.looked_up.pop(self._key(state["project"]), None)  # see `with_teacher`
        if known is not None:
            return dict(known)
        return self.q.answers_of(session, state["project"], actor.user.id)

    def save(
        self, session: Session, actor: Actor, state: forms.State, key: str, value: str | None
    ) -> None:
        actor.looked_up.pop(self._key(state["project"]), None)  # read before this: not kept
        answers.save(
            session,
            project_id=state["project"],
            user_id=actor.user.id,
            questionnaire=self.q.id,
            version=self.q.version,
            item=key,
            value=value,
            now=actor.now,
        )


def open_questionnaire(
    session: Session, actor: Actor, project: Project, me: Membership, q: Questionnaire
) -> Reply:
    """Start, resume, or (when finished) offer to change an answer or start again."""
    assert project.id is not None
    t = actor.t
    given = q.answers_of(session, project.id, actor.user.id)
    extra: forms.State = {"project": project.id}
    if not given:
        intro = lines(
            t("<b>{title}</b> · {project}", title=t(q.title), project=project.title), t(q.intro)
        )
        return forms.begin(session, actor, q.form, intro=intro, extra=extra)
    if not q.complete(given):
        intro = t("Welcome back! Let's go on where you stopped.")
        return forms.begin(session, actor, q.form, intro=intro, extra=extra)
    if left := [f.key for f in q.form.skipped(given)]:
        intro = t.tn(
            "You left {n} question for later. Here it is; /skip leaves it open again.",
            "You left {n} questions for later. Here they are; /skip leaves one open again.",
            len(left),
        )
        extra |= {"again": left, "asking": list(left), "recall": forms.RECALLED}
        reply = forms.begin(session, actor, q.form, intro=intro, extra=extra)
        reply.messages[0].buttons = review_buttons(actor, q, project, me)  # under the intro
        return reply
    review = (
        q.review(session, actor, project, given)
        if q.review
        else Reply().say(t("You have finished <b>{title}</b>.", title=t(q.title)))
    )
    return with_review_buttons(actor, q, project, me, review)


def open_in(
    session: Session, actor: Actor, project: Project, me: Membership, q: Questionnaire
) -> Reply:
    """Open `q` for the project a button or link names, which becomes the active project
    (a teacher in two projects answers for the one the nudge was about)."""
    switched = actor.user.active_project_id != project.id
    actor.user.active_project_id = project.id
    reply = open_questionnaire(session, actor, project, me, q)
    if switched:
        now = actor.t("Now working on <b>{title}</b>.", title=project.title)
        reply.messages.insert(0, Message(now))
    return reply


def with_review_buttons(
    actor: Actor, q: Questionnaire, project: Project, me: Membership, reply: Reply
) -> Reply:
    """Under a finished questionnaire: change one answer, start again, and for the
    coordinator and founders everyone's answers (where the questionnaire has that view)."""
    mine = [m for m in reply.messages if m.chat_id is None]  # not the notes to groups
    mine[-1].buttons = review_buttons(actor, q, project, me)
    return reply


def review_buttons(actor: Actor, q: Questionnaire, project: Project, me: Membership) -> Keyboard:
    t = actor.t
    prefix = f"qn:{q.id}:{project.id}"
    buttons = [
        [Button(t("Change one answer"), data=f"{prefix}:edit")],
        [Button(t("Start again"), data=f"{prefix}:again")],
    ]
    if q.coordinator_view is not None and is_lead(me):
        buttons.append([Button(t("Everyone's answers"), data=f"{prefix}:team")])
    return buttons


def _manage(
    session: Session, actor: Actor, q: Questionnaire, project_id: int, action: str
) -> Reply:
    """Buttons under a finished questionnaire (qn:<id>:<project>:edit|again|at:<item>) and
    under a nudge (…:open: the project it names becomes the active one)."""
    t = actor.t
    found = member_of(session, actor, project_id)
    if found is None:
        return not_a_member(actor)
    project, me = found
    extra: forms.State = {"project": project_id}
    if action == "team" and q.coordinator_view is not None and is_lead(me):
        return q.coordinator_view(session, actor, project)
    if action == "open":
        return open_in(session, actor, project, me, q)
    if action == "edit":
        buttons = [
            Button(
                clip(f"{n}. {t(f.label or f.prompt)}", 48),
                data=f"qn:{q.id}:{project_id}:at:{f.key}",
            )
            for n, f in enumerate(q.fields, 1)
        ]
        return Reply().edit(t("Which answer would you like to change?"), rows(buttons, 1))
    if action.startswith("at:") and q.form.field(action[3:]) is not None:
        extra["recall"] = forms.RECALLED  # one answer changed: no offer of the skipped ones
        return forms.begin(session, actor, q.form, extra=extra, at=action[3:])
    if action == "again":
        answers.clear(
            session,
            project_id=project_id,
            user_id=actor.user.id,
            questionnaire=q.id,
            version=q.version,
        )
        return forms.begin(session, actor, q.form, extra=extra, intro=t(q.intro))
    return stale(session, actor)


def command(name: str, q: Questionnaire) -> CommandHandler:
    """/<name> in a private chat: start, resume or review `q` for the active project."""

    def step(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
        return open_questionnaire(session, actor, project, me, q)

    async def on_command(update: Update, context: Ctx) -> object:
        return await respond(update, context, for_member(step, private_only=True))

    return CommandHandler(name, on_command)


def flow(questionnaires: list[Questionnaire]) -> Flow:
    """qn:<questionnaire>:<project>:<action>, the buttons under finished questionnaires
    (they may start a dialog)."""
    by_id = {q.id: q for q in questionnaires}
    which = Part("|".join(re.escape(name) for name in by_id), by_id.__getitem__)
    return Flow(buttons=(route("qn", (which, ID, remainder(r".*")), _manage, opens_dialog=True),))


def summary_lines(actor: Actor, q: Questionnaire, given: forms.Answers) -> list[Html]:
    """Each question with the teacher's answer, for summaries."""
    t = actor.t
    out = []
    for f in q.fields:
        value = given.get(f.key)
        shown = t("(skipped)") if value is None else Html(f"<i>{escape(f.show(value, actor))}</i>")
        out.append(t("<b>{question}</b>\n{answer}", question=t(f.prompt), answer=shown))
    return out
