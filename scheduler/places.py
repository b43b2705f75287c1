"""Each teacher's calendar as the pure calendar maths wants it: their country's (and
region's) public holidays, the school breaks known for that country and region in this
project, their own pauses (/away)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import partial

from holidays.registry import EntityLoader
from sqlmodel import Session

from bot.i18n import N_
from bot.rules.calendar import Break, Pause, Place, ReasonKind, works_on
from scheduler import regions
from storage import breaks, teams, users
from storage.models import SchoolBreak, User
from storage.teams import Member

# the codes from the registry alone: list_supported_countries() imports every country (~8 MB)
HOLIDAY_COUNTRIES = frozenset(EntityLoader.get_country_codes())
# Why a teacher cannot work on a day, as a screen names it.
REASONS = {
    ReasonKind.WEEKEND: N_("weekend"),
    ReasonKind.PUBLIC_HOLIDAY: N_("public holiday"),
    ReasonKind.SCHOOL_BREAK: N_("school break"),
    ReasonKind.PERSONAL_PAUSE: N_("away"),
}


def team_places(session: Session, project_id: int) -> dict[int, tuple[User, Place]]:
    """Every member with a known country → (teacher, calendar)."""
    members = teams.members(session, project_id=project_id)
    return teams_places(session, {project_id: members})[project_id]


def teams_places(
    session: Session, teams_of: dict[int, list[Member]]
) -> dict[int, dict[int, tuple[User, Place]]]:
    """team_places for many teams (project → members) with two queries in all."""
    team_users = {
        project_id: [m.user for m in members if m.user is not None]
        for project_id, members in teams_of.items()
    }
    everyone = [u for users_ in team_users.values() for u in users_]
    countries = {u.country for u in everyone if u.country in HOLIDAY_COUNTRIES}
    found = breaks.for_projects(session, project_ids=list(teams_of), countries=countries)
    away = users.aways(session, user_ids=sorted({u.id for u in everyone}))
    places: dict[int, dict[int, tuple[User, Place]]] = {}
    for project_id, members in team_users.items():
        by_country: dict[str, list[SchoolBreak]] = {}
        for row in found.get(project_id, []):
            by_country.setdefault(row.country, []).append(row)
        places[project_id] = {
            u.id: (
                u,
                Place(
                    u.country,
                    subdivision=u.region,
                    breaks=tuple(for_region(by_country.get(u.country, []), u.country, u.region)),
                    pauses=tuple(Pause(start, end) for start, end in away.get(u.id, [])),
                ),
            )
            for u in members
            if u.country in HOLIDAY_COUNTRIES
        }
    return places


def _scopes(rows: Iterable[SchoolBreak]) -> dict[Break, set[str]]:
    """Each break (stored once per region) → its regions; "" when it is nationwide."""
    found: dict[Break, set[str]] = {}
    for row in rows:
        found.setdefault(Break(row.start, row.end, row.name), set()).add(row.subdivision or "")
    return found


def for_region(
    rows: Iterable[SchoolBreak], country: str, region: str | None, *, regional_only: bool = False
) -> list[Break]:
    """The breaks of `country` among `rows` that hold for a teacher in `region` (see
    regions.reaches), by start; with `regional_only` the nationwide ones are left out."""
    return [
        b
        for b, scope in _scopes(rows).items()
        if ("" in scope and not regional_only)
        or ("" not in scope and regions.reaches(country, region, scope))
    ]


def team_breaks(
    rows: Iterable[SchoolBreak], team: list[Member], lang: str
) -> dict[str, list[tuple[Break, str]]]:
    """What the team is shown (/breaks, /ics): per school country, its nationwide breaks
    and those of its members' regions there, each regional name labelled with its region
    ("vacanze galleggianti (Lombardy)"), by start; no other region's."""
    rows = list(rows)
    shown: dict[str, list[tuple[Break, str]]] = {}
    for country in sorted({m.membership.country for m in team if m.membership.country}):
        mine = [r for r in rows if r.country == country]
        items = [(b, b.name) for b in for_region(mine, country, None)]
        for region in sorted({r for m in team if (r := _region(m, country))}):
            label = regions.name(country, region, lang)
            found = for_region(mine, country, region, regional_only=True)
            items += [(b, f"{b.name} ({label})") for b in found]
        shown[country] = sorted(items, key=lambda item: (item[0].start, item[1]))
    return shown


def _region(member: Member, country: str) -> str | None:
    """A member's region in this school country (none when they teach elsewhere now)."""
    user = member.user
    if user is None or member.membership.country != country or user.country != country:
        return None
    return user.region


def working_days(place: Place | None) -> Callable[[date], bool]:
    """A planner's predicate; Monday to Friday when the country is unknown."""
    if place is None:
        return lambda day: day.weekday() < 5
    return partial(works_on, place=place)
