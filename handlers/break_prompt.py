"""Asking a newcomer, once, for their country's school breaks when nobody knows them:
no fetched, shipped or entered break in both halves of this school year. The teacher
is asked privately after joining (or setting their country); never again for that
country."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from bot.i18n import Html
from bot.rules.countries import country_name
from handlers.step import Actor
from scheduler.moments import zone_of
from storage import shared_breaks, teams

SCHOOL_YEAR_TURNS = 7  # from July on, "this school year" is the one starting in September


def school_year(today: date) -> tuple[date, date]:
    """September to June of the school year under way (or about to start)."""
    year = today.year if today.month >= SCHOOL_YEAR_TURNS else today.year - 1
    return date(year, 9, 1), date(year + 1, 6, 30)


def ask_once(session: Session, actor: Actor) -> Html | None:
    """The request to a teacher in a team whose country's breaks are unknown for this
    school year, or None (known, no country, no team, or asked before)."""
    country = actor.user.country
    if country is None or not teams.user_projects(session, user_id=actor.user.id):
        return None
    first, last = school_year(actor.now.astimezone(zone_of(actor.user)).date())
    if shared_breaks.covers(session, country=country, first=first, last=last):
        return None
    if not shared_breaks.mark_asked(session, user_id=actor.user.id, country=country, now=actor.now):
        return None
    return actor.t(
        "I don't know the school breaks of {country} for {first}/{last} yet, so reminders may fall in your holidays. Please add them once for the whole school year, one break at a time, like this:\n"
        "/breaks add 22.12.{first}–03.01.{last} Winter break\n"
        "or send me your school's calendar as an .ics file. They count for your teams at once, and for other teams with a teacher from {country} once one of them confirms them.",
        country=country_name(country, actor.t.lang),
        first=first.year,
        last=last.year,
    )
