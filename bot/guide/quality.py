"""The guide's "Quality criteria (25 points; five criteria of 1–5 points)", as /quality
asks them: three criteria scored by the description that fits (levels 1–5), two by five
yes/no conditions worth a point each. The arithmetic and the label's thresholds are rules
(bot/rules/quality.py). The keys ("c1", "c4_1") are stored with the answers: never change
one. The texts may be reworded (docs/guide-content.md says how)."""

from __future__ import annotations

from typing import NamedTuple

from bot.i18n import N_


class Level(NamedTuple):
    """A criterion scored 1–5: the question describes all five levels."""

    key: str  # stored with the answer
    text: str  # msgid


class Condition(NamedTuple):
    """A yes/no condition worth one point; without an exclusionary one there is no label."""

    key: str  # stored with the answer
    text: str  # msgid
    exclusionary: bool = False


# The five criteria by their key (bot/rules/quality.py: Criterion), in the guide's order.
NAMES = {
    "pupils": N_("Pedagogical approach (the pupils' role)"),
    "curriculum": N_("Link with the curriculum"),
    "collaboration": N_("Collaboration between partner schools"),
    "ict": N_("Use of ICT"),
    "results": N_("Results"),
}

# What to work on where a criterion scores lowest.
ADVICE = {
    "pupils": N_(
        "Let the pupils develop their own ideas and carry them out: involve them in planning and let them choose how to work, with you as their consultant."
    ),
    "curriculum": N_(
        "Tie the activities to your lessons, name a pedagogical goal for each subject, and check how far the pupils reached it."
    ),
    "collaboration": N_(
        "Give the pupils tasks in which all schools must agree on something, work in mixed-school teams and make one shared product; plain file exchange is not collaboration."
    ),
    "ict": N_(
        "Agree on online-safety rules with the pupils, let the pupils use the tools themselves, pick tools that fit each activity (at most two new ones), keep TwinSpace in use and respect copyright."
    ),
    "results": N_(
        "Plan a result you can measure, let the pupils evaluate the project, draw conclusions from their evaluation and share the results beyond your team."
    ),
}

# Short names of the questions, for the "which answer would you like to change?" list.
SHORT = {
    "c1": N_("1. Pupils' role"),
    "c2": N_("2. Link with the curriculum"),
    "c3": N_("3. Collaboration between schools"),
    "c4_1": N_("4.1 ICT: online safety"),
    "c4_2": N_("4.2 ICT: pupils use ICT"),
    "c4_3": N_("4.3 ICT: tools fit the activities"),
    "c4_4": N_("4.4 ICT: TwinSpace in use"),
    "c4_5": N_("4.5 ICT: copyright"),
    "c5_1": N_("5.1 Results: activities lead there"),
    "c5_2": N_("5.2 Results: reached and measurable"),
    "c5_3": N_("5.3 Results: pupils evaluated"),
    "c5_4": N_("5.4 Results: evaluation used"),
    "c5_5": N_("5.5 Results: publicity and impact"),
}

QUESTIONS = (
    Level(
        "c1",
        N_(
            "<b>1. Pedagogical approach: the pupils' role</b>\n"
            "Which description fits your project?\n"
            "1 — the pupils do not take part in the project.\n"
            "2 — the pupils take part, but not creatively.\n"
            "3 — the pupils take part and work creatively.\n"
            "4 — the pupils work creatively and help plan the project.\n"
            "5 — the pupils work creatively, develop their own project idea and carry it out."
        ),
    ),
    Level(
        "c2",
        N_(
            "<b>2. Link with the curriculum</b>\n"
            "Which description fits your project?\n"
            "1 — the project is not linked with the curriculum.\n"
            "2 — it is partly linked with the curriculum, or it is not done in lessons.\n"
            "3 — it is linked with the curriculum and done in lessons.\n"
            "4 — as 3, and it has pedagogical goals, and it is clear how far the pupils reached them.\n"
            "5 — as 4, with pedagogical goals in several subjects."
        ),
    ),
    Level(
        "c3",
        N_(
            "<b>3. Collaboration between partner schools</b>\n"
            "Which description fits your project?\n"
            "1 — the pupils work on the project but have no contact with the partner schools' pupils (no label).\n"
            "2 — the pupils work within their own school and communicate with the partner pupils (no label).\n"
            "3 — the pupils communicate, this leads to collaboration toward a common goal, and they take part in joint activities across schools.\n"
            "4 — the pupils of all schools work together in joint activities toward a common goal.\n"
            "5 — as 4, and in the final product it is hard to tell the partners' contributions apart."
        ),
    ),
    Condition(
        "c4_1",
        N_(
            "<b>4. Use of ICT</b>, condition 1 of 5: are online safety and proper online collaboration respected?"
        ),
        exclusionary=True,
    ),
    Condition(
        "c4_2",
        N_(
            "<b>4. Use of ICT</b>, condition 2 of 5: do the pupils use ICT successfully for the project's activities?"
        ),
        exclusionary=True,
    ),
    Condition(
        "c4_3",
        N_("<b>4. Use of ICT</b>, condition 3 of 5: do the chosen ICT tools fit the activities?"),
    ),
    Condition(
        "c4_4",
        N_(
            "<b>4. Use of ICT</b>, condition 4 of 5: is there an easy-to-use TwinSpace that is really used for the project?"
        ),
    ),
    Condition(
        "c4_5",
        N_("<b>4. Use of ICT</b>, condition 5 of 5: is copyright respected?"),
    ),
    Condition(
        "c5_1",
        N_("<b>5. Results</b>, condition 1 of 5: do the activities lead to the planned result?"),
    ),
    Condition(
        "c5_2",
        N_(
            "<b>5. Results</b>, condition 2 of 5: is the planned result reached, and can it be measured?"
        ),
    ),
    Condition(
        "c5_3",
        N_("<b>5. Results</b>, condition 3 of 5: have the pupils evaluated the project?"),
    ),
    Condition(
        "c5_4",
        N_(
            "<b>5. Results</b>, condition 4 of 5: was the evaluation used to analyse the project and draw conclusions?"
        ),
    ),
    Condition(
        "c5_5",
        N_(
            "<b>5. Results</b>, condition 5 of 5: does the project have publicity, or a good effect beyond its participants?"
        ),
    ),
)
