"""The risks TwinCoach flags for one project, read from its team, its plan and the
partners' calendars (the rules themselves are pure: bot/rules/risks.py). An activity
that starts or ends on a partner's day off is said with the day and whose day off it is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlmodel import Session

from bot.i18n import Translator
from bot.rules.calendar import Place, ReasonKind, affected, works_on
from bot.rules.plan_checks import review
from bot.rules.risks import Flag, auto_flags
from scheduler.deadlines import stored_moment
from scheduler.places import REASONS, team_places
from storage import plan, teams
from storage import risks as store
from storage.teams import Member


@dataclass(frozen=True)
class DayOff:
    """An activity starting or ending on `day`, which some partners do not work (their
    calendars by name). A teacher's own time away is not the partner's day off."""

    activity: str
    day: date
    places: Mapping[str, Place] = field(compare=False, hash=False)

    def text(self, t: Translator) -> str:
        off = [
            f"{name}: {t(REASONS[reason.kind])}" + (f" ({reason.name})" if reason.name else "")
            for name, reason in affected(self.day, dict(self.places), t.lang).items()
            if reason.kind != ReasonKind.PERSONAL_PAUSE
        ]
        day = format_date(self.day, "full", locale=t.lang)
        return t(
            "“{activity}” on {day}: {who}", activity=self.activity, day=day, who="; ".join(off)
        )


def project_flags(
    session: Session, *, project_id: int, team: list[Member], now: datetime
) -> dict[str, Flag]:
    """`auto_flags` for one project, read from its team, plan and the partners' calendars.
    Only collaboration lines the plan's review accepts count (bot/rules/plan_checks.py)."""
    plan_review = review(plan.section_texts(session, project_id=project_id))
    return auto_flags(
        schools=teams.school_count(team),
        collaboration_planned=plan_review.real_collaboration() > 0,
        new_tools=store.new_tools(session, project_id=project_id),
        on_days_off=_activities_on_days_off(session, project_id, now),
    )


def _activities_on_days_off(session: Session, project_id: int, now: datetime) -> list[DayOff]:
    """Activities whose start or deadline is a day off (weekend, public holiday, school
    break) for a partner: not counting anyone's own time away."""
    places = {
        user.display_name: replace(place, pauses=())
        for user, place in team_places(session, project_id).values()
    }
    found = []
    for row in plan.items(session, project_id=project_id, section="activity"):
        details = plan.details(row)
        for written in (details.get("start"), details.get("deadline")):
            moment = stored_moment(written, now, ZoneInfo("UTC")) if written else None
            if moment is not None and not all(works_on(moment.date(), p) for p in places.values()):
                found.append(DayOff(row.text, moment.date(), places))
    return found
