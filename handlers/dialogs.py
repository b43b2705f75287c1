"""Every dialog and questionnaire, listed once: the application registers them
(bot/app/application.py) and /mydata words a teacher's answers with the questions they
answered."""

from __future__ import annotations

from handlers import (
    agreements,
    deadlines,
    join,
    meetings,
    newproject,
    plan,
    profile,
    quality,
    registration,
    risks,
)
from handlers.agreements import AGREEMENTS
from handlers.forms import Form
from handlers.partners import PARTNERS
from handlers.questionnaire import Questionnaire
from handlers.quiz import QUIZ

QUESTIONNAIRES: tuple[Questionnaire, ...] = (QUIZ, PARTNERS, AGREEMENTS, quality.QUALITY)


def all_forms() -> list[Form]:
    """Every form the one dialog handler runs, by its place in the conversation."""
    dialogs = [newproject.FORM, join.FORM, profile.FORM, agreements.WORDING]
    dialogs += [q.form for q in (QUIZ, PARTNERS, AGREEMENTS)]
    for module in (plan, registration, risks, quality, deadlines, meetings):
        dialogs += module.FORMS
    return dialogs
