"""The registration form's five texts drafted from the plan sheet, ready to paste.

Each plan item becomes one sentence (capital letter, full stop), and the words around
the items (who is responsible, the dates, the link between product and collaboration)
come from the catalog of the project's working language, not from the reader's: the
platform's form is filled in one language. Collaboration lines the guide's check calls
plain exchange stay out (bot/plan_checks), the expected result is the final product and
its measurable goals (not its steps again), and an edited text replaces its draft."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.i18n import N_, Translator
from bot.rules.plan_checks import Flag, flags
from handlers.plan_sheet import day
from storage import plan
from storage.models import PlanItem

FIELDS = (
    ("title", N_("Project title")),
    ("description", N_("Short description")),
    ("goals", N_("Pedagogical goals")),
    ("process", N_("Work process")),
    ("result", N_("Expected result")),
)
ENDS = (".", "!", "?", "…")
CLOSING = ")\"”»“'’"


@dataclass(frozen=True)
class Text:
    """One field's text, and the teachers' own words in it (what the language check reads)."""

    text: str
    words: tuple[str, ...]


def sentence(item: str) -> str:
    """A plan item as a sentence: one line, a capital letter (unless the first word has
    capitals of its own, as "eTwinning"), a full stop."""
    text = " ".join(item.split()).rstrip(",;:–- ")
    if not text:
        return ""
    first = text.split(" ", 1)[0]
    if first[0].islower() and not any(c.isupper() for c in first):
        text = text[0].upper() + text[1:]
    return text if text.rstrip(CLOSING).endswith(ENDS) else text + "."


def _frame(t: Translator, msgid: str, **values: str) -> str:
    """A sentence of the working language as plain text (escaped where it is shown)."""
    return str(t(msgid)).format(**values)


def _own_words(value: str) -> bool:
    """A date kept as the teacher wrote it (plans before dates were checked), not a moment."""
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return True
    return False


def _activity(t: Translator, n: int, row: PlanItem, names: dict[int, str]) -> Text:
    """ "1. Pupils interview grandparents. Responsible: Jonas. Dates: … – …." with no
    brackets of our own, so a teacher's own brackets are never nested."""
    d = plan.details(row)
    parts = [f"{n}. {sentence(row.text)}"]
    words = [row.text]
    if owner := names.get(d.get("owner") or 0):
        parts.append(_frame(t, N_("Responsible: {name}."), name=owner))
    start, due = d.get("start"), d.get("deadline")
    if start and due:
        parts.append(
            _frame(t, N_("Dates: {start} – {deadline}."), start=day(t, start), deadline=day(t, due))
        )
    elif start:
        parts.append(_frame(t, N_("Start: {day}."), day=day(t, start)))
    elif due:
        parts.append(_frame(t, N_("Deadline: {day}."), day=day(t, due)))
    if time := " ".join((d.get("time") or "").split()).rstrip(".,;: "):
        parts.append(_frame(t, N_("Duration: {time}."), time=time))
        words.append(time)
    words += [v for v in (start, due) if v and _own_words(v)]
    return Text(" ".join(parts), tuple(words))


def _description(t: Translator, product: Sequence[str], collab: Sequence[str]) -> Text:
    """The product, then the real collaboration: no flagged line, nothing glued."""
    real = [line for line in collab if Flag.EXCHANGE not in flags("collab", line)]
    parts = [sentence(product[0])] if product else []
    if real:
        together = (
            N_("The pupils of all partner schools make it together.")
            if product
            else N_("The pupils of all partner schools work together.")
        )
        parts += [_frame(t, together), *(sentence(line) for line in real)]
    return Text(" ".join(parts), tuple(product[:1]) + tuple(real))


def _result(t: Translator, product: Sequence[str], goals: Sequence[str]) -> Text:
    """The final product and the goals that say how much was reached; nothing before
    the plan names a product (the goals alone are the goals field again)."""
    if not product:
        return Text("", ())
    measured = [g for g in goals if Flag.NOT_MEASURABLE not in flags("goal", g)]
    parts = [sentence(product[0])]
    if measured:
        parts.append(_frame(t, N_("The product shows what the pupils have learnt.")))
    parts += [sentence(goal) for goal in measured]
    return Text(" ".join(parts), (product[0], *measured))


def drafts(
    t: Translator,
    title: str,
    rows: Sequence[PlanItem],
    names: dict[int, str],
    edited: dict[str, str],
) -> dict[str, Text]:
    """The five texts in `t`'s language: the project's title, the plan's items as
    sentences, and the edited texts where there are any."""
    section: dict[str, list[str]] = {}
    for row in rows:
        section.setdefault(row.section, []).append(row.text)
    product, goals = section.get("product", []), section.get("goal", [])
    activities = [
        _activity(t, n, row, names)
        for n, row in enumerate((r for r in rows if r.section == "activity"), 1)
    ]
    texts = {
        "title": Text(title, (title,)),
        "description": _description(t, product, section.get("collab", [])),
        "goals": Text("\n".join(sentence(g) for g in goals), tuple(goals)),
        "process": Text(
            "\n".join(a.text for a in activities), tuple(w for a in activities for w in a.words)
        ),
        "result": _result(t, product, goals),
    }
    for key, text in edited.items():
        if key in texts:
            texts[key] = Text(text, (text,))
    return texts
