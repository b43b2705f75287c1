"""The team as a project's dialogs read it at each step (through `forms.Asking`, once
per update, never copied into the scratchpad): who can be made responsible, each
member's zone and calendar, and the team's "by Friday" convention. The "responsible"
questions of /deadline and of a plan activity offer memberships, not Telegram ids."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.rules.calendar import Place
from handlers import forms
from scheduler.moments import zone_of
from scheduler.places import team_places
from storage import reminders, teams


@dataclass(frozen=True)
class Team:
    members: dict[str, str]  # membership id → name, as the owner question offers them
    member_users: dict[str, int]  # membership id → user id
    zones: dict[str, ZoneInfo]  # membership id → where they work
    places: dict[str, Place]  # name → calendar, for the day-off warning
    user_places: dict[int, Place]  # user id → calendar, for "end of next week"


NO_TEAM = Team({}, {}, {}, {}, {})


def read_team(session: Session, project_id: int) -> Team:
    """The project's members with their zones and calendars, as they are now."""
    places = team_places(session, project_id)
    team = [m for m in teams.members(session, project_id=project_id) if m.user is not None]
    return Team(
        members={str(m.membership.id): m.user.display_name for m in team if m.user},
        member_users={str(m.membership.id): m.user.id for m in team if m.user},
        zones={str(m.membership.id): zone_of(m.user) for m in team if m.user},
        places={user.display_name: place for user, place in places.values()},
        user_places={user_id: place for user_id, (_user, place) in places.items()},
    )


def team(who: forms.Teacher) -> Team:
    """The dialog's team (none outside a dialog, where /mydata words an answer)."""
    asking = forms.asking_of(who)
    return asking.once("team", read_team, NO_TEAM) if asking else NO_TEAM


def by_eve(asking: forms.Asking) -> bool:
    """The team agreed that "by Friday" ends on Thursday night (/reminders)."""

    def read(session: Session, project_id: int) -> bool:
        return reminders.settings(session, project_id=project_id).by_day == "eve"

    return asking.once("by_eve", read, False)


def owner_zone(asking: forms.Asking) -> ZoneInfo:
    """Where the chosen owner works (the teacher themself when no owner is asked)."""
    owner = asking.answers.get("owner")
    zone = team(asking).zones.get(owner) if owner else None
    return zone or zone_of(asking.user)


def owner_place(asking: forms.Asking) -> Place | None:
    """The chosen owner's calendar (the teacher's own when no owner is asked)."""
    found = team(asking)
    owner = asking.answers.get("owner")
    user_id = found.member_users.get(owner, asking.user.id) if owner else asking.user.id
    return found.user_places.get(user_id)


def own_place(asking: forms.Asking) -> Place | None:
    """The answering teacher's calendar."""
    return team(asking).user_places.get(asking.user.id)


def _owner(value: str, asking: forms.Asking) -> str:
    if value not in team(asking).members:
        raise forms.Invalid("Please tap one of the buttons below.")
    return value


def owner_field(prompt: str) -> forms.Field:
    """Who is responsible: a button per member of the team as it is now."""
    return forms.Field(
        "owner",
        prompt,
        parse=_owner,
        kind=forms.Kind.CHOICE,
        choices=lambda who: [forms.Choice(n, mid) for mid, n in team(who).members.items()],
        show=lambda v, who: team(who).members.get(v, v),
        names_member=True,
    )
