"""The guide's "Finding partners": the seven partner questions a teacher answers before
looking for partners (/partners), the ways to find partners, what the guide advises after
some answers, and the team's size. The question keys ("partner_known") are stored with
the answers: never change one. The texts may be reworded (docs/guide-content.md says how)."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from bot.i18n import N_

MIN_SCHOOLS = 3  # with fewer, one school dropping out can stop the project
MAX_SCHOOLS = 5  # more institutions are hard to coordinate


class Answer(StrEnum):
    """How a question is answered."""

    TEXT = "text"  # free text
    PRECISE_TEXT = "precise"  # free text, with vague words ("soon", "often") pointed out
    YES_NO = "yes_no"  # yes or no buttons


class Question(NamedTuple):
    key: str  # stored with the answer
    text: str  # msgid
    answer: Answer


QUESTIONS = (
    Question("team", N_("How will your project team be formed?"), Answer.PRECISE_TEXT),
    Question(
        "colleague",
        N_("Do you plan to involve another teacher from your own school?"),
        Answer.YES_NO,
    ),
    Question(
        "partner_known",
        N_("Do you already know who your partner in another school will be?"),
        Answer.YES_NO,
    ),
    Question("past_projects", N_("Do you know your school's previous projects?"), Answer.YES_NO),
    Question(
        "partners_abroad", N_("Does your school already have partners abroad?"), Answer.YES_NO
    ),
    Question(
        "erasmus",
        N_("Would you like to build an Erasmus+ or Nordplus project later and visit the partners?"),
        Answer.YES_NO,
    ),
    Question(
        "education_system", N_("Which country's education system interests you?"), Answer.TEXT
    ),
)

WAYS = N_(
    "Ways to find partners:\n"
    "• your National Support Service's events and partner fairs;\n"
    "• the “Partner finding” forum on the eTwinning platform;\n"
    "• searching “People” by country and writing to teachers;\n"
    "• a twin school your school already has;\n"
    "• asking to join a project that is already registered."
)


# (question, answer, advice): what the guide suggests after a given yes/no answer.
ANSWER_ADVICE = (
    ("partner_known", "no", WAYS),
    (
        "partners_abroad",
        "yes",
        N_(
            "Ask your school's partners abroad first: a school you already know is the easiest start."
        ),
    ),
    (
        "past_projects",
        "no",
        N_("Look at your school's earlier projects and the best projects of past years for ideas."),
    ),
    (
        "colleague",
        "yes",
        N_(
            "A colleague from your own school can share the work: send them an invite with /invite."
        ),
    ),
)
# Not in the guide: shown apart, as TwinCoach's own tips.
OUR_TIPS = (
    (
        "erasmus",
        "yes",
        N_(
            "Keep notes and results of this project as you go: they help if you later apply "
            "for an Erasmus+ or Nordplus project with the same partners."
        ),
    ),
)
BEFORE_PLANNING = N_(
    "Before you plan together:\n"
    "• do not bring a finished plan: partners lose ownership and good ideas get lost;\n"
    "• plan ice-breaking activities; getting to know each other can take several weeks;\n"
    "• involve your pupils in the project idea."
)
