"""The shared country calendar in /breaks: where each break comes from, and the buttons a
teacher of that country uses to confirm another teacher's entry or remove a wrong one.

Rule: an entry counts at once for the teams of the teacher who entered it, and for every
other team with a teacher from that country once a second teacher from there confirmed
it (storage/shared_breaks.py). Confirming and removing re-plan the country's teams."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session

from bot.i18n import Html, escape
from bot.reply import Button, Keyboard, Reply
from bot.rules.countries import country_name
from handlers.buttons import ID, Flow, one_of, route
from handlers.guards import stale
from handlers.step import Actor
from scheduler.reminders.plans import teams_changed
from storage import shared_breaks, teams
from storage.models import SchoolBreak

FETCHED = "OpenHolidays"  # the API and its shipped snapshot: a name, not translated
LABEL_NAME = 24  # characters of a break's name on a button


def break_line(
    row: SchoolBreak, counts: bool, names: dict[int, str], actor: Actor, shown: str
) -> Html:
    """ "• 22.12.2026 – 03.01.2027: Winter break — entered by Ayşe, not yet confirmed";
    `shown` is the break's name as the reader sees it (a regional one names its region)."""
    t = actor.t
    if row.project_id is None:
        origin = Html(FETCHED)
    else:
        parts = [t("entered by {name}", name=_name(row.created_by, names, actor))]
        if row.confirmed_by is not None:
            parts.append(t("confirmed by {name}", name=_name(row.confirmed_by, names, actor)))
        elif counts:
            parts.append(t("not yet confirmed"))
        else:
            parts.append(t("not yet confirmed, so not counted in this team yet"))
        origin = Html(", ".join(parts))
    # a name's own line breaks are indented: a long list is never cut inside one break
    name = escape(shown).replace("\n", "\n  ")
    return Html(f"• {row.start:%d.%m.%Y} – {row.end:%d.%m.%Y}: {name} — {origin}")


def _name(user_id: int | None, names: dict[int, str], actor: Actor) -> str:
    found = names.get(user_id) if user_id is not None else None
    return found if found is not None else actor.t("a former member")


def pending_elsewhere(
    session: Session, countries: Sequence[str], counted: Sequence[SchoolBreak], since: date
) -> list[SchoolBreak]:
    """Entries for the team's countries that do not count for it yet (unconfirmed, from
    other teams): shown so a teacher from there can confirm them."""
    ids = {b.id for b in counted}
    return [
        b
        for b in shared_breaks.entered(session, countries=countries, since=since)
        if b.id not in ids
    ]


def decision_buttons(session: Session, actor: Actor, rows: Sequence[SchoolBreak]) -> Keyboard:
    """For a teacher of the entries' country, privately: confirm another's entry, remove
    a wrong one."""
    country = actor.user.country
    if not actor.private or country is None:
        return []
    if not shared_breaks.teaches_in(session, user=actor.user, country=country):
        return []
    keyboard: Keyboard = []
    for row in rows:
        if row.project_id is None or row.country != country:
            continue
        label = f"{row.start:%d.%m.} {row.name[:LABEL_NAME]}"
        line = [Button(f"🗑 {label}", data=f"brk:rm:{row.id}")]
        if row.confirmed_by is None and row.created_by != actor.user.id:
            line.insert(0, Button(f"✅ {label}", data=f"brk:ok:{row.id}"))
        keyboard.append(line)
    return keyboard


def decide(session: Session, actor: Actor, action: str, break_id: int) -> Reply:
    """A confirm (`ok`) or remove (`rm`) button: the ids carry no trust, so who may press
    it is checked here; a refusal is a pop-up and changes nothing."""
    t = actor.t
    row = shared_breaks.entry(session, break_id=break_id)
    if row is None:
        return stale(session, actor)
    country = country_name(row.country, t.lang)
    author = row.created_by == actor.user.id
    if not author and not shared_breaks.teaches_in(session, user=actor.user, country=row.country):
        return Reply(alert=t("Only a teacher from {country} can do this.", country=country))
    affected = {*teams.projects_with_country(session, country=row.country), row.project_id or 0}
    what = {"name": row.name, "start": f"{row.start:%d.%m.%Y}", "end": f"{row.end:%d.%m.%Y}"}
    if action == "rm":
        shared_breaks.remove(session, row=row)
        teams_changed(session, affected, actor.now)
        return Reply().say(t("Removed: {name}, {start} – {end}.", **what))
    if author:
        return Reply(
            alert=t(
                "You entered this break: another teacher from {country} confirms it.",
                country=country,
            )
        )
    if row.confirmed_by is not None:
        return Reply(alert=t("This break is confirmed already."))
    shared_breaks.confirm(session, row=row, by=actor.user.id)
    teams_changed(session, affected, actor.now)
    return Reply().say(
        t(
            "Confirmed: {name}, {start} – {end}. It now counts for every team with a teacher from {country}.",
            country=country,
            **what,
        )
    )


# brk:ok|rm:<school break> (a teacher of that country).
FLOW = Flow(buttons=(route("brk", (one_of("ok", "rm"), ID), decide),))
