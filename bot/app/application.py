"""The Application factory: one place that assembles and registers everything.

Nothing happens at import time. The caller opens the database and closes it; the
command menus are set when the application initialises. Tests use the same factory.
"""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    ConversationHandler,
    Defaults,
)

from bot import logs, metrics
from bot.app.incoming import ChatOrderedProcessor, without_controls
from bot.budget import Budget
from bot.commands import set_default_menus
from bot.config import Settings
from bot.context import Ctx, Services, TwinApp
from bot.i18n import Translator, normalise_language
from bot.outgoing import Outgoing, Post
from bot.request import AiohttpRequest, UpdatesRequest
from handlers import forms, start
from handlers.dialogs import all_forms
from handlers.flows import FLOWS, buttons
from handlers.step import OUTBOX
from scheduler.delivery import Dispatcher
from scheduler.reminders import jobs
from storage.db import Database
from storage.persistence import DbPersistence

log = logging.getLogger("bot.app")  # the name operators filter logs by

# docker stop and systemd wait 10 s before SIGKILL; the rest of a shutdown takes well
# under a second, so queued replies get five (a private chat's go in milliseconds).
SHUTDOWN_SECONDS = 5.0


class SendingApplication(Application):
    """An application that may send reminders: its dispatcher is told to stop first.
    PTB's `stop` waits for the updates in hand and then for the running jobs
    (`JobQueue.stop(wait=True)`), and a delivery run in a burst of thousands ends only when
    told; post_stop comes after that wait, too late. Told here, the run ends between two
    sends within a few seconds (scheduler/delivery.py) and the jobs' wait is short."""

    sender: Dispatcher | None = None

    async def stop(self) -> None:
        if self.sender is not None:
            self.sender.stop()
        await super().stop()


class TwinApplication(SendingApplication):
    """Reads the sender's dialog state from the database before every update, writes it
    after every update (not once a minute), and only then queues the replies, each chat's
    in its own lane (bot/outgoing.py): any worker can take any update, after a crash the
    bot resumes at the question the teacher last saw, and a chat that must wait for
    Telegram holds up no other."""

    def __init__(
        self, *args: Any, budget: Budget | None = None, connections: int = 1, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # as many replies on the wire at once as Bot API connections; new messages in the
        # process's send budget, shared with its reminders
        self.outgoing = Outgoing(self.process_error, connections, budget=budget)

    async def initialize(self) -> None:
        await super().initialize()
        self._dialogs = {
            handler.name: handler
            for handlers in self.handlers.values()
            for handler in handlers
            if isinstance(handler, ConversationHandler) and handler.persistent and handler.name
        }
        if any(dialog.per_message for dialog in self._dialogs.values()):
            raise ValueError("a per-message dialog's state cannot be read per update")
        services: Services = self.bot_data["services"]
        await set_default_menus(self.bot, services.settings.default_language)

    async def stop(self) -> None:
        """Reminders stop, updates stop coming, then the replies already queued go out
        (for a while)."""
        await super().stop()
        await self.outgoing.close(SHUTDOWN_SECONDS)

    async def shutdown(self) -> None:
        """After the last dialog state is written: PostgreSQL's async connections are
        closed on the loop that opened them."""
        await self.outgoing.close(SHUTDOWN_SECONDS)  # tests shut down without stop()
        await super().shutdown()
        services: Services = self.bot_data["services"]
        await services.db.close_async()

    async def replies_sent(self) -> None:
        """Until every queued reply is sent: tests read the fake Bot API after this."""
        await self.outgoing.idle()

    async def process_update(self, update: object) -> None:
        """Every update enters here (polled, posted to the webhook, or from the tests), so
        here it loses its control characters before any handler sees it."""
        began = time.perf_counter()
        update = without_controls(update)
        try:
            await self._load_dialog(update)
        except Exception as exc:  # the database is gone for over a minute: do not guess
            await self.process_error(update=update, error=exc)
            return
        outbox: list[Post] = []
        token = OUTBOX.set(outbox)
        try:
            await super().process_update(update)
        finally:
            OUTBOX.reset(token)
        await self.update_persistence()
        self.outgoing.put(outbox, update)
        metrics.UPDATES.labels(update_kind(update)).inc()
        metrics.UPDATE_SECONDS.observe(time.perf_counter() - began)

    async def _load_dialog(self, update: object) -> None:
        """The sender's scratchpad and dialog states as the database has them now, in place
        of this process's copy, before any handler looks at them: the teacher's previous
        answer may have been taken by another worker (one small transaction; see
        storage/persistence.py). The ChatOrderedProcessor runs one update of a teacher at a
        time, so no update of theirs is between its handlers and its write meanwhile."""
        if not isinstance(update, Update) or update.effective_user is None:
            return
        user_id = update.effective_user.id
        dialogs = [
            (name, key)
            for name, dialog in self._dialogs.items()
            if (key := dialog_key(dialog, update)) is not None
        ]
        persistence = self.persistence
        assert isinstance(persistence, DbPersistence)
        scratch, states = await persistence.load(user_id, dialogs)
        if scratch or user_id in self.user_data:
            data = self.user_data[user_id]  # created on first use, as PTB's own contexts do
            if data != scratch:
                data.clear()
                data.update(scratch)
        # PTB's dict of each dialog's states (what ConversationHandler.check_update reads);
        # set without marking the keys as changed, as PTB does when it loads them at start
        conversations = self._conversation_handler_conversations
        for (name, key), state in zip(dialogs, states, strict=True):
            if state is None:
                conversations[name].data.pop(key, None)
            else:
                conversations[name].update_no_track({key: state})


def dialog_key(dialog: ConversationHandler, update: Update) -> tuple[int, ...] | None:
    """The key `dialog` keeps this update's state under (PTB's ConversationHandler._get_key
    for per_chat/per_user dialogs); None when the update has no such key."""
    chat, user = update.effective_chat, update.effective_user
    key: list[int] = []
    if dialog.per_chat:
        if chat is None:
            return None
        key.append(chat.id)
    if dialog.per_user:
        if user is None:
            return None
        key.append(user.id)
    return tuple(key)


def update_kind(update: object) -> str:
    """message, callback_query, my_chat_member, …: the label of the updates counter."""
    if isinstance(update, Update):
        for kind in ("message", "edited_message", "callback_query", "my_chat_member"):
            if getattr(update, kind) is not None:
                return kind
    return "other"


async def apologise(update: object, context: Ctx) -> None:
    """Log the failure's type and traceback, never the update's text; tell the teacher,
    translated, never the details."""
    error = context.error or Exception("no exception given")
    update_id = update.update_id if isinstance(update, Update) else None
    log.error(
        "update %s failed: %s\n%s",
        update_id,
        logs.kind(error),
        logs.failure(error),
        extra={"update_id": update_id},
    )
    metrics.UPDATE_ERRORS.inc()
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    user = update.effective_user
    t = Translator(
        normalise_language(user.language_code if user else None, context.settings.default_language)
    )
    try:
        if update.callback_query is not None:
            # answered already when its edit failed: the apology goes all the same
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer()
        await context.bot.send_message(
            update.effective_chat.id,
            t("Sorry, something went wrong on my side. Please try again in a minute."),
        )
    except Exception:
        log.warning("could not send the apology", exc_info=True)


def register(app: TwinApp) -> None:
    """Handlers in order. The input limits see every update first (group -2, bot/fair.py),
    then a group's buttons are checked against the group (-1); the dialog comes next so its
    answers win, opened by the flows' dialog commands and buttons (the invite /start j_<token>
    among them); then every flow's commands in the order of handlers/flows.py; the routed
    buttons; the catch-alls last. Between routed buttons order plays no part."""
    registry = buttons()
    opening, routed = registry.handlers()
    app.add_handlers(start.gate(), group=-2)
    app.add_handler(registry.group_guard(), group=-1)
    starts = [*(entry for flow in FLOWS for entry in flow.opens), opening]
    app.add_handler(forms.conversation(all_forms(), starts))
    app.add_handlers([command for flow in FLOWS for command in flow.commands])
    app.add_handlers([routed, *start.last_resort()])
    app.add_error_handler(apologise)


def _builder(settings: Settings) -> Any:
    """What the bot and the scheduler process share: token, Bot API address, HTML defaults."""
    token = settings.telegram_bot_token
    assert token is not None, "needs a token (the console uses a fake one)"
    builder = (
        ApplicationBuilder()
        .token(token.get_secret_value())
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .context_types(ContextTypes(context=Ctx))
        .request(
            AiohttpRequest(
                connections=settings.telegram_connections,
                read_timeout=settings.telegram_read_timeout,
                # with every connection busy, a reply waits for one as long as for Telegram's answer
                pool_timeout=settings.telegram_read_timeout,
            )
        )
    )
    if settings.telegram_api_base_url:
        builder = builder.base_url(settings.telegram_api_base_url)
        if settings.base_file_url:
            builder = builder.base_file_url(settings.base_file_url)
    return builder


def build_application(settings: Settings, db: Database) -> TwinApp:
    """The bot on an open, migrated database, ready to initialise."""
    budget = Budget(settings.send_rate)  # replies and reminders: one SEND_RATE
    builder = (
        _builder(settings)
        .application_class(
            TwinApplication,
            kwargs={"budget": budget, "connections": settings.telegram_connections},
        )
        .persistence(DbPersistence(db))
        .concurrent_updates(
            # half as many updates at once as connections: a press makes two calls at once
            ChatOrderedProcessor(max(1, settings.telegram_connections // 2))
        )
        # a second connection for the last getUpdates at shutdown, while the long poll winds down
        .get_updates_request(UpdatesRequest(connections=2))
    )
    app: TwinApp = builder.build()
    services = Services(settings=settings, db=db)
    app.bot_data["services"] = services
    register(app)
    if settings.run_scheduler:
        assert app.job_queue is not None and isinstance(app, TwinApplication)
        app.sender = jobs.schedule(app.job_queue, services, app.bot, budget)
    return app


def build_scheduler(settings: Settings, db: Database) -> TwinApp:
    """`python -m bot scheduler`: the reminder jobs alone, no updates and no dialogs."""
    app: TwinApp = _builder(settings).updater(None).application_class(SendingApplication).build()
    services = Services(settings=settings, db=db)
    app.bot_data["services"] = services
    assert app.job_queue is not None and isinstance(app, SendingApplication)
    app.sender = jobs.schedule(app.job_queue, services, app.bot, Budget(settings.send_rate))
    return app
