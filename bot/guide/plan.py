"""The guide's worksheet "Plan sheet" (at the end of the guide): its five sections in the
sheet's order, the question /plan asks for a new item of each, and the columns of an
activity. The section keys ("goal") are stored in the database: never change one. The
texts may be reworded (docs/guide-content.md says how)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_


@dataclass(frozen=True)
class Section:
    key: str
    name: str  # msgid
    ask: str  # msgid: the question for a new item
    help: str | None = None  # msgid shown with the question


SECTIONS = (
    Section(
        "goal",
        N_("Pedagogical goal"),
        N_(
            "What will the pupils learn? Write a goal that is specific, measurable, achievable, realistic and time-bound."
        ),
        N_("For example: “By the end of March, every pupil can name five ways to save water.”"),
    ),
    Section(
        "product",
        N_("Final product and its steps"),
        N_(
            "Add the final product (what pupils make, and why this one), or a step that leads to it."
        ),
        N_("The first item is the product; the ones after it are the steps, in order."),
    ),
    Section(
        "collab",
        N_("Cross-school collaboration"),
        N_(
            "What will pupils do together with the partner schools' pupils? Name one concrete action."
        ),
        N_(
            "Ask yourselves first: why do we need a partner? Name what the pupils can do only together with another school. Real collaboration means pupils of all schools must agree on something: mixed teams, one shared result. Plain file exchange is not enough for a quality label."
        ),
    ),
    Section(
        "activity",
        N_("Activities"),
        N_("What will the PUPILS do? Describe one activity."),
    ),
    Section(
        "title",
        N_("Title"),
        N_("What is the project's title? Short and concrete, easy to recognise."),
    ),
)
BY_KEY = {s.key: s for s in SECTIONS}
ACTIVITY_LABELS = {
    "text": N_("What pupils do"),
    "step": N_("Product step"),
    "time": N_("Time"),
    "owner": N_("Responsible"),
    "needs": N_("Needs"),
    "new_tools": N_("New ICT tools"),
    "start": N_("Start"),
    "deadline": N_("Deadline"),
}
