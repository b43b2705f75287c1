"""Moments as teachers read them: in their own time zone and language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_location

from bot.i18n import Html, Translator
from bot.rules.timezones import guess_zone
from bot.timetag import time_tag
from storage.models import User


def zone_of(user: User) -> ZoneInfo:
    return ZoneInfo(user.timezone or guess_zone(user.country))


# Latvian says *when* with the weekday as an adverb and the month in the locative
# ("otrdien, 2026. gada 24. novembrī"); CLDR only has the nominative forms.
LV_WEEKDAYS = ("pirmdien", "otrdien", "trešdien", "ceturtdien", "piektdien", "sestdien", "svētdien")
LV_MONTHS = (
    "janvārī", "februārī", "martā", "aprīlī", "maijā", "jūnijā",
    "jūlijā", "augustā", "septembrī", "oktobrī", "novembrī", "decembrī",
)  # fmt: skip


def when(t: Translator, moment: datetime, tz: ZoneInfo) -> str:
    """An explicit date in the reader's language and zone: "otrdien, 2026. gada 24. novembrī, 23:59"."""
    local = moment.astimezone(tz)
    clock = format_time(local.time(), "HH:mm", locale=t.lang)
    if t.lang == "lv":
        day = local.date()
        return f"{LV_WEEKDAYS[day.weekday()]}, {day.year}. gada {day.day}. {LV_MONTHS[day.month - 1]}, {clock}"
    return f"{format_date(local.date(), 'full', locale=t.lang)}, {clock}"


def city(t: Translator, tz: ZoneInfo) -> str:
    """The zone as a reader names it: its city in their language ("Rīga", "Lisabona")."""
    return get_timezone_location(tz, locale=t.lang, return_city=True)


def shared_when(t: Translator, moment: datetime, tz: ZoneInfo) -> Html:
    """A moment in a post many read (a group): each in their own clock where Telegram
    shows its date-time entity, else as `when` in `tz` with the city named."""
    return time_tag(moment, f"{when(t, moment, tz)} ({city(t, tz)})")
