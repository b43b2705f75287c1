"""The guide's eleven risks and what it advises for each, as data (/risks shows them,
/status asks that every one was looked at)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_


@dataclass(frozen=True)
class Risk:
    key: str  # stored in risk_mark.risk (16 characters at most)
    title: str  # msgid
    advice: str  # msgid: what the guide advises


RISKS = (
    Risk(
        "partner_gone",
        N_("A partner disappears"),
        N_(
            "Make a flexible plan that a smaller team could still finish; work with at least three partners; meet regularly to review and adjust the plan; get to know and support each other."
        ),
    ),
    Risk(
        "deals_ignored",
        N_("A partner does not keep to the agreements"),
        N_(
            "Say things concretely; make sure everyone knows where the plan, the deadlines, help and the owners are; keep it all in shared tools or TwinSpace; give someone the deadline-reminder role; try different ways of deciding; give feedback gently, as cultures differ; if you must part ways, make sure the whole team knows and agrees."
        ),
    ),
    Risk(
        "overload",
        N_("Too much planned, too intensely"),
        N_(
            "Before planning, mark public holidays, pupils' school breaks and special school days on a calendar; plan twice the time an activity would take with your own class alone; shorten or change the plan mid-way without fear."
        ),
    ),
    Risk(
        "platform",
        N_("Problems with the platform"),
        N_(
            "Read the support materials of the National Support Service and explore the platform together; use the help section in TwinSpace; ask the National Support Service or an eTwinning ambassador."
        ),
    ),
    Risk(
        "ict_tools",
        N_("Problems with ICT tools"),
        N_(
            "Let the most experienced partners coach the others rather than do the work for them; ask a colleague who knows the tools to help during video calls; use at most two new ICT tools in one project."
        ),
    ),
    Risk(
        "equipment",
        N_("Partners lack the equipment"),
        N_(
            "Plan together from the start, with a column for what each activity needs; ask your school's management early; keep a backup plan."
        ),
    ),
    Risk(
        "video_calls",
        N_("Video calls go wrong"),
        N_(
            "Test beforehand with the same devices and rooms; tell the management; ask the IT teacher or an able pupil to help; keep a backup plan; agree a clear agenda with the partners and behaviour rules with the pupils; across time zones, move a class's lessons with the management's help."
        ),
    ),
    Risk(
        "parents",
        N_("Parents object"),
        N_(
            "Tell parents about the project before it starts and ask for a consent for this project; if a parent refuses, the child can still take part while their work and image stay out of shared media; parents may change their mind mid-project."
        ),
    ),
    Risk(
        "parallel_work",
        N_("Pupils do not really work across schools"),
        N_(
            "Avoid plain file exchange; plan tasks where pupils of all schools must agree on something; form mixed-school groups. Without real collaboration there is no quality label."
        ),
    ),
    Risk(
        "language",
        N_("A foreign-language barrier"),
        N_(
            "Use translation tools; collect a glossary of key terms; rehearse with a language teacher; put pupils into groups in pairs, not alone."
        ),
    ),
    Risk(
        "motivation",
        N_("Pupils lose motivation"),
        N_(
            "Build on the pupils' own ideas; split big work into small steps; plan an online meeting for when the first excitement fades; look at the partners' feedback together; keep a first project short; suit the age group."
        ),
    ),
)
BY_KEY = {risk.key: risk for risk in RISKS}
