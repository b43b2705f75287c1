"""/status: the guide's seven-stage project cycle as checklists, and /twinspace: the
TwinSpace set-up questions and the twelve common mistakes.

Steps are data. Some are answered by the team's data (the second founder, the plan,
the agreements, /twinspace, /risks) and tick themselves; the others are ticked with
buttons in a private chat. Only the coordinator and the founders tick registration
steps, tick data-checked steps by hand, or undo a tick. When every step of the current
stage is done the project moves on and its groups are told.

Callback data: lc:<project>:<step>:<t|u> (tick, undo), ts:<project>:<part> (open a
part of /twinspace), ts:<project>:<item>:<t|u>; every press re-checks membership.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from sqlmodel import Session
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import Ctx
from bot.i18n import N_, Html, Translator, lines
from bot.plan_checks import review
from bot.reply import Button, Keyboard, Message, Reply, rows
from handlers.common import Actor, for_member, is_lead, member_of, respond, stale
from handlers.forms import Form
from handlers.risk_list import RISKS
from storage import answers, checklists, plan, teams
from storage import risks as risk_store
from storage.models import Membership, Project
from storage.teams import Member, ProjectType

LIFECYCLE = "lc"
TWINSPACE = "ts"
TICK_CALLBACK = re.compile(r"^(lc|ts):(\d{1,12}):([\w.]{1,48}):([tu])$")
PART_CALLBACK = re.compile(r"^ts:(\d{1,12}):(\w{1,16})$")
MENU = "menu"


# --- /twinspace: data -----------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One screen of /twinspace: questions to agree on, or mistakes to avoid."""

    key: str
    title: str  # msgid
    hint: str  # msgid: what a tick means here
    items: tuple[tuple[str, str], ...]  # (checklist key, msgid)
    notes: tuple[str, ...] = ()  # msgids: the guide's facts for this part


AGREED = N_("Tap a number when the team has agreed on an answer; tap it again to undo.")
# The guide: TwinSpace is the team's workspace; it is assessed only with an application.
NSS_LOOKS = N_(
    "The National Support Service looks at your TwinSpace only when you apply for the National Quality Label and awards; until then it is simply your team's shared workspace."
)
PARTS = (
    Part(
        "pages",
        N_("Pages"),
        AGREED,
        (
            ("ts.public", N_("Are all pages for members only, or will some be public?")),
            (
                "ts.layout",
                N_(
                    "How are the pages organised: roughly how many, with sub-pages, and how much do pupils build them?"
                ),
            ),
            ("ts.tools", N_("Which ICT tools outside TwinSpace will you use, and what for?")),
            ("ts.style", N_("Have you agreed on the font, its size and the colours?")),
            ("ts.polls", N_("Will you use the polls and other TwinSpace features, and what for?")),
        ),
    ),
    Part(
        "materials",
        N_("Materials"),
        AGREED,
        (
            ("ts.folders", N_("How are the material folders organised?")),
            ("ts.copyright", N_("How do you make sure copyright is respected?")),
        ),
    ),
    Part(
        "roles",
        N_("Roles and responsibilities"),
        AGREED,
        (
            (
                "ts.guests",
                N_(
                    "Will you add pupils, parents or guests? How many, with which rights and duties?"
                ),
            ),
            (
                "ts.upkeep",
                N_(
                    "Who sets up and updates TwinSpace, who does what, and how do you remind each other of deadlines?"
                ),
            ),
            ("ts.netiquette", N_("Will you have your own netiquette, and how will you make it?")),
            (
                "ts.permissions",
                N_("How will you get permissions to use pupils' photos and videos?"),
            ),
            ("ts.contact", N_("How, and how often, will the teachers communicate?")),
        ),
        notes=(
            N_(
                "Pupils do not register themselves: a teacher adds them in TwinSpace with a name and a password."
            ),
            N_(
                "Pupils edit only the pages they are given access to. You can make some pupils administrators and let only them edit pages."
            ),
        ),
    ),
    Part(
        "other",
        N_("Other sections"),
        AGREED,
        (
            ("ts.board", N_("Will you use the teachers' bulletin board, and what for?")),
            ("ts.news", N_("Will you use the project news on the home page, and what for?")),
            ("ts.forum", N_("Will you use the forum, and what for?")),
            (
                "ts.video",
                N_("Will you use the built-in video meeting tool? How often, and what for?"),
            ),
        ),
    ),
    Part(
        "mistakes",
        N_("Twelve common mistakes"),
        N_("Tap a number when your team has a way to avoid that mistake; tap it again to undo."),
        (
            (
                "tm.chaos",
                N_("Nobody agreed how TwinSpace is arranged, so things end up all over the place."),
            ),
            (
                "tm.intro",
                N_(
                    "Partners were never shown around TwinSpace and the tools, so some cannot do their tasks."
                ),
            ),
            ("tm.rules", N_("Rules for TwinSpace were agreed but are not followed.")),
            (
                "tm.everyone",
                N_(
                    "Everyone does everything: no split of responsibilities, so schools work side by side instead of together."
                ),
            ),
            (
                "tm.no_plan",
                N_("There is no plan with clear deadlines and owners that everyone can see."),
            ),
            ("tm.busy", N_("TwinSpace is busy and colourful: hard to follow and slow to build.")),
            ("tm.pupils", N_("The pupils' role in TwinSpace is unclear.")),
            (
                "tm.side",
                N_(
                    "Side activities (postcards, cooking, a logo nobody uses) push out the goal and a real final product; the “final product” is often just every activity collected in an e-book or a video."
                ),
            ),
            (
                "tm.teachers",
                N_("Teachers do the work instead of letting pupils use TwinSpace and the tools."),
            ),
            (
                "tm.by_school",
                N_("Folders and pages are split by school, so schools work in parallel."),
            ),
            ("tm.tools", N_("ICT tools are chosen without a clear purpose.")),
            (
                "tm.copies",
                N_(
                    "Several near-identical final products are made from the same pupils' work: a blog, an e-book, an exhibition and a video that all show the same thing."
                ),
            ),
        ),
    ),
)
PART_BY_KEY = {part.key: part for part in PARTS}
PART_OF_ITEM = {key: part for part in PARTS for key, _text in part.items}
QUESTIONS = frozenset(key for part in PARTS if part.key != "mistakes" for key, _text in part.items)


# --- /status: data --------------------------------------------------------------------


class Owner(StrEnum):
    """Who does a step (shown with names where the team data know them)."""

    COORDINATOR = "coordinator"
    FOUNDERS = "founders"
    ONE_FOUNDER = "one_founder"
    OTHER_FOUNDER = "other_founder"
    NSS = "nss"
    EVERYONE = "everyone"
    EACH_SCHOOL = "each_school"  # done when every school ticked it, each for itself


OWNER_LABELS = {
    Owner.COORDINATOR: N_("the coordinator"),
    Owner.FOUNDERS: N_("the founders"),
    Owner.ONE_FOUNDER: N_("one of the founders"),
    Owner.OTHER_FOUNDER: N_("the other founder"),
    Owner.NSS: N_("the National Support Service; a founder ticks it"),
    Owner.EVERYONE: N_("every member"),
    Owner.EACH_SCHOOL: N_("each school ticks its own"),
}


@dataclass(frozen=True)
class Facts:
    """What the team's data say, read once per update."""

    schools: int
    founders_chosen: bool
    national: bool  # both founders in one country: no label, no awards
    school_of: Mapping[int, str]  # each teacher's school (user id → school key)
    plan: frozenset[str]  # plan sections the guide's checks accept (bot/plan_checks.py)
    agreed: frozenset[str]  # agreement topics marked agreed
    risks_marked: frozenset[str]  # risks the team has a view on
    ticks: frozenset[str]


@dataclass(frozen=True)
class Step:
    key: str  # checklist key, "s<stage>.<name>"
    text: str  # msgid
    owner: Owner
    check: Callable[[Facts], bool] | None = None  # the data can answer it
    international_only: bool = False  # labels and awards: not for a national project

    def applies(self, facts: Facts) -> bool:
        return not (self.international_only and facts.national)

    def by_data(self, facts: Facts) -> bool:
        return self.check is not None and self.check(facts)

    def done(self, facts: Facts) -> bool:
        if self.owner == Owner.EACH_SCHOOL and self.key not in facts.ticks:
            schools = set(facts.school_of.values())
            return bool(schools) and self.schools_ticked(facts) >= schools
        return self.by_data(facts) or self.key in facts.ticks

    def schools_ticked(self, facts: Facts) -> set[str]:
        """The schools one of whose teachers ticked this step (`<key>@<user id>`)."""
        ticked = (item.removeprefix(f"{self.key}@") for item in facts.ticks)
        return {
            facts.school_of[int(u)] for u in ticked if u.isdigit() and int(u) in facts.school_of
        }

    def item(self, me: Membership) -> str:
        """The checklist item a teacher's tick is stored as: per teacher on a step each
        school ticks for itself."""
        return f"{self.key}@{me.user_id}" if self.owner == Owner.EACH_SCHOOL else self.key


@dataclass(frozen=True)
class Stage:
    title: str  # msgid
    steps: tuple[Step, ...]
    leads_only: bool = False  # registration: only the coordinator and founders tick

    def complete(self, facts: Facts) -> bool:
        return all(step.done(facts) for step in self.steps if step.applies(facts))


def _planned(section: str) -> Callable[[Facts], bool]:
    return lambda facts: section in facts.plan


STAGES = (
    Stage(
        N_("Idea and partners"),
        (
            Step(
                "s1.idea",
                N_("The idea and the topic are written down, with room for the pupils' ideas."),
                Owner.COORDINATOR,
            ),
            Step(
                "s1.partners",
                N_("At least one partner school has joined (three or more schools are safer)."),
                Owner.COORDINATOR,
                lambda f: f.schools >= 2,
            ),
            Step(
                "s1.icebreak",
                N_("The teachers have got to know each other, for example in an online meeting."),
                Owner.EVERYONE,
            ),
            Step(
                "s1.at_home",
                N_(
                    "Each teacher has settled things at their own school: the principal's consent, colleagues."
                ),
                Owner.EACH_SCHOOL,
            ),
        ),
    ),
    Stage(
        N_("The plan, made together"),
        (
            Step(
                "s2.goal",
                N_("The plan has a pedagogical goal: specific and measurable (/plan)."),
                Owner.EVERYONE,
                _planned("goal"),
            ),
            Step(
                "s2.product",
                N_(
                    "The plan names the final product the pupils will make, with its steps (/plan)."
                ),
                Owner.EVERYONE,
                _planned("product"),
            ),
            Step(
                "s2.collab",
                N_(
                    "The plan has concrete collaboration between pupils of different schools (/plan)."
                ),
                Owner.EVERYONE,
                _planned("collab"),
            ),
            Step(
                "s2.activities",
                N_(
                    "The plan lists what the pupils will do, with the time each activity needs (/plan)."
                ),
                Owner.EVERYONE,
                _planned("activity"),
            ),
            Step(
                "s2.title",
                N_("The project has a short, concrete title (/plan)."),
                Owner.EVERYONE,
                _planned("title"),
            ),
            Step(
                "s2.agreed",
                N_(
                    "The team has agreed how it communicates and who reminds about deadlines (/agreements)."
                ),
                Owner.COORDINATOR,
                lambda f: {"communication", "reminders"}.issubset(f.agreed),
            ),
        ),
    ),
    Stage(
        N_("Registration on the platform"),
        (
            Step(
                "s3.founder2",
                N_("The second founder is chosen (/members)."),
                Owner.COORDINATOR,
                lambda f: f.founders_chosen,
            ),
            Step(
                "s3.ready",
                N_(
                    "Every teacher is registered on the platform, in each other's contacts and marked “ready for eTwinning projects”."
                ),
                Owner.EVERYONE,
            ),
            Step(
                "s3.registered",
                N_(
                    "One founder registered the project with the texts the team agreed (/registration)."
                ),
                Owner.ONE_FOUNDER,
            ),
            Step(
                "s3.confirmed", N_("The other founder confirmed the project."), Owner.OTHER_FOUNDER
            ),
            Step(
                "s3.approved",
                N_(
                    "The National Support Service approved the project: for a national one within a few working days; an international one needs both countries' services, which takes longer."
                ),
                Owner.NSS,
            ),
            Step(
                "s3.invited",
                N_("The founders added the other partners to the project."),
                Owner.FOUNDERS,
            ),
        ),
        leads_only=True,
    ),
    Stage(
        N_("TwinSpace, netiquette and permissions"),
        (
            Step(
                "s4.twinspace",
                N_("The TwinSpace set-up questions are answered (/twinspace)."),
                Owner.FOUNDERS,
                lambda f: QUESTIONS.issubset(f.ticks),
            ),
            Step(
                "s4.netiquette",
                N_("The netiquette is agreed (/agreements)."),
                Owner.EVERYONE,
                lambda f: "netiquette" in f.agreed,
            ),
            Step(
                "s4.permissions",
                N_(
                    "Parents' permissions for pupils' photos and videos are collected at every school."
                ),
                Owner.EACH_SCHOOL,
            ),
            Step(
                "s4.pupils",
                N_("The teachers have added their pupils to TwinSpace."),
                Owner.EACH_SCHOOL,
            ),
            Step(
                "s4.risks",
                N_("The team has gone through the eleven risks (/risks)."),
                Owner.EVERYONE,
                lambda f: f.risks_marked.issuperset(risk.key for risk in RISKS),
            ),
        ),
    ),
    Stage(
        N_("Running the project"),
        (
            Step(
                "s5.visible",
                N_("The plan with its deadlines and owners is where everyone can see it."),
                Owner.COORDINATOR,
            ),
            Step(
                "s5.meetings",
                N_("The team meets regularly, reviews the work and changes the plan where needed."),
                Owner.COORDINATOR,
            ),
            Step("s5.pupils", N_("The pupils do the work; the teachers advise."), Owner.EVERYONE),
            Step(
                "s5.product",
                N_("Pupils from all schools have finished the final product together."),
                Owner.EVERYONE,
            ),
        ),
    ),
    Stage(
        N_("Evaluation and sharing"),
        (
            Step(
                "s6.pupils",
                N_("The pupils evaluated the project and their learning."),
                Owner.EACH_SCHOOL,
            ),
            Step(
                "s6.others",
                N_("The teachers and the parents evaluated the project."),
                Owner.EVERYONE,
            ),
            Step(
                "s6.conclusions",
                N_("The team drew conclusions from the evaluation."),
                Owner.COORDINATOR,
            ),
            Step(
                "s6.shared",
                N_(
                    "The results are shared beyond the project: at school, with parents, in the community."
                ),
                Owner.EACH_SCHOOL,
            ),
        ),
    ),
    Stage(
        N_("Quality label and awards"),
        (
            Step(
                "s7.label",
                N_(
                    "Each teacher who wants it has applied for the National Quality Label (/quality)."
                ),
                Owner.EVERYONE,
                international_only=True,
            ),
            Step(
                "s7.awards",
                N_("The team has looked at the awards and contests it could enter."),
                Owner.COORDINATOR,
                international_only=True,
            ),
        ),
    ),
)
STAGE_OF_STEP = {step.key: stage for stage in STAGES for step in stage.steps}
STEP_BY_KEY = {step.key: step for stage in STAGES for step in stage.steps}


# --- /status: logic -------------------------------------------------------------------


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


def current_stage(project: Project) -> int:
    """The stage number, 1..7 (whatever the column holds)."""
    return min(max(project.stage, 1), len(STAGES))


def finished(project: Project, facts: Facts) -> bool:
    """Every step of the last stage is done: the whole cycle is behind the team."""
    return current_stage(project) == len(STAGES) and STAGES[-1].complete(facts)


def advance(project: Project, facts: Facts) -> None:
    """Move on past every complete stage (the data may have finished several)."""
    stage = current_stage(project)
    while stage < len(STAGES) and STAGES[stage - 1].complete(facts):
        stage += 1
    project.stage = stage


def next_step(project: Project, facts: Facts) -> Step | None:
    steps = STAGES[current_stage(project) - 1].steps
    return next((s for s in steps if s.applies(facts) and not s.done(facts)), None)


def _owner_text(t: Translator, owner: Owner, team: list[Member]) -> Html:
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


def _next_line(t: Translator, project: Project, facts: Facts, team: list[Member]) -> Html:
    step = next_step(project, facts)
    if step is None:
        return t("🎉 All seven stages are done. Congratulations to the whole team!")
    return t(
        "<b>Next:</b> {step}\n<b>Who:</b> {owner}",
        step=t(step.text),
        owner=_owner_text(t, step.owner, team),
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
    advance(project, facts)
    session.add(project)
    if (current_stage(project), finished(project, facts)) == before:
        return []
    n = current_stage(project)
    posts = []
    for group in teams.group_chats(session, project_id=project.id):
        gt = Translator(group.language)
        if finished(project, facts):
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
                _next_line(gt, project, facts, team),
            )
        posts.append(Message(text, chat_id=group.chat_id))
    return posts + _end_of_project_notes(actor, project, team, before[0])


def follow(session: Session, actor: Actor, project: Project) -> list[Message]:
    """After the team's data changed (the plan, the founders, a risk): move on as far as
    the data allow now, not when someone next opens /status; the groups hear of it."""
    assert project.id is not None
    team = teams.members(session, project_id=project.id)
    facts = facts_of(session, project_id=project.id, team=team)
    before = (current_stage(project), finished(project, facts))
    return settle(session, actor, project, facts, team, before=before)


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
    reached = [n for n in END_NOTES if stage_before < n <= current_stage(project)]
    national = teams.project_type(team) == ProjectType.NATIONAL
    notes = [NATIONAL_END if n == LABELS and national else END_NOTES[n] for n in reached]
    return [
        Message(actor.translator_for(m.user)(note, title=project.title), chat_id=m.user.id)
        for note in notes
        for m in team
        if m.user is not None
    ]


def _change_tick(
    session: Session, actor: Actor, project: Project, key: str, undo: bool
) -> tuple[Facts, list[Member], list[Message]]:
    """Tick or undo one checklist item, then settle the stage (a TwinSpace tick can finish
    stage 4). Returns the new facts, the team and the posts for the groups."""
    assert project.id is not None
    team = teams.members(session, project_id=project.id)
    facts = facts_of(session, project_id=project.id, team=team)
    before = (current_stage(project), finished(project, facts))
    if undo:
        checklists.untick(session, project_id=project.id, item=key)
        facts = replace(facts, ticks=facts.ticks - {key})
    else:
        checklists.tick(session, project_id=project.id, item=key, by=actor.user.id, now=actor.now)
        facts = replace(facts, ticks=facts.ticks | {key})
    return facts, team, settle(session, actor, project, facts, team, before=before)


def _may_tick(stage: Stage, step: Step, me: Membership) -> bool:
    """Steps every member owns are ticked by anyone; registration steps, steps the data
    answer and steps owned by the coordinator or the founders only by those."""
    shared = step.owner in (Owner.EVERYONE, Owner.EACH_SCHOOL)
    return (shared and not stage.leads_only and step.check is None) or is_lead(me)


def _mine(session: Session, project_id: int, me: Membership) -> frozenset[str]:
    """The items this teacher ticked: the one undo rule, for /status and /twinspace, is
    that whoever ticked an item, or the coordinator or a founder, may undo it."""
    assert me.user_id is not None
    return frozenset(checklists.ticked(session, project_id=project_id, by=me.user_id))


def _undoable(session: Session, project_id: int, me: Membership) -> frozenset[str]:
    """The ticked items this teacher may undo."""
    if is_lead(me):
        return frozenset(checklists.ticked(session, project_id=project_id))
    return _mine(session, project_id, me)


UNDO_REFUSED = N_(
    "Only the teacher who ticked it, the coordinator and the founders can undo a tick."
)


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
    n = current_stage(project)
    overview = [t("<b>{title}</b>: stage {n} of 7", title=project.title, n=n)]
    for number, stage in enumerate(STAGES, 1):
        mark = "✅" if number < n or finished(project, facts) else "▶️" if number == n else "▫️"
        overview.append(t("{mark} {n}. {item}", mark=mark, n=number, item=t(stage.title)))
    stage = STAGES[n - 1]
    steps = [t("<b>Stage {n}: {stage}</b>", n=n, stage=t(stage.title))]
    buttons: list[Button] = []
    for number, step in enumerate(stage.steps, 1):
        if not step.applies(facts):
            steps.append(
                t("➖ {n}. {step} <i>(not for a national project)</i>", n=number, step=t(step.text))
            )
            continue
        done = step.done(facts)
        owner = _owner_text(t, step.owner, team)
        if step.owner == Owner.EACH_SCHOOL and not done:
            ticked, schools = len(step.schools_ticked(facts)), len(set(facts.school_of.values()))
            owner = t("{owner}: {n} of {total}", owner=owner, n=ticked, total=schools)
        values = {"mark": "✅" if done else "▫️", "n": number, "step": t(step.text), "owner": owner}
        if step.by_data(facts):
            steps.append(t("{mark} {n}. {step} <i>({owner}; TwinCoach checked this)</i>", **values))
            continue
        steps.append(t("{mark} {n}. {step} <i>({owner})</i>", **values))
        item = step.item(me)
        if item in mine or (done and is_lead(me) and item in facts.ticks):
            buttons.append(Button(f"✅ {number}", data=f"{LIFECYCLE}:{project.id}:{step.key}:u"))
        elif item not in facts.ticks and not done and _may_tick(stage, step, me):
            buttons.append(Button(f"▫️ {number}", data=f"{LIFECYCLE}:{project.id}:{step.key}:t"))
    parts = [lines(*overview), lines(*steps), _next_line(t, project, facts, team)]
    if not actor.private:
        parts.append(t("Tick the steps in a private chat with me: /status."))
    elif buttons:
        parts.append(t("Tap a number to tick a step when it is done, or to undo a tick."))
    elif stage.leads_only and not finished(project, facts):
        parts.append(t("The coordinator and the founders tick the registration steps."))
    return lines(*parts, blank=True), rows(buttons, 4) if actor.private else []


def status(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    """/status: the cycle, the current stage's steps, what is next and who owns it."""
    assert project.id is not None
    team = teams.members(session, project_id=project.id)
    facts = facts_of(session, project_id=project.id, team=team)
    before = (current_stage(project), finished(project, facts))
    told = settle(
        session, actor, project, facts, team, before=before
    )  # the plan or /risks may finish a stage
    text, buttons = _status(actor, project, me, facts, team, mine=_mine(session, project.id, me))
    return Reply(messages=[Message(text, buttons), *told])


def _refused(
    t: Translator, stage: Stage, step: Step, me: Membership, *, undo: bool, mine: frozenset[str]
) -> str | None:
    """Why this teacher may not make this change, or None."""
    if undo:
        return None if is_lead(me) or step.item(me) in mine else t(UNDO_REFUSED)
    if stage.leads_only and not is_lead(me):
        return t("Only the coordinator and the founders can tick the registration steps.")
    if step.check is not None and not is_lead(me):
        return t(
            "TwinCoach ticks this step itself when the team's data show it; the coordinator or a founder can also tick it by hand."
        )
    if not _may_tick(stage, step, me):
        return t("Only the coordinator and the founders can tick this step.")
    return None


def tick_step(session: Session, actor: Actor, project_id: int, key: str, undo: bool) -> Reply:
    """A number under /status: tick or undo one step of the current stage."""
    t = actor.t
    found = member_of(session, actor, project_id)
    if found is None:
        return Reply(alert=t("You are not a member of that project."))
    project, me = found
    step, stage = STEP_BY_KEY.get(key), STAGE_OF_STEP.get(key)
    if step is None or stage is None:
        return Reply(alert=t("This button is no longer active."))
    if stage is not STAGES[current_stage(project) - 1]:
        return Reply(alert=t("This step belongs to another stage."))
    national = teams.project_type(teams.members(session, project_id=project_id))
    if step.international_only and national == ProjectType.NATIONAL:
        return Reply(alert=t("A national project gets no quality label or awards."))
    refused = _refused(t, stage, step, me, undo=undo, mine=_mine(session, project_id, me))
    if refused:
        return Reply(alert=refused)
    facts, team, told = _change_tick(session, actor, project, step.item(me), undo)
    text, buttons = _status(actor, project, me, facts, team, mine=_mine(session, project_id, me))
    return Reply(messages=[Message(text, buttons, edit=True), *told])


# --- /twinspace -----------------------------------------------------------------------


def _menu(t: Translator, project: Project, ticks: frozenset[str]) -> tuple[Html, Keyboard]:
    counts = []
    for part in PARTS:
        done = sum(key in ticks for key, _text in part.items)
        mark = "✅" if done == len(part.items) else "▫️"
        counts.append(
            t(
                "{mark} {part}: {done} of {total}",
                mark=mark,
                part=t(part.title),
                done=done,
                total=len(part.items),
            )
        )
    text = lines(
        t("<b>TwinSpace set-up: {title}</b>", title=project.title),
        t(
            "Talk these questions through as a team before you build TwinSpace, and keep the twelve common mistakes in mind. Tap a part to open it."
        ),
        Html(f"<i>{t(NSS_LOOKS)}</i>"),
        Html(""),
        *counts,
    )
    buttons = [Button(t(p.title), data=f"{TWINSPACE}:{project.id}:{p.key}") for p in PARTS]
    return text, rows(buttons, 2)


def _part(
    t: Translator, project: Project, part: Part, ticks: frozenset[str], may_undo: frozenset[str]
) -> tuple[Html, Keyboard]:
    items = []
    buttons = []
    for number, (key, text) in enumerate(part.items, 1):
        done = key in ticks
        mark = "✅" if done else "▫️"
        items.append(t("{mark} {n}. {item}", mark=mark, n=number, item=t(text)))
        if done and key not in may_undo:
            continue
        action = "u" if done else "t"
        buttons.append(Button(f"{mark} {number}", data=f"{TWINSPACE}:{project.id}:{key}:{action}"))
    notes = [Html(f"<i>{t(note)}</i>") for note in part.notes]
    text = lines(
        t("<b>{part}</b> · {title}", part=t(part.title), title=project.title),
        *items,
        *notes,
        t(part.hint),
    )
    keyboard = rows(buttons, 4)
    keyboard.append([Button(t("« Back"), data=f"{TWINSPACE}:{project.id}:{MENU}")])
    return text, keyboard


def twinspace(session: Session, actor: Actor, project: Project, _me: Membership) -> Reply:
    """/twinspace: how far the team is with each part."""
    assert project.id is not None
    ticks = frozenset(checklists.ticked(session, project_id=project.id))
    return Reply().say(*_menu(actor.t, project, ticks))


def open_part(session: Session, actor: Actor, project_id: int, key: str) -> Reply:
    """A part button (or « Back) under /twinspace."""
    t = actor.t
    found = member_of(session, actor, project_id)
    if found is None:
        return Reply(alert=t("You are not a member of that project."))
    part = PART_BY_KEY.get(key)
    if part is None and key != MENU:
        return Reply(alert=t("This button is no longer active."))
    ticks = frozenset(checklists.ticked(session, project_id=project_id))
    if part is None:
        return Reply().edit(*_menu(t, found[0], ticks))
    return Reply().edit(*_part(t, found[0], part, ticks, _undoable(session, project_id, found[1])))


def tick_item(session: Session, actor: Actor, project_id: int, key: str, undo: bool) -> Reply:
    """A number under a /twinspace part: any member ticks it; whoever ticked it, or a
    lead, undoes it."""
    t = actor.t
    found = member_of(session, actor, project_id)
    if found is None:
        return Reply(alert=t("You are not a member of that project."))
    part = PART_OF_ITEM.get(key)
    if part is None:
        return Reply(alert=t("This button is no longer active."))
    if undo and key not in _undoable(session, project_id, found[1]):
        return Reply(alert=t(UNDO_REFUSED))
    facts, _team, told = _change_tick(session, actor, found[0], key, undo)
    text, buttons = _part(t, found[0], part, facts.ticks, _undoable(session, project_id, found[1]))
    return Reply(messages=[Message(text, buttons, edit=True), *told])


# --- Telegram -------------------------------------------------------------------------


async def on_status(update: Update, context: Ctx) -> None:
    """/status (group or private): the project cycle; privately with tick buttons."""
    await respond(update, context, for_member(status))


async def on_twinspace(update: Update, context: Ctx) -> None:
    """/twinspace (private): the set-up questions and the common mistakes."""
    await respond(update, context, for_member(twinspace, private_only=True))


async def on_press(update: Update, context: Ctx) -> None:
    """A button under /status or /twinspace: tick, undo, or open a /twinspace part."""
    assert update.callback_query is not None
    data = update.callback_query.data or ""
    if ticked := TICK_CALLBACK.match(data):
        kind, project_id, key, action = ticked.groups()
        change = tick_step if kind == LIFECYCLE else tick_item
        await respond(
            update, context, lambda s, a: change(s, a, int(project_id), key, action == "u")
        )
    elif opened := PART_CALLBACK.match(data):
        project_id, key = opened.groups()
        await respond(update, context, lambda s, a: open_part(s, a, int(project_id), key))
    else:
        await respond(update, context, stale)


FORMS: list[Form] = []


def entry_points() -> list[BaseHandler]:
    """No dialogs here: every step is a button."""
    return []


def handlers() -> list[BaseHandler]:
    return [
        CommandHandler("status", on_status),
        CommandHandler("twinspace", on_twinspace),
        CallbackQueryHandler(on_press, pattern=f"^({LIFECYCLE}|{TWINSPACE}):"),
    ]
