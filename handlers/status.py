"""/status: the guide's seven-stage project cycle as checklists. Steps the team's data
answer tick themselves; the others are ticked with buttons in a private chat. Only the
coordinator and the founders tick registration steps, tick data-checked steps by hand, or
undo another teacher's tick. When every step of the current stage is done the project
moves on and its groups are told (handlers/lifecycle.py).

Callback data: lc:<project>:<step>:<t|u> (tick, undo); every press re-checks membership.
"""

from __future__ import annotations

from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Ctx
from bot.guide.stages import STAGE_OF_STEP, STAGES, STEP_BY_KEY, Owner, Stage, Step
from bot.i18n import Html, Translator, lines
from bot.reply import Button, Keyboard, Message, Reply, rows
from bot.rules.lifecycle import (
    Facts,
    applies,
    by_data,
    current_stage,
    done,
    finished,
    may_tick,
    schools_ticked,
    tick_item,
)
from handlers.buttons import Flow
from handlers.guards import for_member, is_lead, member_of, not_a_member, stale
from handlers.lifecycle import (
    UNDO_REFUSED,
    change_tick,
    facts_of,
    next_line,
    owner_text,
    settle,
    standing,
    tick_button,
    ticked_by_me,
)
from handlers.step import Actor, respond
from storage import teams
from storage.models import Membership, Project
from storage.teams import Member, ProjectType

LIFECYCLE = "lc"


def _status(
    actor: Actor,
    project: Project,
    me: Membership,
    facts: Facts,
    team: list[Member],
    *,
    mine: frozenset[str],
) -> tuple[Html, Keyboard]:
    t = actor.t
    n = current_stage(project.stage)
    overview = [t("<b>{title}</b>: stage {n} of 7", title=project.title, n=n)]
    for number, stage in enumerate(STAGES, 1):
        mark = "✅" if number < n or finished(project.stage, facts) else "▶️" if number == n else "▫️"
        overview.append(t("{mark} {n}. {item}", mark=mark, n=number, item=t(stage.title)))
    stage = STAGES[n - 1]
    steps = [t("<b>Stage {n}: {stage}</b>", n=n, stage=t(stage.title))]
    buttons: list[Button] = []
    for number, step in enumerate(stage.steps, 1):
        if not applies(step, facts):
            steps.append(
                t("➖ {n}. {step} <i>(not for a national project)</i>", n=number, step=t(step.text))
            )
            continue
        is_done = done(step, facts)
        owner = owner_text(t, step.owner, team)
        if step.owner == Owner.EACH_SCHOOL and not is_done:
            ticked, schools = len(schools_ticked(step, facts)), len(set(facts.school_of.values()))
            owner = t("{owner}: {n} of {total}", owner=owner, n=ticked, total=schools)
        values = {
            "mark": "✅" if is_done else "▫️",
            "n": number,
            "step": t(step.text),
            "owner": owner,
        }
        if by_data(step, facts):
            steps.append(t("{mark} {n}. {step} <i>({owner}; TwinCoach checked this)</i>", **values))
            continue
        steps.append(t("{mark} {n}. {step} <i>({owner})</i>", **values))
        item = tick_item(step, me.user_id)
        if item in mine or (is_done and is_lead(me) and item in facts.ticks):
            buttons.append(Button(f"✅ {number}", data=f"{LIFECYCLE}:{project.id}:{step.key}:u"))
        elif item not in facts.ticks and not is_done and may_tick(stage, step, lead=is_lead(me)):
            buttons.append(Button(f"▫️ {number}", data=f"{LIFECYCLE}:{project.id}:{step.key}:t"))
    parts = [lines(*overview), lines(*steps), next_line(t, project, facts, team)]
    if not actor.private:
        parts.append(t("Tick the steps in a private chat with me: /status."))
    elif buttons:
        parts.append(t("Tap a number to tick a step when it is done, or to undo a tick."))
    elif stage.leads_only and not finished(project.stage, facts):
        parts.append(t("The coordinator and the founders tick the registration steps."))
    return lines(*parts, blank=True), rows(buttons, 4) if actor.private else []


def status(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    """/status: the cycle, the current stage's steps, what is next and who owns it."""
    assert project.id is not None
    team = teams.members(session, project_id=project.id)
    facts = facts_of(session, project_id=project.id, team=team)
    was = standing(project, facts)
    # the plan or /risks may have finished a stage since anyone last looked
    told = settle(session, actor, project, facts, team, before=was)
    mine = ticked_by_me(session, project.id, me)
    text, buttons = _status(actor, project, me, facts, team, mine=mine)
    return Reply(messages=[Message(text, buttons), *told])


def _refused(
    t: Translator, stage: Stage, step: Step, me: Membership, *, undo: bool, mine: frozenset[str]
) -> str | None:
    """Why this teacher may not make this change, or None."""
    if undo:
        return None if is_lead(me) or tick_item(step, me.user_id) in mine else t(UNDO_REFUSED)
    if stage.leads_only and not is_lead(me):
        return t("Only the coordinator and the founders can tick the registration steps.")
    if step.check is not None and not is_lead(me):
        return t(
            "TwinCoach ticks this step itself when the team's data show it; the coordinator or a founder can also tick it by hand."
        )
    if not may_tick(stage, step, lead=is_lead(me)):
        return t("Only the coordinator and the founders can tick this step.")
    return None


def tick_step(session: Session, actor: Actor, project_id: int, key: str, undo: bool) -> Reply:
    """A number under /status: tick or undo one step of the current stage."""
    t = actor.t
    found = member_of(session, actor, project_id)
    if found is None:
        return not_a_member(actor)
    project, me = found
    step, stage = STEP_BY_KEY.get(key), STAGE_OF_STEP.get(key)
    if step is None or stage is None:
        return stale(session, actor)
    if stage is not STAGES[current_stage(project.stage) - 1]:
        return Reply(alert=t("This step belongs to another stage."))
    national = teams.project_type(teams.members(session, project_id=project_id))
    if step.international_only and national == ProjectType.NATIONAL:
        return Reply(alert=t("A national project gets no quality label or awards."))
    refused = _refused(t, stage, step, me, undo=undo, mine=ticked_by_me(session, project_id, me))
    if refused:
        return Reply(alert=refused)
    facts, team, told = change_tick(session, actor, project, tick_item(step, me.user_id), undo)
    text, buttons = _status(
        actor, project, me, facts, team, mine=ticked_by_me(session, project_id, me)
    )
    return Reply(messages=[Message(text, buttons, edit=True), *told])


async def on_status(update: Update, context: Ctx) -> None:
    """/status (group or private): the project cycle; privately with tick buttons."""
    await respond(update, context, for_member(status))


# lc:<project>:<step>:t|u, a number under /status: tick or undo a step.
FLOW = Flow(
    commands=(CommandHandler("status", on_status),), buttons=(tick_button(LIFECYCLE, tick_step),)
)
