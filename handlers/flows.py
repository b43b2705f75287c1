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
    profile,
    progress,
    registration,
    reminders,
    rhythm,
    shared_breaks,
    start,
    team,
)
from handlers.buttons import Flow, Registry, registry_of

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
)


def buttons() -> Registry:
    """The registry of every flow's buttons; a prefix routed twice raises here, at start-up."""
    return registry_of(FLOWS)
