"""/partners: the guide's seven partner-finding questions, a summary with advice drawn
from the answers and the team, and (for the coordinator) everyone's answers. Advice that
is ours, not the guide's, is shown as TwinCoach's tip."""

from __future__ import annotations

from sqlmodel import Session
from telegram.ext import BaseHandler

from bot.i18n import N_, Html, escape, lines
from bot.reply import Reply
from handlers import forms
from handlers.common import Actor, lead_of
from handlers.questionnaire import Questionnaire, command, summary_lines
from handlers.team import MAX_SCHOOLS, MIN_SCHOOLS
from storage import teams
from storage.models import Project
from storage.teams import ProjectType

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
    return Reply().say(lines(*blocks, blank=True))


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
    fields=(
        forms.Field(
            "team", N_("How will your project team be formed?"), skippable=True, precise=True
        ),
        forms.yes_no(
            "colleague", N_("Do you plan to involve another teacher from your own school?")
        ),
        forms.yes_no(
            "partner_known", N_("Do you already know who your partner in another school will be?")
        ),
        forms.yes_no("past_projects", N_("Do you know your school's previous projects?")),
        forms.yes_no("partners_abroad", N_("Does your school already have partners abroad?")),
        forms.yes_no(
            "erasmus",
            N_(
                "Would you like to build an Erasmus+ or Nordplus project later and visit the partners?"
            ),
        ),
        forms.Field(
            "education_system",
            N_("Which country's education system interests you?"),
            skippable=True,
        ),
    ),
    finish=_finish,
    coordinator_view=_everyone,
)


def entry_points() -> list[BaseHandler]:
    return [command("partners", PARTNERS)]
