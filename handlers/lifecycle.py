"""What /status and /twinspace share: the team's facts read from the database, ticking a
checklist item, who may undo a tick, and moving the project on as far as the data allow,
telling its groups (and, at the end, every teacher). Other flows call `follow` after the
team's data changed (the plan, the founders, a risk, an agreement).

The stages are the guide's (bot/guide/stages.py); the rules are pure
(bot/rules/lifecycle.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from sqlmodel import Session

from bot.guide.stages import OWNER_LABELS, STAGES, Owner
from bot.i18n import N_, Html, Translator, lines
from bot.reply import Message, Reply
from bot.rules.lifecycle import Facts, advanced, current_stage, finished, next_step
from bot.rules.plan_checks import review
from handlers.buttons import ID, Route, one_of, route, word
from handlers.guards import is_lead
from handlers.step import Actor
from storage import answers, checklists, plan, teams
from storage import risks as risk_store
from storage.models import Membership, Project
from storage.teams import Member, ProjectType


def facts_of(session: Session, *, project_id: int, team: list[Member]) -> Facts:
    """Everything the steps are checked against, in a few queries."""
    return Facts(
        schools=teams.school_count(team),
        founders_chosen=teams.project_type(team) != ProjectType.UNDECIDED,
        national=teams.project_type(team) == ProjectType.NATIONAL,
        school_of=teams.schools_of(team),
        plan=review(plan.section_texts(session, project_id=project_id)).sound(),
        agreed=frozenset(answers.agreements(session, project_id=project_id)),
        risks_marked=frozenset(risk_store.marks(session, project_id=project_id)),
        ticks=frozenset(checklists.ticked(session, project_id=project_id)),
    )


def standing(project: Project, facts: Facts) -> tuple[int, bool]:
    """Where the project stands, to tell later whether it moved: (stage, finished)."""
    return current_stage(project.stage), finished(project.stage, facts)


def owner_text(t: Translator, owner: Owner, team: list[Member]) -> Html:
    """The owner's label with names where the team data know them ("the other founder"
    depends on who registers, so it gets none)."""
    if owner == Owner.COORDINATOR:
        lead = teams.coordinator(team)
        names = [lead.user.display_name] if lead and lead.user else []
    elif owner in (Owner.FOUNDERS, Owner.ONE_FOUNDER):
        names = [m.user.display_name for m in team if m.membership.founder and m.user]
    else:
        names = []
    label = t(OWNER_LABELS[owner])
    return t("{owner} — {names}", owner=label, names=", ".join(names)) if names else label


def next_line(t: Translator, project: Project, facts: Facts, team: list[Member]) -> Html:
    step = next_step(project.stage, facts)
    if step is None:
        return t("🎉 All seven stages are done. Congratulations to the whole team!")
    return t(
        "<b>Next:</b> {step}\n<b>Who:</b> {owner}",
        step=t(step.text),
        owner=owner_text(t, step.owner, team),
    )


def settle(
    session: Session,
    actor: Actor,
    project: Project,
    facts: Facts,
    team: list[Member],
    *,
    before: tuple[int, bool],
) -> list[Message]:
    """Advance as far as the data allow. When the stage (or the whole cycle) changed since
    `before` = (stage, finished), returns the posts that tell the project's groups."""
    assert project.id is not None
    project.stage = advanced(project.stage, facts)
    session.add(project)
    if (current_stage(project.stage), finished(project.stage, facts)) == before:
        return []
    n = current_stage(project.stage)
    posts = []
    for group in teams.group_chats(session, project_id=project.id):
        gt = Translator(group.language)
        if finished(project.stage, facts):
            text = gt(
                "🎉 <b>{title}</b> has completed all seven stages of the project cycle. Congratulations to the whole team!",
                title=project.title,
            )
        else:
            text = lines(
                gt(
                    "🎉 <b>{title}</b> has moved on to stage {n} of 7: {stage}.",
                    title=project.title,
                    n=n,
                    stage=gt(STAGES[n - 1].title),
                ),
                next_line(gt, project, facts, team),
            )
        posts.append(Message(text, chat_id=group.chat_id))
    return posts + _end_of_project_notes(actor, project, team, before[0])


def follow(session: Session, actor: Actor, project: Project) -> list[Message]:
    """After the team's data changed (the plan, the founders, a risk): move on as far as
    the data allow now, not when someone next opens /status; the groups hear of it."""
    assert project.id is not None
    team = teams.members(session, project_id=project.id)
    facts = facts_of(session, project_id=project.id, team=team)
    return settle(session, actor, project, facts, team, before=standing(project, facts))


EVALUATION, LABELS = 6, 7
END_NOTES = {
    EVALUATION: N_(
        "📋 <b>{title}</b> has reached its evaluation. Ask your pupils (and their parents) what they learnt and "
        "how the work went, draw conclusions together with the partners, and share the results beyond the team."
    ),
    LABELS: N_(
        "🏅 <b>{title}</b> is finished: now each teacher applies for the National Quality Label individually "
        "on the eTwinning platform (at most four labels per school year). /quality shows how your project scores first."
    ),
}
# The guide: a national project gets no quality label and no awards.
NATIONAL_END = N_(
    "🏁 <b>{title}</b> is finished. A national project gets no quality label or awards, so "
    "there is nothing to apply for: share what your pupils made, and for a label, start an "
    "international project next time."
)


def _end_of_project_notes(
    actor: Actor, project: Project, team: list[Member], stage_before: int
) -> list[Message]:
    """When the project reaches evaluation or the labels, every teacher hears privately."""
    reached = [n for n in END_NOTES if stage_before < n <= current_stage(project.stage)]
    national = teams.project_type(team) == ProjectType.NATIONAL
    notes = [NATIONAL_END if n == LABELS and national else END_NOTES[n] for n in reached]
    return [
        Message(actor.translator_for(m.user)(note, title=project.title), chat_id=m.user.id)
        for note in notes
        for m in team
        if m.user is not None
    ]


def change_tick(
    session: Session, actor: Actor, project: Project, key: str, undo: bool
) -> tuple[Facts, list[Member], list[Message]]:
    """Tick or undo one checklist item, then settle the stage (a TwinSpace tick can finish
    stage 4). Returns the new facts, the team and the posts for the groups."""
    assert project.id is not None
    team = teams.members(session, project_id=project.id)
    facts = facts_of(session, project_id=project.id, team=team)
    was = standing(project, facts)
    if undo:
        checklists.untick(session, project_id=project.id, item=key)
        facts = replace(facts, ticks=facts.ticks - {key})
    else:
        checklists.tick(session, project_id=project.id, item=key, by=actor.user.id, now=actor.now)
        facts = replace(facts, ticks=facts.ticks | {key})
    return facts, team, settle(session, actor, project, facts, team, before=was)


def ticked_by_me(session: Session, project_id: int, me: Membership) -> frozenset[str]:
    """The items this teacher ticked: the one undo rule, for /status and /twinspace, is
    that whoever ticked an item, or the coordinator or a founder, may undo it."""
    assert me.user_id is not None
    return frozenset(checklists.ticked(session, project_id=project_id, by=me.user_id))


def undoable(session: Session, project_id: int, me: Membership) -> frozenset[str]:
    """The ticked items this teacher may undo."""
    if is_lead(me):
        return frozenset(checklists.ticked(session, project_id=project_id))
    return ticked_by_me(session, project_id, me)


UNDO_REFUSED = N_(
    "Only the teacher who ticked it, the coordinator and the founders can undo a tick."
)


def tick_button(prefix: str, step: Callable[[Session, Actor, int, str, bool], Reply]) -> Route:
    """<prefix>:<project>:<step or item>:t|u, a number to tick (t) or undo (u), as /status
    and /twinspace show them; `step` gets the project, the key and whether to undo."""
    return route(
        prefix,
        (ID, word(48, also="."), one_of("t", "u")),
        lambda s, a, project_id, key, action: step(s, a, project_id, key, action == "u"),
        actions=("t", "u"),
    )
