"""The typed context every handler gets: settings and database, no `bot_data` look-ups."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.fair import InputLimits
from storage.db import Database


@dataclass(frozen=True)
class Services:
    settings: Settings
    db: Database
    limits: InputLimits = field(default_factory=InputLimits)


class Ctx(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def services(self) -> Services:
        return cast(Services, self.application.bot_data["services"])

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def settings(self) -> Settings:
        return self.services.settings


TwinApp = Application[ExtBot[None], Ctx, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any]
