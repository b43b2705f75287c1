"""The guide's work-style quiz ("Work-style quiz: two tasks, then discuss them as a team"):
task 1, eleven everyday words each teacher interprets, and task 2, nine scales from 1 to 5
(left pole 1, right pole 5), each with a short label for the chart and the prompt the team
talks about when its answers differ. The keys ("w_soon", "s_deadlines") are stored with
the answers: never change one. The texts may be reworded (docs/guide-content.md)."""

from __future__ import annotations

from typing import NamedTuple

from bot.i18n import N_


class Word(NamedTuple):
    key: str  # stored with the answer
    prompt: str  # msgid


class Scale(NamedTuple):
    key: str  # stored with the answer
    prompt: str  # msgid: the statement
    low: str  # msgid: what 1 means
    high: str  # msgid: what 5 means
    label: str  # msgid: the short name on the chart
    talk: str  # msgid: what to agree on when the team's answers differ


# Stored with every answer, as the keys are: never change them (a new version is a new quiz).
QUIZ_ID, QUIZ_VERSION = "quiz", 1

# Task 1: what does each word mean to you?
WORDS = (
    Word("w_soon", N_("What does “soon” mean to you?")),
    Word("w_on_time", N_("What does “arrive on time” mean to you?")),
    Word("w_few_tasks", N_("What does “a few tasks” mean to you?")),
    Word("w_5_minutes", N_("What does “in 5 minutes” mean to you?")),
    Word("w_help", N_("What does “help” mean to you?")),
    Word("w_regularly", N_("What does “regularly” mean to you?")),
    Word("w_advice", N_("What does “advice” mean to you?")),
    Word("w_support", N_("What does “support” mean to you?")),
    Word("w_typical_day", N_("What does “a typical working day” mean to you?")),
    Word("w_praise", N_("What does “praise” mean to you?")),
    Word("w_feedback", N_("What does “feedback” mean to you?")),
)

# Task 2: nine scales, 1 is the left pole, 5 the right one
SCALES = (
    Scale(
        "s_deadlines",
        N_("Deadlines: I do my tasks…"),
        N_("right away"),
        N_("at the last moment"),
        N_("Deadlines"),
        N_("Agree what “on time” means in your team and who reminds whom before a deadline."),
    ),
    Scale(
        "s_criticism_get",
        N_("Criticism: I like to receive it…"),
        N_("very gently"),
        N_("directly, with an edge"),
        N_("Receiving criticism"),
        N_(
            "Agree how feedback is given in your team: gently or directly, privately or in the group."
        ),
    ),
    Scale(
        "s_criticism_give",
        N_("Criticism: I give it…"),
        N_("very gently"),
        N_("directly, with an edge"),
        N_("Giving criticism"),
        N_("Agree how you tell a partner that something is not working, so nobody feels hurt."),
    ),
    Scale(
        "s_problems",
        N_("Problems: I prefer to solve them…"),
        N_("by calling"),
        N_("by writing an e-mail"),
        N_("Solving problems"),
        N_("Agree which channel is for urgent problems: a call, a chat message or an e-mail."),
    ),
    Scale(
        "s_work",
        N_("Work: I care more that it is done…"),
        N_("precisely and beautifully"),
        N_("quickly and efficiently"),
        N_("Precise or quick"),
        N_("Agree when a task is good enough: polished, or done and shared quickly."),
    ),
    Scale(
        "s_new_things",
        N_("New tools and methods: I prefer to…"),
        N_("try them at once myself"),
        N_("first watch how someone else does it"),
        N_("New things"),
        N_("Agree who tries a new tool first and shows the others how it works."),
    ),
    Scale(
        "s_opinion",
        N_("My opinion in a team: I…"),
        N_("think first, then share"),
        N_("share while thinking aloud"),
        N_("Sharing opinions"),
        N_("Leave time before decisions, so those who think first can have their say."),
    ),
    Scale(
        "s_daily",
        N_("Daily work: I prefer…"),
        N_("new tasks with a clear deadline and result"),
        N_("a steady rhythm that changes little"),
        N_("New tasks or rhythm"),
        N_("Agree how the plan mixes new tasks with a steady weekly rhythm."),
    ),
    Scale(
        "s_solutions",
        N_("Looking for a solution: from my helper I expect…"),
        N_("clear instructions"),
        N_("a conversation in which I find it myself"),
        N_("Getting help"),
        N_("Agree how you ask each other for help: clear steps, or talking it through."),
    ),
)
