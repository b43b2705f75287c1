"""One engine for every private question-and-answer dialog.

A form is data: its fields say how to ask, which buttons to offer, how to parse and
where to save. The engine asks the first field that has no answer yet, so a dialog
resumes by itself after a restart: the answers so far live in the teacher's scratchpad
(persisted `user_data`), profile answers also in the tables at once.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import Session
from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.context import Ctx
from bot.i18n import Html
from bot.reply import Button, Message, Reply, rows
from handlers.common import Actor, respond

KEEP = "="  # button value: keep the current answer
SCRATCH = "form"  # user_data key of the one form in progress: {"name": …, "answers": {…}}


class Invalid(Exception):
    """The answer cannot be used; `msgid` says why (translated when shown)."""

    def __init__(self, msgid: str, **values: object) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.values = values


@dataclass(frozen=True)
class Choice:
    label: str  # already translated
    value: str


@dataclass(frozen=True)
class Field:
    key: str
    prompt: str  # msgid
    parse: Callable[[str, Actor], str]
    choices: Callable[[Actor], list[Choice]] = lambda _actor: []
    current: Callable[[Actor], str | None] = lambda _actor: None
    show: Callable[[str, Actor], str] = lambda value, _actor: value
    save: Callable[[Session, Actor, str], None] | None = None


@dataclass(frozen=True)
class Form:
    name: str  # the dialog's name, its persistence key and its button prefix
    fields: tuple[Field, ...]
    finish: Callable[[Session, Actor, dict[str, str]], Reply]
    per_row: int = field(default=2)

    def answers(self, actor: Actor) -> dict[str, str] | None:
        """The answers so far, or None when this form is not the one in progress."""
        current = actor.scratch.get(SCRATCH) or {}
        return current.get("answers") if current.get("name") == self.name else None

    def pending(self, actor: Actor) -> Field | None:
        done = self.answers(actor) or {}
        return next((f for f in self.fields if f.key not in done), None)


def text_answer(value: str, *, limit: int) -> str:
    """Free text: trimmed, not empty, not longer than `limit` characters."""
    value = value.strip()
    if not value:
        raise Invalid("Please write a few words.")
    if len(value) > limit:
        raise Invalid(
            "That is {length} characters; please use {limit} at most.",
            length=len(value),
            limit=limit,
        )
    return value


def begin(
    session: Session,
    actor: Actor,
    form: Form,
    *,
    preset: dict[str, str] | None = None,
    intro: Html | None = None,
) -> Reply:
    """Start `form` afresh (with some answers already known) and ask its first question.
    Only one form runs at a time: starting one drops any other unfinished one."""
    actor.scratch[SCRATCH] = {"name": form.name, "answers": dict(preset or {})}
    reply = ask(session, actor, form)
    if intro is not None:
        reply.messages.insert(0, Message(intro))
    return reply


def ask(session: Session, actor: Actor, form: Form) -> Reply:
    """Ask the first unanswered field, or finish the form when all are answered."""
    pending = form.pending(actor)
    answers = form.answers(actor) or {}
    if pending is None:
        actor.scratch.pop(SCRATCH, None)
        reply = form.finish(session, actor, answers)
        reply.state = ConversationHandler.END
        return reply
    t = actor.t
    position = [f.key for f in form.fields].index(pending.key) + 1
    current = pending.current(actor)
    buttons = [
        Button(c.label, data=f"{form.name}:{pending.key}:{c.value}")
        for c in pending.choices(actor)
        if c.value != current
    ]
    if current:
        buttons.insert(
            0, Button("✓ " + pending.show(current, actor), data=f"{form.name}:{pending.key}:{KEEP}")
        )
    text = Html(f"<i>{position}/{len(form.fields)}</i>  ") + t(pending.prompt)
    return Reply(state=form.name).say(Html(text), rows(buttons, form.per_row))


def answer(session: Session, actor: Actor, form: Form, value: str, field_key: str | None) -> Reply:
    """Take a typed answer (field_key None) or a pressed button's value for field_key."""
    t = actor.t
    pending = form.pending(actor)
    if form.answers(actor) is None or pending is None:
        return Reply(state=ConversationHandler.END, alert=t("This question is already closed."))
    if field_key is not None and field_key != pending.key:
        return Reply(state=form.name, alert=t("That button belongs to an earlier question."))
    try:
        if value == KEEP and field_key is not None:
            current = pending.current(actor)
            if current is None:
                raise Invalid("Please choose one of the buttons or type your answer.")
            value = current
        parsed = pending.parse(value, actor)
    except Invalid as problem:
        retry = ask(session, actor, form)
        retry.messages.insert(0, Message(t(problem.msgid, **problem.values)))
        return retry
    if pending.save is not None:
        pending.save(session, actor, parsed)
    answers = form.answers(actor)
    assert answers is not None
    answers[pending.key] = parsed
    return ask(session, actor, form)


def cancel(session: Session, actor: Actor) -> Reply:
    actor.scratch.pop(SCRATCH, None)
    return Reply(state=ConversationHandler.END).say(
        actor.t("Stopped. Whatever you had not finished was not saved.")
    )


def conversation(flows: list[tuple[Form, list[BaseHandler]]]) -> ConversationHandler:
    """One persisted ConversationHandler for all forms, so a teacher is in one dialog at a
    time; its state is the name of the form in progress."""

    async def on_cancel(update: Update, context: Ctx) -> object:
        """/cancel: drops the unfinished answers and ends the dialog."""
        return await respond(update, context, cancel)

    states: dict[object, list[BaseHandler]] = {
        form.name: _state_handlers(form) for form, _ in flows
    }
    with warnings.catch_warnings():
        # Buttons are tracked per chat on purpose: the engine checks which question they answer.
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return ConversationHandler(
            entry_points=[entry for _, entries in flows for entry in entries],
            states=states,
            fallbacks=[CommandHandler("cancel", on_cancel)],
            name="dialog",
            persistent=True,
            allow_reentry=True,
        )


def _state_handlers(form: Form) -> list[BaseHandler]:
    async def on_text(update: Update, context: Ctx) -> object:
        """A typed answer to the current question."""
        assert update.message is not None and update.message.text is not None
        text = update.message.text
        return await respond(update, context, lambda s, a: answer(s, a, form, text, None))

    async def on_button(update: Update, context: Ctx) -> object:
        """A pressed answer button: <form>:<field>:<value>."""
        assert update.callback_query is not None and update.callback_query.data is not None
        _, key, value = update.callback_query.data.split(":", 2)
        return await respond(update, context, lambda s, a: answer(s, a, form, value, key))

    return [
        MessageHandler(filters.TEXT & ~filters.COMMAND, on_text),
        CallbackQueryHandler(on_button, pattern=f"^{form.name}:"),
    ]
