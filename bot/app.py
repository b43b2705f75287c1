"""The Application factory: one place that assembles and registers everything.

Nothing happens at import time; the database is opened here and closed in
post_shutdown, the command menus are set in post_init. Tests use the same factory.
"""

from __future__ import annotations

import logging

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults

from bot.commands import set_default_menus
from bot.config import Settings
from bot.context import Ctx, Services, TwinApp
from bot.i18n import Translator, normalise_language
from bot.updates import ChatOrderedProcessor
from handlers import forms, group, join, members, newproject, privacy, profile, start, team
from storage.db import Database
from storage.persistence import DbPersistence

log = logging.getLogger(__name__)


class TwinApplication(Application):
    """Flushes dialog state to the database after every update, not once a minute, so a
    crash cannot lose an answered question."""

    async def process_update(self, update: object) -> None:
        await super().process_update(update)
        await self.update_persistence()


async def apologise(update: object, context: Ctx) -> None:
    """Log the failure with its traceback; tell the teacher, translated, never the details."""
    log.error("update failed", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    user = update.effective_user
    t = Translator(
        normalise_language(user.language_code if user else None, context.settings.default_language)
    )
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await context.bot.send_message(
            update.effective_chat.id,
            t("Sorry, something went wrong on my side. Please try again in a minute."),
        )
    except Exception:
        log.warning("could not send the apology", exc_info=True)


def register(app: TwinApp) -> None:
    """Handlers in order. Order matters: the dialog comes first so its answers win; group
    /start p<id> and the invite /start j_<token> before the plain /start; the catch-alls last."""
    app.add_handler(
        forms.conversation(
            [
                (newproject.FORM, newproject.entry_points()),
                (join.FORM, join.entry_points()),
                (profile.FORM, profile.entry_points()),
            ]
        )
    )
    for module_handlers in (
        group.handlers(),
        start.handlers(),
        team.handlers(),
        members.handlers(),
        profile.handlers(),
        privacy.handlers(),
        start.last_resort(),
    ):
        app.add_handlers(module_handlers)
    app.add_error_handler(apologise)


def build_application(settings: Settings, db: Database | None = None) -> TwinApp:
    """The bot, ready to initialise. `db` lets tests and the console share an open database."""
    database = db or Database(settings.database_url)
    token = settings.telegram_bot_token
    assert token is not None, "build_application needs a token (the console uses a fake one)"

    async def post_init(app: TwinApp) -> None:
        await set_default_menus(app.bot, settings.default_language)

    async def post_shutdown(app: TwinApp) -> None:
        if db is None:
            database.close()

    builder = (
        ApplicationBuilder()
        .application_class(TwinApplication)
        .token(token.get_secret_value())
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .context_types(ContextTypes(context=Ctx))
        .persistence(DbPersistence(database))
        .concurrent_updates(ChatOrderedProcessor(16))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if settings.telegram_api_base_url:
        builder = builder.base_url(settings.telegram_api_base_url)
        if settings.base_file_url:
            builder = builder.base_file_url(settings.base_file_url)
    app: TwinApp = builder.build()
    app.bot_data["services"] = Services(settings=settings, db=database)
    register(app)
    return app
