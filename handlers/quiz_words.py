"""The quiz's eleven words compared by what the answers mean (`bot.meaning`), not by the
words they share: a team writes in several languages, and "divu darba dienu laikā", "per
dvi darbo dienas" and "within two working days" are one meaning. Words read differently
come first, widest apart first, each with why ("at most 2 working days" against "at most
1 week", in the reader's language); words everyone reads alike follow; answers with
nothing to read in them are shown side by side, unranked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.guide.quiz import WORDS
from bot.i18n import Html, Translator, escape, lines
from bot.meaning.compare import Comparison, Verdict, compare
from bot.meaning.say import describe
from bot.meaning.units import Unit

# what a number alone counts: "3" for "a few tasks", "10" for "in 5 minutes"
BARE = {"w_few_tasks": Unit.TASK, "w_5_minutes": Unit.MINUTE}
CLIP = 300  # characters of one answer in the group's comparison


class Answerer(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def words(self) -> dict[str, str]: ...


@dataclass(frozen=True)
class WordResult:
    key: str
    prompt: str  # msgid
    answers: dict[int, str]  # teacher's place in the team → answer
    comparison: Comparison[int]


def compare_words(team: Sequence[Answerer]) -> list[WordResult]:
    """Each word at least two teachers answered, with what the answers mean."""
    out = []
    for key, prompt in WORDS:
        answers = {n: s.words[key] for n, s in enumerate(team) if key in s.words}
        if len(answers) >= 2:
            out.append(WordResult(key, prompt, answers, compare(answers, BARE.get(key))))
    return out


def of_verdict(results: list[WordResult], verdict: Verdict) -> list[WordResult]:
    """The results with `verdict` in quiz order; differences the widest apart first."""
    found = [r for r in results if r.comparison.verdict == verdict]
    if verdict == Verdict.DIFFERENT:
        found.sort(key=lambda r: -r.comparison.spread)
    return found


def _clip(text: str) -> str:
    return text if len(text) <= CLIP else text[: CLIP - 1].rstrip() + "…"


def _answers(t: Translator, team: Sequence[Answerer], result: WordResult) -> list[Html]:
    out = []
    for n, answer in result.answers.items():
        reading = result.comparison.readings.get(n)
        meaning = Html(f" → {describe(t, reading)}") if reading else ""
        out.append(Html(f"• {escape(team[n].name)}: <i>{escape(_clip(answer))}</i>{meaning}"))
    return out


def _why(t: Translator, result: WordResult) -> Html:
    c = result.comparison
    assert c.low is not None and c.high is not None
    low, high = c.readings[c.low], c.readings[c.high]
    assert low is not None and high is not None
    return t(
        "<i>The difference: “{low}” against “{high}”.</i>",
        low=describe(t, low),
        high=describe(t, high),
    )


def section(t: Translator, team: Sequence[Answerer]) -> list[Html]:
    """The words part of /quizresults, one block per paragraph."""
    results = compare_words(team)
    out = []
    if different := of_verdict(results, Verdict.DIFFERENT):
        out.append(t("<b>Words you read differently</b>"))
        out += [
            lines(Html(f"<b>{t(r.prompt)}</b>"), *_answers(t, team, r), _why(t, r))
            for r in different
        ]
    if same := of_verdict(results, Verdict.SAME):
        agreed = []
        for r in same:
            reading = next(x for x in r.comparison.readings.values() if x is not None)
            agreed.append(Html(f"• {t(r.prompt)} → {describe(t, reading)}"))
        out.append(lines(t("<b>Words you read the same way</b>"), *agreed))
    if unread := of_verdict(results, Verdict.UNREAD):
        out.append(
            lines(
                t("<b>Answers to read side by side</b>"),
                t("<i>These cannot be compared by numbers: talk about what each of you means.</i>"),
            )
        )
        out += [lines(Html(f"<b>{t(r.prompt)}</b>"), *_answers(t, team, r)) for r in unread]
    return out
