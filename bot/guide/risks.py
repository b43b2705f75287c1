"""The guide's "Eleven risks and what to do": each risk with its advice, one short point
each, in the guide's order. /risks shows them; /status asks that the team looked at every
one. The keys ("partner_gone") are stored in the database (16 characters at most): never
change one. Titles and advice may be reworded (docs/guide-content.md says how)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_


@dataclass(frozen=True)
class Risk:
    key: str  # stored in risk_mark.risk (16 characters at most)
    title: str  # msgid
    advice: tuple[str, ...]  # msgids: what the guide advises, one short point each


RISKS = (
    Risk(
        "partner_gone",
        N_("A partner disappears"),
        (
            N_("Make a flexible plan that a smaller team could still finish."),
            N_("Work with at least three partners, so that two are left if one drops out."),
            N_("Meet regularly to review the work and adjust the plan."),
            N_("Get to know and support each other, so nobody struggles alone at their school."),
        ),
    ),
    Risk(
        "deals_ignored",
        N_("A partner does not keep to the agreements"),
        (
            N_("Say things concretely, without generalisations."),
            N_(
                "Make sure everyone knows where the plan, the deadlines, help and the owners are: in a shared tool or in TwinSpace."
            ),
            N_("Give someone the deadline-reminder role, or take it yourself."),
            N_(
                "Vary how you decide: a compromise is not the only way; you can, for example, take every teacher's ideas into the plan."
            ),
            N_("Give feedback gently: cultures and experience differ."),
            N_("If you must part with a partner, make sure the whole team knows and agrees."),
        ),
    ),
    Risk(
        "overload",
        N_("Too much planned, too intensely"),
        (
            N_(
                "Before planning, mark public holidays, pupils' school breaks and special school days on a calendar."
            ),
            N_("Plan twice the time an activity would take with your own class alone."),
            N_("Shorten or change the plan mid-way without fear."),
        ),
    ),
    Risk(
        "platform",
        N_("Problems with the platform"),
        (
            N_(
                "Read the National Support Service's support materials and explore the platform together."
            ),
            N_("Use the help section in TwinSpace."),
            N_("Ask the National Support Service or an eTwinning ambassador."),
        ),
    ),
    Risk(
        "ict_tools",
        N_("Problems with ICT tools"),
        (
            N_(
                "Let the most experienced partners coach the others rather than do the work for them."
            ),
            N_("Ask a colleague who knows the tools to help at key moments, such as video calls."),
            N_("Online teachers' groups and video tutorials help too."),
            N_(
                "Use at most two new ICT tools in one project, especially if TwinSpace is new to many partners: each tool takes time to learn."
            ),
        ),
    ),
    Risk(
        "equipment",
        N_("Partners lack the equipment"),
        (
            N_("Plan together from the start, with a column for what each activity needs."),
            N_("Ask your school's management early."),
            N_("Keep a backup plan."),
        ),
    ),
    Risk(
        "video_calls",
        N_("Video calls go wrong"),
        (
            N_("Test beforehand with the same devices and rooms."),
            N_("Tell the management; ask the IT teacher or an able pupil to help."),
            N_("Keep a backup plan."),
            N_("Agree a clear agenda with the partners, and behaviour rules with the pupils."),
            N_("Across time zones, move a class's lessons with the management's help."),
        ),
    ),
    Risk(
        "parents",
        N_("Parents object"),
        (
            N_(
                "Tell parents about the project before it starts, and ask for consent for this project."
            ),
            N_(
                "If a parent refuses, the child still takes part, but their work and image stay out of what is shared."
            ),
            N_("Parents may change their mind mid-project."),
        ),
    ),
    Risk(
        "parallel_work",
        N_("Pupils do not really work across schools"),
        (
            N_(
                "Avoid plain file exchange: think about what the partners will do with what your pupils made."
            ),
            N_("Plan tasks where pupils of all schools must agree on something."),
            N_("Where you can, form mixed-school groups."),
            N_("Without real collaboration there is no quality label."),
        ),
    ),
    Risk(
        "language",
        N_("A foreign-language barrier"),
        (
            N_("Use translation tools, such as Google Translate."),
            N_("Collect a glossary of the key terms."),
            N_(
                "Before a meeting, think through what you will say; prepare it with a language teacher and practise saying it."
            ),
            N_("Put pupils into groups in pairs, not one per country: they feel safer."),
        ),
    ),
    Risk(
        "motivation",
        N_("Pupils lose motivation"),
        (
            N_("Build the project on the pupils' own ideas."),
            N_("Help the pupils split big work into small, doable steps."),
            N_(
                "Plan an online meeting for when the first excitement fades: meeting the partner pupils again gives new energy."
            ),
            N_("Take time for the partners' feedback and to look at their work."),
            N_("Keep a pupils' first project short, so they finish it pleased rather than tired."),
            N_(
                "Suit the age: younger pupils like a story character or a mascot; teenagers need to belong to the team and a safe class climate."
            ),
        ),
    ),
)
BY_KEY = {risk.key: risk for risk in RISKS}
