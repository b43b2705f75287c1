"""(being written)"""

from __future__ import annotations

from telegram.ext import BaseHandler

from handlers.forms import Form

FORMS: list[Form] = []


def entry_points() -> list[BaseHandler]:
    """Handlers that open one of FORMS (registered inside the dialog ConversationHandler)."""
    return []


def handlers() -> list[BaseHandler]:
    """Commands and buttons that do not open a dialog."""
    return []
