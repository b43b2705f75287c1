"""/partners: the guide's seven partner-finding questions, a summary with advice drawn
from the answers and the team, and (for the coordinator) everyone's answers. Advice that
is ours, not the guide's, is shown as TwinCoach's tip."""

from __future__ import annotations

from sqlmodel import Session

from bot.guide.partners import (
    ANSWER_ADVICE,
    BEFORE_PLANNING,
    MAX_SCHOOLS,
    MIN_SCHOOLS,
    OUR_TIPS,
    QUESTIONS,
    Answer,
    Question,
)
from bot.i18n import N_, Html, escape, lines
from bot.reply import Reply
from handlers import forms
from handlers.buttons import Flow
from handlers.guards import lead_of
from handlers.questionnaire import Questionnaire, command, summary_lines
from handlers.step import Actor
from storage import teams
from storage.models import Project
from storage.teams import ProjectType


def _field(question: Question) -> forms.Field:
    """A partner question as the dialog asks it; a written answer may be skipped."""
    if question.answer == Answer.YES_NO:
        return forms.yes_no(question.key, question.text)
    precise = question.answer == Answer.PRECISE_TEXT
    return forms.Field(question.key, question.text, skippable=True, precise=precise)


def _advice(session: Session, actor: Actor, project: Project, given: forms.Answers) -> list[Html]:
    t = actor.t
    assert project.id is not None
    team = teams.members(session, project_id=project.id)
    out: list[Html] = []
    kind = teams.project_type(team)
    if kind == ProjectType.NATIONAL:
        out.append(
            t(
                "Both founders are in one country: a national project. It gets no quality label or awards."
            )
        )
    elif kind == ProjectType.INTERNATIONAL:
        out.append(
            t(
                "The founders are in two countries: an international project, which can earn quality labels and awards."
            )
        )
    elif lead_of(session, project.id, actor.user.id):
        out.append(
            t(
                "Choose the second founder: a school in your own country makes the project national, one abroad makes it international (only international projects earn labels)."
            )
        )
    else:
        out.append(
            t(
                "The second founder is not chosen yet (the coordinator does it): a school in the coordinator's country makes the project national, one abroad international (only international projects earn labels)."
            )
        )
    schools = teams.school_count(team)
    if schools < MIN_SCHOOLS:
        out.append(
            t(
                "With fewer than 3 schools, one dropping out can stop the project: aim for at least 3 partners."
            )
        )
    elif schools > MAX_SCHOOLS:
        out.append(t("More than 5 institutions are hard to coordinate: consider a smaller team."))
    out += [t(advice) for item, value, advice in ANSWER_ADVICE if given.get(item) == value]
    return out


def _finish(session: Session, actor: Actor, project: Project, given: forms.Answers) -> Reply:
    t = actor.t
    head = t("<b>Your answers</b>")
    advice = [
        t("<b>What the guide suggests</b>"),
        *(Html(f"💡 {a}") for a in _advice(session, actor, project, given)),
        t(BEFORE_PLANNING),
    ]
    blocks = [lines(head, *summary_lines(actor, PARTNERS, given)), lines(*advice)]
    ours = [t(tip) for item, value, tip in OUR_TIPS if given.get(item) == value]
    if ours:
        blocks.append(lines(t("<b>TwinCoach's tip</b> (ours, not the guide's)"), *ours))
    then = t(
        "Next: /agree, your proposals for the team agreements, and /quiz, the work-style quiz."
    )
    return Reply().say(lines(*blocks, then, blank=True))


def _everyone(session: Session, actor: Actor, project: Project) -> Reply:
    """The coordinator's view: every member's answers, one block per teacher."""
    assert project.id is not None
    t = actor.t
    given = PARTNERS.team_answers(session, project.id)
    blocks = []
    for m in teams.members(session, project_id=project.id):
        if m.user is None or m.user.id not in given:
            continue
        blocks.append(
            lines(
                Html(f"👤 <b>{escape(m.user.display_name)}</b>"),
                *summary_lines(actor, PARTNERS, given[m.user.id]),
            )
        )
    if not blocks:
        return Reply().say(t("Nobody has answered the partner questions yet."))
    return Reply().say(lines(*blocks, blank=True))


PARTNERS = Questionnaire(
    id="partners",
    version=1,
    title=N_("Partner questions"),
    intro=N_(
        "Seven questions to think through before you look for partners. /skip leaves one out."
    ),
    fields=tuple(_field(q) for q in QUESTIONS),
    finish=_finish,
    coordinator_view=_everyone,
)


FLOW = Flow(opens=(command("partners", PARTNERS),))
