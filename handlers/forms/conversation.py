"""The one persisted ConversationHandler that runs every form: its state is the name of
the form in progress, so a teacher is in one dialog at a time. Typed text and pressed
buttons go to the open form; /cancel, /skip and /back to whichever form is open."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

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
from bot.reply import Reply
from handlers.forms.engine import WAITING, answer, ask, back, begin, cancel, skip
from handlers.forms.form import SCRATCH, Form
from handlers.forms.questions import KEEP_OR_DROP
from handlers.guards import stale
from handlers.step import Actor, respond


def conversation(dialogs: list[Form], starts: list[BaseHandler]) -> ConversationHandler:
    """One persisted ConversationHandler for all forms, so a teacher is in one dialog at a
    time; its state is the name of the form in progress. `starts` open a form."""
    forms = {form.name: form for form in dialogs}

    def in_progress(actor: Actor) -> Form | None:
        current = actor.scratch.get(SCRATCH)
        return forms.get(current.get("name", "")) if isinstance(current, dict) else None

    def command(step: Callable[[Session, Actor, Form], Reply]) -> Callable[[Update, Ctx], Any]:
        async def handle(update: Update, context: Ctx) -> object:
            def run(session: Session, actor: Actor) -> Reply:
                form = in_progress(actor)
                if form is None:
                    actor.scratch.pop(SCRATCH, None)
                    return Reply(state=ConversationHandler.END).say(
                        actor.t("There is no question open right now.")
                    )
                return step(session, actor, form)

            return await respond(update, context, run)

        return handle

    async def keep_or_drop(update: Update, context: Ctx) -> object:
        """The answer to the keep-or-drop question: the old dialog goes on, or the new one starts."""
        assert update.callback_query is not None and update.callback_query.data is not None
        drop = update.callback_query.data.endswith(":drop")

        def run(session: Session, actor: Actor) -> Reply:
            waiting, old = actor.scratch.pop(WAITING, None), in_progress(actor)
            if drop and isinstance(waiting, dict) and waiting.get("name") in forms:
                actor.scratch.pop(SCRATCH, None)
                return begin(
                    session,
                    actor,
                    forms[waiting["name"]],
                    preset=waiting.get("preset"),
                    extra=waiting.get("extra"),
                    at=waiting.get("at"),
                )
            if old is None:
                return stale(session, actor)
            return ask(session, actor, old)

        return await respond(update, context, run)

    states: dict[object, list[BaseHandler]] = {
        name: _state_handlers(form) for name, form in forms.items()
    }
    with warnings.catch_warnings():
        # Buttons are tracked per chat on purpose: the engine checks which question they answer.
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return ConversationHandler(
            entry_points=starts,
            states=states,
            fallbacks=[
                CommandHandler("cancel", command(cancel)),
                CommandHandler("skip", command(skip)),
                CommandHandler("back", command(back)),
                CallbackQueryHandler(keep_or_drop, pattern=f"^{KEEP_OR_DROP}:(keep|drop)$"),
            ],
            name="dialog",
            persistent=True,
            allow_reentry=True,
        )


def _state_handlers(form: Form) -> list[BaseHandler]:
    async def on_text(update: Update, context: Ctx) -> object:
        """A typed answer to the current question."""
        assert update.message is not None and update.message.text is not None
        text = update.message.text
        step = lambda s, a: answer(s, a, form, text, None)  # noqa: E731
        return await respond(update, context, step, form.prefetch(context.user_data or {}))

    async def on_button(update: Update, context: Ctx) -> object:
        """A pressed answer button: <form>:<field>:<value>."""
        assert update.callback_query is not None and update.callback_query.data is not None
        parts = update.callback_query.data.split(":", 2)
        key, value = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
        step = lambda s, a: answer(s, a, form, value, key)  # noqa: E731
        return await respond(update, context, step, form.prefetch(context.user_data or {}))

    return [
        # Only new messages answer: an edited earlier answer is not the answer to this question.
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, on_text),
        CallbackQueryHandler(on_button, pattern=f"^{form.name}:"),
    ]
