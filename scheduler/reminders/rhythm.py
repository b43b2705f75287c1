"""What planning needs to know about a team, looked up once for all its rows and for
many teams at once (one query per kind): members, their calendars and zones, the team's
reminder rhythm, the coordinator, and the quiz answers that fit reminders to a person."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.guide.quiz import QUIZ_ID, QUIZ_VERSION
from bot.rules.calendar import Place
from scheduler.moments import zone_of
from scheduler.places import teams_places, working_days
from scheduler.planning import next_working_moment
from storage import answers, reminders, teams
from storage.models import User

EARLY = 7  # days: the early reminder for those who work at the last moment


def scale_value(value: str | None) -> int | None:
    """A stored 1–5 answer as a number; None when skipped."""
    return int(value) if value and value.isdigit() else None


def quiz_value(session: Session, project_id: int, user_id: int, scale: str) -> int | None:
    """The teacher's answer on one work-style scale (1–5), if they took the quiz."""
    given = answers.load(
        session,
        project_id=project_id,
        user_id=user_id,
        questionnaire=QUIZ_ID,
        version=QUIZ_VERSION,
    )
    return scale_value(given.get(scale))


def fitted_offsets(team: tuple[int, ...], deadlines_scale: int | None) -> tuple[int, ...]:
    """Reminders that fit the person (quiz: "Deadlines: I do my tasks…"): someone who
    works right away (1–2) gets only the earliest one, someone who works at the last
    moment (4–5) always gets an early one too; everyone else the team's rhythm."""
    if deadlines_scale is not None and deadlines_scale <= 2:
        return (max(team),)
    if deadlines_scale is not None and deadlines_scale >= 4:
        return tuple(sorted({*team, EARLY}, reverse=True))
    return team


@dataclass(frozen=True)
class Reader:
    """A member as a recipient: their zone and which days they work."""

    user: User
    zone: ZoneInfo
    working: Callable[[date], bool]


@dataclass(frozen=True)
class TeamRhythm:
    members: dict[int, User]
    places: dict[int, tuple[User, Place]]
    offsets: tuple[int, ...]
    local_time: time
    deadline_scale: dict[int, int | None]  # teacher → quiz answer "Deadlines: I do my tasks…"
    lead_id: int | None

    @classmethod
    def load(cls, session: Session, project_ids: Collection[int]) -> dict[int, TeamRhythm]:
        ids = sorted(set(project_ids))
        team_of = teams.members_of(session, project_ids=ids)
        places = teams_places(session, team_of)
        rhythm_of = reminders.settings_of(session, project_ids=ids)
        scales = answers.item_values(
            session,
            project_ids=ids,
            questionnaire=QUIZ_ID,
            version=QUIZ_VERSION,
            item="s_deadlines",
        )
        loaded = {}
        for project_id in ids:
            team = team_of.get(project_id, [])
            rhythm = rhythm_of[project_id]
            lead = teams.coordinator(team)
            loaded[project_id] = cls(
                members={m.user.id: m.user for m in team if m.user is not None},
                places=places.get(project_id, {}),
                offsets=tuple(int(days) for days in rhythm.offsets.split(",")),
                local_time=time.fromisoformat(rhythm.local_time),
                deadline_scale={
                    user: scale_value(value) for user, value in scales.get(project_id, {}).items()
                },
                lead_id=lead.user.id if lead is not None and lead.user is not None else None,
            )
        return loaded

    def reader(self, user_id: int | None) -> Reader | None:
        """A current member as a recipient; None for anyone else."""
        user = self.members.get(user_id) if user_id is not None else None
        if user is None:
            return None
        _, place = self.places.get(user.id, (user, None))
        return Reader(user, zone_of(user), working_days(place))

    def next_moment(self, user_id: int | None, after: datetime) -> datetime | None:
        """The member's first working day at the team's reminder time after `after`."""
        reader = self.reader(user_id)
        if reader is None:
            return None
        return next_working_moment(after, reader.zone, reader.working, local_time=self.local_time)
