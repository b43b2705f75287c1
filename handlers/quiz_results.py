"""/quizresults: the team's quiz answers side by side, a chart, the three largest
differences with a question to talk about, and the words compared by what the answers
mean (handlers/quiz_words.py)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler

from bot.chart_data import Quiz, Scale, keys
from bot.context import Ctx
from bot.guide.quiz import SCALES, WORDS
from bot.i18n import Html, Translator, lines
from bot.reply import Message, Reply
from handlers import quiz_words
from handlers.buttons import Flow
from handlers.guards import for_member
from handlers.quiz import QUIZ
from handlers.step import Actor, respond
from storage import teams
from storage.models import Membership, Project

MIN_FINISHED = 2
TOP = 3


@dataclass(frozen=True)
class Standing:
    name: str
    initials: str  # the letter on the teacher's marker in the chart (bot.chart_data.keys)
    scales: dict[str, int]
    words: dict[str, str]


def standings(session: Session, project_id: int) -> list[Standing]:
    """Teachers who finished the quiz, with their latest answers."""
    given = QUIZ.team_answers(session, project_id)
    done = [
        m.user
        for m in teams.members(session, project_id=project_id)
        if m.user is not None and QUIZ.complete(given.get(m.user.id, {}))
    ]
    names = [u.display_name for u in done]
    return [
        Standing(
            name=u.display_name,
            initials=letters,
            scales={key: int(given[u.id][key] or 0) for key, *_ in SCALES},
            words={key: value for key, _ in WORDS if (value := given[u.id].get(key))},
        )
        for u, letters in zip(done, keys(names), strict=True)
    ]


def largest_differences(team: list[Standing], n: int = TOP) -> list[tuple[str, int]]:
    """The scales where the team is furthest apart: (scale, max − min), largest first."""
    spreads = []
    for key, *_ in SCALES:
        values = [s.scales[key] for s in team]
        spread = max(values) - min(values)
        if spread > 0:
            spreads.append((key, spread))
    return sorted(spreads, key=lambda pair: -pair[1])[:n]


def _scale_text(t: Translator, team: list[Standing]) -> list[Html]:
    out = []
    for key, _question, low, high, label, _talk in SCALES:
        where = "  ·  ".join(
            f"{s.initials} {s.scales[key]}" for s in sorted(team, key=lambda s: s.scales[key])
        )
        out.append(
            t(
                "<b>{label}</b> (1 {low} · 5 {high})\n{where}",
                label=t(label),
                low=t(low),
                high=t(high),
                where=where,
            )
        )
    return out


def _differences_text(t: Translator, team: list[Standing]) -> list[Html]:
    found = largest_differences(team)
    if not found:
        return [
            t(
                "You stand in the same place on every scale. Still, talk about what each answer means to you."
            )
        ]
    by_key = {key: (label, talk) for key, _q, _l, _h, label, talk in SCALES}
    out = [t("<b>Where you differ most: worth a conversation</b>")]
    for n, (key, _spread) in enumerate(found, 1):
        label, talk = by_key[key]
        where = ", ".join(
            f"{s.initials} {s.scales[key]}" for s in sorted(team, key=lambda s: s.scales[key])
        )
        out.append(
            t(
                "{n}. <b>{label}</b>: {where}\n💬 {talk}",
                n=n,
                label=t(label),
                where=where,
                talk=t(talk),
            )
        )
    return out


def results(session: Session, actor: Actor, project: Project, _me: Membership) -> Reply:
    assert project.id is not None
    t = actor.t
    team = standings(session, project.id)
    if len(team) < MIN_FINISHED:
        return Reply().say(
            t(
                "The comparison needs at least two teachers who finished the quiz; so far {n} did. /quiz to take it.",
                n=len(team),
            )
        )
    legend = ", ".join(f"{s.initials} = {s.name}" for s in team)
    head = t("<b>Work-style quiz: {title}</b>\n{legend}", title=project.title, legend=legend)
    reply = Reply().say(lines(head, *_scale_text(t, team), blank=True))
    drawn = Quiz(
        title=t(QUIZ.title),
        subtitle=project.title,
        names=[s.name for s in team],
        scales=[Scale(t(label), t(low), t(high)) for _k, _q, low, high, label, _t in SCALES],
        values=[[s.scales[key] for s in team] for key, *_ in SCALES],
    )
    picture = partial(_draw, drawn)
    reply.messages.append(Message(t("Where each of you stands (1 to 5)."), photo=picture))
    reply.say(lines(*_differences_text(t, team), *quiz_words.section(t, team), blank=True))
    return reply


def _draw(drawn: Quiz) -> bytes:
    """The chart as PNG, drawn off the loop once the text before it is sent."""
    from bot import chart  # noqa: PLC0415 - matplotlib (~40 MB) loads at the first chart

    return chart.quiz(drawn)


async def on_results(update: Update, context: Ctx) -> None:
    """/quizresults (group or private, members only)."""
    await respond(update, context, for_member(results))


FLOW = Flow(commands=(CommandHandler("quizresults", on_results),))
