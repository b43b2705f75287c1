"""The project cycle's rules: which steps the team's data tick by themselves, when a step or
a stage is done, who may tick a step, and how far a project moves on. Pure functions of
the stage number and the team's `Facts`, so each rule is tested without Telegram or a
database; the stages and steps themselves are the guide's (bot/guide/stages.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.guide.risks import RISKS
from bot.guide.stages import STAGES, Check, Owner, Stage, Step
from bot.guide.twinspace import QUESTIONS


@dataclass(frozen=True)
class Facts:
    """What the team's data say, read once per update."""

    schools: int
    founders_chosen: bool
    national: bool  # both founders in one country: no label, no awards
    school_of: Mapping[int, str]  # each teacher's school (user id → school key)
    plan: frozenset[str]  # plan sections the guide's checks accept (bot/rules/plan_checks.py)
    agreed: frozenset[str]  # agreement topics marked agreed
    risks_marked: frozenset[str]  # risks the team has a view on
    ticks: frozenset[str]


def _planned(section: str) -> Callable[[Facts], bool]:
    return lambda facts: section in facts.plan


CHECKS: dict[Check, Callable[[Facts], bool]] = {
    Check.PARTNER_JOINED: lambda f: f.schools >= 2,
    Check.PLAN_GOAL: _planned("goal"),
    Check.PLAN_PRODUCT: _planned("product"),
    Check.PLAN_COLLABORATION: _planned("collab"),
    Check.PLAN_ACTIVITIES: _planned("activity"),
    Check.PLAN_TITLE: _planned("title"),
    Check.COMMUNICATION_AGREED: lambda f: {"communication", "reminders"}.issubset(f.agreed),
    Check.SECOND_FOUNDER: lambda f: f.founders_chosen,
    Check.TWINSPACE_ANSWERED: lambda f: QUESTIONS.issubset(f.ticks),
    Check.NETIQUETTE_AGREED: lambda f: "netiquette" in f.agreed,
    Check.RISKS_REVIEWED: lambda f: f.risks_marked.issuperset(risk.key for risk in RISKS),
}


def applies(step: Step, facts: Facts) -> bool:
    """Labels and awards are not for a national project."""
    return not (step.international_only and facts.national)


def by_data(step: Step, facts: Facts) -> bool:
    """The team's data show the step is done (TwinCoach ticks it itself)."""
    return step.check is not None and CHECKS[step.check](facts)


def done(step: Step, facts: Facts) -> bool:
    """Done by the data or by a tick; a step each school ticks for itself once a teacher
    of every school ticked it."""
    if step.owner == Owner.EACH_SCHOOL and step.key not in facts.ticks:
        schools = set(facts.school_of.values())
        return bool(schools) and schools_ticked(step, facts) >= schools
    return by_data(step, facts) or step.key in facts.ticks


def schools_ticked(step: Step, facts: Facts) -> set[str]:
    """The schools one of whose teachers ticked this step (`<key>@<user id>`)."""
    ticked = (item.removeprefix(f"{step.key}@") for item in facts.ticks)
    return {facts.school_of[int(u)] for u in ticked if u.isdigit() and int(u) in facts.school_of}


def tick_item(step: Step, user_id: int | None) -> str:
    """The checklist item a teacher's tick is stored as: per teacher on a step each
    school ticks for itself."""
    return f"{step.key}@{user_id}" if step.owner == Owner.EACH_SCHOOL else step.key


def complete(stage: Stage, facts: Facts) -> bool:
    """Every step that applies to the project is done."""
    return all(done(step, facts) for step in stage.steps if applies(step, facts))


def current_stage(stage: int) -> int:
    """The stage number, 1..7, whatever the stored column holds."""
    return min(max(stage, 1), len(STAGES))


def finished(stage: int, facts: Facts) -> bool:
    """Every step of the last stage is done: the whole cycle is behind the team."""
    return current_stage(stage) == len(STAGES) and complete(STAGES[-1], facts)


def advanced(stage: int, facts: Facts) -> int:
    """The stage after moving on past every complete one (the data may finish several)."""
    stage = current_stage(stage)
    while stage < len(STAGES) and complete(STAGES[stage - 1], facts):
        stage += 1
    return stage


def next_step(stage: int, facts: Facts) -> Step | None:
    """The first step of the current stage that applies and is not done yet."""
    steps = STAGES[current_stage(stage) - 1].steps
    return next((s for s in steps if applies(s, facts) and not done(s, facts)), None)


def may_tick(stage: Stage, step: Step, *, lead: bool) -> bool:
    """Steps every member owns are ticked by anyone; registration steps, steps the data
    answer and steps owned by the coordinator or the founders only by a lead (the
    coordinator or a founder)."""
    shared = step.owner in (Owner.EVERYONE, Owner.EACH_SCHOOL)
    return (shared and not stage.leads_only and step.check is None) or lead
