"""The project cycle's rules as pure functions (bot/rules/lifecycle.py): which steps the
data tick, when a step and a stage are done, who may tick, how far a project moves on."""

from dataclasses import replace

from bot.guide.risks import RISKS
from bot.guide.stages import STAGES, STEP_BY_KEY, Check, Owner
from bot.guide.twinspace import QUESTIONS
from bot.rules.lifecycle import (
    CHECKS,
    Facts,
    advanced,
    applies,
    by_data,
    complete,
    current_stage,
    done,
    finished,
    may_tick,
    next_step,
    schools_ticked,
    tick_item,
)

ANNA, ILZE, JONAS = 101, 102, 103
NOTHING = Facts(
    schools=2,
    founders_chosen=False,
    national=False,
    school_of={ANNA: "riga", ILZE: "riga", JONAS: "vilnius"},
    plan=frozenset(),
    agreed=frozenset(),
    risks_marked=frozenset(),
    ticks=frozenset(),
)


def stage_of(key: str) -> int:
    return next(n for n, stage in enumerate(STAGES, 1) if STEP_BY_KEY[key] in stage.steps)


def test_every_check_of_the_guide_has_a_rule_and_is_used():
    assert set(CHECKS) == set(Check)
    used = {step.check for stage in STAGES for step in stage.steps if step.check}
    assert used == set(Check)


def test_the_data_tick_steps_by_themselves():
    partners, goal = STEP_BY_KEY["s1.partners"], STEP_BY_KEY["s2.goal"]
    assert by_data(partners, NOTHING)  # two schools
    assert not by_data(partners, replace(NOTHING, schools=1))
    assert not by_data(goal, NOTHING) and by_data(goal, replace(NOTHING, plan=frozenset({"goal"})))
    agreed = STEP_BY_KEY["s2.agreed"]
    assert not by_data(agreed, replace(NOTHING, agreed=frozenset({"communication"})))
    assert by_data(agreed, replace(NOTHING, agreed=frozenset({"communication", "reminders"})))
    twinspace, risks = STEP_BY_KEY["s4.twinspace"], STEP_BY_KEY["s4.risks"]
    assert not by_data(twinspace, replace(NOTHING, ticks=QUESTIONS - {"ts.folders"}))
    assert by_data(twinspace, replace(NOTHING, ticks=QUESTIONS))
    every_risk = frozenset(risk.key for risk in RISKS)
    assert not by_data(risks, replace(NOTHING, risks_marked=every_risk - {"parents"}))
    assert by_data(risks, replace(NOTHING, risks_marked=every_risk))
    assert not by_data(STEP_BY_KEY["s1.idea"], NOTHING)  # no check: only a tick


def test_a_step_each_school_ticks_needs_every_school():
    step = STEP_BY_KEY["s1.at_home"]
    assert step.owner == Owner.EACH_SCHOOL
    assert tick_item(step, ANNA) == "s1.at_home@101"
    assert tick_item(STEP_BY_KEY["s1.idea"], ANNA) == "s1.idea"
    one = replace(NOTHING, ticks=frozenset({"s1.at_home@101", "s1.at_home@102"}))
    assert schools_ticked(step, one) == {"riga"} and not done(step, one)
    both = replace(one, ticks=one.ticks | {"s1.at_home@103"})
    assert done(step, both)
    stranger = replace(NOTHING, ticks=frozenset({"s1.at_home@999", "s1.at_home@x"}))
    assert schools_ticked(step, stranger) == set()
    assert not done(step, replace(NOTHING, school_of={}))  # no schools: nothing to tick


def test_labels_do_not_apply_to_a_national_project():
    label = STEP_BY_KEY["s7.label"]
    assert applies(label, NOTHING) and not applies(label, replace(NOTHING, national=True))
    seven = len(STAGES)
    assert not finished(seven, NOTHING)
    assert finished(seven, replace(NOTHING, national=True))  # nothing left that applies


def test_the_stage_moves_past_every_complete_stage():
    assert current_stage(0) == 1 and current_stage(99) == len(STAGES)
    first = frozenset({"s1.idea", "s1.icebreak", "s1.at_home@101", "s1.at_home@103"})
    facts = replace(NOTHING, ticks=first)
    assert complete(STAGES[0], facts) and advanced(1, facts) == 2
    planned = frozenset({"goal", "product", "collab", "activity", "title"})
    agreed = frozenset({"communication", "reminders"})
    more = replace(facts, plan=planned, agreed=agreed)
    assert advanced(1, more) == 3  # the data finished stage 2 as well
    assert advanced(2, NOTHING) == 2  # never back
    assert next_step(3, more) == STEP_BY_KEY["s3.founder2"]
    assert next_step(1, NOTHING) == STEP_BY_KEY["s1.idea"]
    assert next_step(1, facts) is None


def test_who_may_tick_a_step():
    registration, running = STAGES[stage_of("s3.ready") - 1], STAGES[stage_of("s5.pupils") - 1]
    assert not may_tick(registration, STEP_BY_KEY["s3.ready"], lead=False)  # leads only
    assert may_tick(registration, STEP_BY_KEY["s3.ready"], lead=True)
    assert may_tick(running, STEP_BY_KEY["s5.pupils"], lead=False)  # every member's step
    assert not may_tick(running, STEP_BY_KEY["s5.visible"], lead=False)  # the coordinator's
    goal = STEP_BY_KEY["s2.goal"]
    assert not may_tick(STAGES[1], goal, lead=False)  # the data answer it
    assert may_tick(STAGES[1], goal, lead=True)
