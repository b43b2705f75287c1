"""The guide's project cycle ("Project cycle", the lifecycle the bot tracks): seven stages,
each a checklist of steps with who does it. /status shows them; a project moves to the next
stage when every step of its stage is done.

A step with a `check` is ticked by TwinCoach itself when the team's data show it (what
each check looks at is said next to it below; the rules are in bot/rules/lifecycle.py).
The step keys ("s1.idea") are stored in the database: never change one. The texts may be
reworded (docs/guide-content.md says how)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.i18n import N_


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


class Check(StrEnum):
    """What the team's data can show, so that TwinCoach ticks a step by itself."""

    PARTNER_JOINED = "partner_joined"  # at least two schools are in the team
    PLAN_GOAL = "goal"  # /plan: a pedagogical goal the guide's checks accept
    PLAN_PRODUCT = "product"  # /plan: the final product
    PLAN_COLLABORATION = "collab"  # /plan: real collaboration between schools
    PLAN_ACTIVITIES = "activity"  # /plan: the pupils' activities
    PLAN_TITLE = "title"  # /plan: the title
    COMMUNICATION_AGREED = "communication"  # /agreements: communication and reminders agreed
    SECOND_FOUNDER = "second_founder"  # /members: the second founder is chosen
    TWINSPACE_ANSWERED = "twinspace"  # /twinspace: every set-up question ticked
    NETIQUETTE_AGREED = "netiquette"  # /agreements: the netiquette agreed
    RISKS_REVIEWED = "risks"  # /risks: the team has a view on every risk


@dataclass(frozen=True)
class Step:
    key: str  # checklist key, "s<stage>.<name>"
    text: str  # msgid
    owner: Owner
    check: Check | None = None  # the data can answer it
    international_only: bool = False  # labels and awards: not for a national project


@dataclass(frozen=True)
class Stage:
    title: str  # msgid
    steps: tuple[Step, ...]
    leads_only: bool = False  # registration: only the coordinator and founders tick


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
                Check.PARTNER_JOINED,
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
                Check.PLAN_GOAL,
            ),
            Step(
                "s2.product",
                N_(
                    "The plan names the final product the pupils will make, with its steps (/plan)."
                ),
                Owner.EVERYONE,
                Check.PLAN_PRODUCT,
            ),
            Step(
                "s2.collab",
                N_(
                    "The plan has concrete collaboration between pupils of different schools (/plan)."
                ),
                Owner.EVERYONE,
                Check.PLAN_COLLABORATION,
            ),
            Step(
                "s2.activities",
                N_(
                    "The plan lists what the pupils will do, with the time each activity needs (/plan)."
                ),
                Owner.EVERYONE,
                Check.PLAN_ACTIVITIES,
            ),
            Step(
                "s2.title",
                N_("The project has a short, concrete title (/plan)."),
                Owner.EVERYONE,
                Check.PLAN_TITLE,
            ),
            Step(
                "s2.agreed",
                N_(
                    "The team has agreed how it communicates and who reminds about deadlines (/agreements)."
                ),
                Owner.COORDINATOR,
                Check.COMMUNICATION_AGREED,
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
                Check.SECOND_FOUNDER,
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
                Check.TWINSPACE_ANSWERED,
            ),
            Step(
                "s4.netiquette",
                N_("The netiquette is agreed (/agreements)."),
                Owner.EVERYONE,
                Check.NETIQUETTE_AGREED,
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
                Check.RISKS_REVIEWED,
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
