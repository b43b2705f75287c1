"""/quality: each teacher scores the project against the five eTwinning quality criteria
and sees, in plain words, whether it could get the National Quality Label and why, what
18 points add, and advice for the weakest criteria.

The answers are a questionnaire (resumable, per teacher and project); a finished teacher
sees the result again, with the shared "change one answer" and "start again" buttons."""

from __future__ import annotations

from sqlmodel import Session

from bot.guide.quality import ADVICE, NAMES, QUESTIONS, SHORT, Condition, Level
from bot.i18n import N_, Html, Translator, lines
from bot.reply import Reply
from bot.rules.quality import (
    CERTIFICATE_TOTAL,
    EQL_COUNTRIES,
    LABEL_COLLABORATION,
    LABEL_ICT,
    LABEL_TOTAL,
    LABELS_PER_YEAR,
    MAX_POINTS,
    MAX_TOTAL,
    Assessment,
    Criterion,
    Reason,
    Scores,
    assess,
)
from handlers import forms
from handlers.buttons import Flow
from handlers.forms import Form
from handlers.questionnaire import Questionnaire, command
from handlers.step import Actor
from storage import teams
from storage.models import Project

LEVEL_KEYS = ("c1", "c2", "c3")
ICT_KEYS = ("c4_1", "c4_2", "c4_3", "c4_4", "c4_5")
RESULT_KEYS = ("c5_1", "c5_2", "c5_3", "c5_4", "c5_5")

ONE_POINT = N_("One point for each condition met.")
# Which of the guide's two ICT rules the verdict follows, and why (bot/rules/quality.py).
ICT_READING = N_(
    "📏 Use of ICT: the guide's criteria page asks for conditions 1 and 2, its glossary for at least {needed} points in each exclusionary criterion. TwinCoach asks for both, so it never promises a label that one of them refuses."
)
EXCLUSIONARY = N_("One point for each condition met. Without this one there is no label.")


def _level(key: str, prompt: str) -> forms.Field:
    """A criterion scored 1–5 with buttons; the prompt describes all five levels."""
    return forms.scale(key, prompt, label=SHORT[key])


def _condition(key: str, prompt: str, help_text: str) -> forms.Field:
    """A yes/no condition worth one point; the note under it says so."""
    return forms.yes_no(key, prompt, label=SHORT[key], help_text=help_text)


def _field(question: Level | Condition) -> forms.Field:
    if isinstance(question, Level):
        return _level(question.key, question.text)
    return _condition(
        question.key, question.text, EXCLUSIONARY if question.exclusionary else ONE_POINT
    )


FIELDS = tuple(_field(question) for question in QUESTIONS)


def scores_of(given: forms.Answers) -> Scores:
    """A finished teacher's stored answers as scores (no question can be skipped)."""
    pupils, curriculum, collaboration = (int(given.get(key) or "0") for key in LEVEL_KEYS)
    return Scores(
        pupils=pupils,
        curriculum=curriculum,
        collaboration=collaboration,
        ict=tuple(given.get(key) == "yes" for key in ICT_KEYS),
        results=tuple(given.get(key) == "yes" for key in RESULT_KEYS),
    )


def _reason(t: Translator, reason: Reason, result: Assessment) -> Html:
    """One reason against the label, with what it takes to remove it."""
    match reason:
        case Reason.NATIONAL:
            return t(
                "• It is a national project (both founders are in one country), and national projects get no quality label."
            )
        case Reason.UNDECIDED:
            return t(
                "• The label needs an international project, and the second founder is not chosen yet: the coordinator can choose one from another country in /members."
            )
        case Reason.TOTAL:
            return t(
                "• The total is {total} points, and the label needs at least {needed} of {max}.",
                total=result.total,
                needed=LABEL_TOTAL,
                max=MAX_TOTAL,
            )
        case Reason.COLLABORATION:
            return t(
                "• Collaboration between the partner schools has {points} points, and the label needs at least {needed}: the pupils of different schools must work together in joint activities.",
                points=result.points[Criterion.COLLABORATION],
                needed=LABEL_COLLABORATION,
            )
        case Reason.ICT_SAFETY:
            return t(
                "• ICT condition 1 is not met: without online safety and proper online collaboration there is no label."
            )
        case Reason.ICT_PUPILS:
            return t(
                "• ICT condition 2 is not met: the pupils themselves must use ICT successfully for the project's activities."
            )
        case Reason.ICT_POINTS:
            return t(
                "• Use of ICT has {points} points, and the label needs at least {needed}, conditions 1 and 2 among them.",
                points=result.points[Criterion.ICT],
                needed=LABEL_ICT,
            )


def _verdict(t: Translator, result: Assessment) -> Html:
    """Label or not and why; with the label, what 18 points add (or how far they are)."""
    if not result.eligible:
        verdict = lines(
            t(
                "❌ By your own scores, the project could not get the National Quality Label, because:"
            ),
            *(_reason(t, reason, result) for reason in result.reasons),
        )
        if result.reasons != (Reason.UNDECIDED,):
            return verdict
        return lines(
            verdict,
            t(
                "Your scores themselves meet the label's rules, so with a second founder abroad the project could get it."
            ),
            blank=True,
        )
    verdict = t("✅ By your own scores, the project could get the National Quality Label.")
    if result.certificate:
        more = t(
            "🎓 With {needed} points or more you may also request a certificate of professional development. And if teachers from at least {countries} countries get the National Quality Label, the National Support Service can nominate the project for the European Quality Label.",
            needed=CERTIFICATE_TOTAL,
            countries=EQL_COUNTRIES,
        )
    else:
        more = t.tn(
            "🎓 {n} more point would bring you to {needed}: then you could also request a certificate of professional development, and the National Support Service could nominate the project for the European Quality Label once it has National Quality Labels from at least {countries} countries.",
            "🎓 {n} more points would bring you to {needed}: then you could also request a certificate of professional development, and the National Support Service could nominate the project for the European Quality Label once it has National Quality Labels from at least {countries} countries.",
            CERTIFICATE_TOTAL - result.total,
            needed=CERTIFICATE_TOTAL,
            countries=EQL_COUNTRIES,
        )
    return lines(verdict, more, blank=True)


def _result(session: Session, actor: Actor, project: Project, given: forms.Answers) -> Reply:
    """The points, the verdict with its reasons, advice for the weakest criteria, and
    buttons to change an answer or start again."""
    assert project.id is not None
    t = actor.t
    kind = teams.project_type(teams.members(session, project_id=project.id))
    result = assess(scores_of(given), kind)
    table = lines(
        t("<b>Quality self-check: {project}</b>", project=project.title),
        *(
            t("{n}. {name}: {points} of {max}", n=n, name=t(NAMES[c]), points=p, max=MAX_POINTS)
            for n, (c, p) in enumerate(result.points.items(), 1)
        ),
        t("<b>Total: {total} of {max} points</b>", total=result.total, max=MAX_TOTAL),
    )
    parts = [table, _verdict(t, result)]
    if result.weakest:
        parts.append(
            lines(
                t("<b>Where the project can grow most</b>"),
                *(
                    t("💡 <b>{name}</b>: {advice}", name=t(NAMES[c]), advice=t(ADVICE[c]))
                    for c in result.weakest
                ),
            )
        )
    if Reason.NATIONAL not in result.reasons:
        parts.append(t(ICT_READING, needed=LABEL_ICT))
        parts.append(
            t(
                "ℹ️ This is your own estimate; the National Support Service does the real scoring. After the project ends, every teacher applies for the label individually on the eTwinning platform, and one teacher can get at most {labels} labels per school year.",
                labels=LABELS_PER_YEAR,
            )
        )
    return Reply().say(lines(*parts, blank=True))


QUALITY = Questionnaire(
    id="quality",
    version=1,
    title=N_("Quality self-check"),
    intro=N_(
        "Score your project against the five criteria the National Support Service uses for the National Quality Label: for three of them you pick the description that fits, then you answer ten conditions with yes or no. At the end you see your points, whether the project could get the label, and where it can grow."
    ),
    fields=FIELDS,
    finish=_result,
    review=_result,
)
FORMS: list[Form] = [QUALITY.form]


FLOW = Flow(opens=(command("quality", QUALITY),))
