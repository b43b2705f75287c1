"""Every flow, listed once in the order the application registers them: each declares its
commands, the commands that open its dialogs, and its buttons (handlers/buttons.py), so
adding a feature is one line here. Order matters only where two flows read the same
command: the group's `/start p<id>` comes before the private /start."""

from __future__ import annotations

from handlers import (
    agreements,
    break_file,
    breaks,
    deadlines,
    forgetme,
    group,
    ics,
    join,
    linking,
    meetings,
    members,
    more_time,
    mydata,
    newproject,
    partners,
    plan,
    profile,
    progress,
    quality,
    questionnaire,
    quiz,
    quiz_results,
    registration,
    reminders,
    rhythm,
    risks,
    shared_breaks,
    start,
    status,
    team,
    team_calendar,
    twinspace,
)
from handlers.buttons import Flow, Registry, registry_of
from handlers.dialogs import QUESTIONNAIRES

FLOWS: tuple[Flow, ...] = (
    group.FLOW,
    linking.FLOW,
    start.FLOW,
    newproject.FLOW,
    join.FLOW,
    team.FLOW,
    members.FLOW,
    profile.FLOW,
    mydata.FLOW,
    forgetme.FLOW,
    quiz.FLOW,
    quiz_results.FLOW,
    partners.FLOW,
    agreements.FLOW,
    progress.FLOW,
    ics.FLOW,
    breaks.FLOW,
    break_file.FLOW,
    shared_breaks.FLOW,
    team_calendar.FLOW,
    rhythm.FLOW,
    status.FLOW,
    twinspace.FLOW,
    plan.FLOW,
    registration.FLOW,
    risks.FLOW,
    quality.FLOW,
    deadlines.FLOW,
    reminders.FLOW,
    more_time.FLOW,
    meetings.FLOW,
    questionnaire.flow(list(QUESTIONNAIRES)),
)


def buttons() -> Registry:
    """The registry of every flow's buttons; a prefix routed twice raises here, at start-up."""
    return registry_of(FLOWS)
