"""Every flow whose buttons go through the one registry (handlers/buttons.py), listed once:
the application registers their buttons from here, and the tests read the same registry."""

from __future__ import annotations

from handlers import (
    agreements,
    break_file,
    forgetme,
    group,
    join,
    linking,
    members,
    more_time,
    newproject,
    plan,
    profile,
    progress,
    questionnaire,
    registration,
    reminders,
    rhythm,
    risks,
    shared_breaks,
    start,
    status,
    team,
    twinspace,
)
from handlers.buttons import Flow, Registry, registry_of
from handlers.dialogs import QUESTIONNAIRES

FLOWS: tuple[Flow, ...] = (
    reminders.FLOW,
    more_time.FLOW,
    agreements.FLOW,
    registration.FLOW,
    rhythm.FLOW,
    team.FLOW,
    linking.FLOW,
    break_file.FLOW,
    shared_breaks.FLOW,
    members.FLOW,
    forgetme.FLOW,
    progress.FLOW,
    group.FLOW,
    start.FLOW,
    newproject.FLOW,
    join.FLOW,
    profile.FLOW,
    status.FLOW,
    twinspace.FLOW,
    risks.FLOW,
    plan.FLOW,
    questionnaire.flow(list(QUESTIONNAIRES)),
)


def buttons() -> Registry:
    """The registry of every flow's buttons; a prefix routed twice raises here, at start-up."""
    return registry_of(FLOWS)
