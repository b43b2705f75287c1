"""The guide's "Before planning, discuss" and "Also agree on" lists, as the fifteen topics
of the team agreements (/agree, /agreements): a short label and the question each teacher
answers. The keys ("communication") are stored with the answers, and /status checks some
of them: never change one. The texts may be reworded (docs/guide-content.md says how)."""

from __future__ import annotations

from typing import NamedTuple

from bot.i18n import N_


class Topic(NamedTuple):
    key: str  # stored with the answers
    label: str  # msgid: the topic's short name
    question: str  # msgid: what each teacher answers


TOPICS = (
    Topic(
        "strengths",
        N_("Strengths"),
        N_("What are our strengths, and which opportunities can we use?"),
    ),
    Topic(
        "weaknesses", N_("Weaknesses"), N_("Where are we weak, and what do we want to strengthen?")
    ),
    Topic("ict", N_("ICT tools"), N_("Which ICT tools will make planning easier?")),
    Topic("ideas", N_("Sharing ideas"), N_("How do we exchange ideas and extend the shared plan?")),
    Topic("detail", N_("How detailed"), N_("How detailed will our plan be?")),
    Topic("pupils", N_("Pupils' ideas"), N_("How do pupils' ideas get into the plan?")),
    Topic(
        "at_home",
        N_("At our own schools"),
        N_("What must each of us settle at home first (the principal's consent, colleagues)?"),
    ),
    Topic("communication", N_("Communication"), N_("How often and how do we communicate?")),
    Topic("netiquette", N_("Netiquette"), N_("Which netiquette do we agree on with the pupils?")),
    Topic(
        "visible",
        N_("Tasks and deadlines"),
        N_("Where are tasks and deadlines visible to everyone?"),
    ),
    Topic("reminders", N_("Reminders"), N_("Who reminds the team of approaching deadlines?")),
    Topic("changes", N_("Changing the plan"), N_("How do we change the plan when needed?")),
    Topic("twinspace", N_("TwinSpace"), N_("How do we arrange our TwinSpace?")),
    Topic("roles", N_("Roles"), N_("Which roles and responsibilities does each of us take?")),
    Topic(
        "evaluation",
        N_("Evaluation"),
        N_("How do we evaluate the work, the pupils' learning and the impact?"),
    ),
)
LABELS = {key: label for key, label, _question in TOPICS}
