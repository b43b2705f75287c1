"""What a dialog shows: the question with its counter, buttons and "keep" button, the
offer of the skipped questions, the keep-or-drop choice between two dialogs, the
precision check's nudge, and a pressed answer turned into the next question in place."""

from __future__ import annotations

import math

from bot.i18n import Html, Translator, escape, lines
from bot.reply import Button, Message, Reply, clip, rows
from bot.rules.precision import ADVICE, find_vague
from handlers.forms.fields import KEEP, KEEP_VAGUE, Asking, Choice, Field, Kind, State, Teacher
from handlers.forms.form import Form

KEEP_OR_DROP = "kod"  # the buttons of the keep-or-drop question
RECALL = "*"  # field key of the two buttons under the skipped questions' offer
NOW, LATER = "now", "later"


def _counter(asking: Asking, form: Form, field: Field, state: State) -> Html | None:
    """ "2/5 ▰▰▱▱▱" over the questions this run asks (all of them, unless it began with some
    answers given or came back for the skipped ones, and only those asked now: a region
    only after a country that has them); none for a single question."""
    keys: list[str] = state.get("asking") or []
    if field.key not in keys:  # /back may step onto a question the run did not plan to ask
        keys = [f.key for f in form.fields]
    keys = [k for k in keys if k == field.key or ((f := form.field(k)) and f.asked(asking))]
    total = len(keys)
    if total < 2:
        return None
    position = keys.index(field.key) + 1
    width = min(total, 10)
    done = math.ceil(width * position / total)
    bar = "▰" * done + "▱" * (width - done)
    return Html(f"<i>{position}/{total}</i>  {bar}")


def question(asking: Asking, form: Form, field: Field, state: State) -> Message:
    t = asking.t
    answers = asking.answers
    values = field.prompt_values(asking) if field.prompt_values else {}
    counter = _counter(asking, form, field, state)
    parts = [*([counter] if counter else []), t(field.prompt, **values)]
    if field.poles:
        parts.append(t("1 = {low}  ·  5 = {high}", low=t(field.poles[0]), high=t(field.poles[1])))
    if field.help:
        parts.append(Html(f"<i>{t(field.help)}</i>"))
    current = field.current(asking)
    if current is None and answers.get(field.key) is not None:
        current = answers[field.key]  # going back or changing: the earlier answer can stay
    buttons = [
        Button(
            ("✓ " if c.value == current else "") + c.label,
            data=f"{form.name}:{field.key}:{c.value}",
        )
        for c in field.choices(asking)
        if c.value != current or field.kind != Kind.TEXT  # a text field has its own keep button
    ]
    if current and field.kind == Kind.TEXT:
        keep = "✓ " + field.show(current, asking)
        buttons.insert(0, Button(clip(keep, 60), data=f"{form.name}:{field.key}:{KEEP}"))
    if field.skippable:
        parts.append(t("<i>/skip leaves this one out, /back returns to the previous one.</i>"))
    return Message(lines(*parts), rows(buttons, field.per_row))


def offer(t: Translator, form: Form, left: list[Field]) -> Reply:
    """At the end: the skipped questions, to answer now or leave for later."""
    text = lines(
        t.tn(
            "You skipped {n} question. Answer it now, or later?",
            "You skipped {n} questions. Answer them now, or later?",
            len(left),
        ),
        *(Html(f"• {t(f.label or f.prompt)}") for f in left),
    )
    buttons = [[Button(c.label, data=f"{form.name}:{RECALL}:{c.value}") for c in recall_choices(t)]]
    return Reply(state=form.name).say(text, buttons)


def recall_choices(t: Translator) -> list[Choice]:
    return [Choice(t("Answer now"), NOW), Choice(t("Later"), LATER)]


def keep_or_drop(t: Translator, current: State) -> Reply:
    """Another dialog holds typed answers: continue it, or drop it for the new one."""
    typed = sum(v is not None for v in current.get("answers", {}).values())
    text = t.tn(
        "✋ You have not finished what you started before ({n} answer so far). Continue it, or drop it and start the new one?",
        "✋ You have not finished what you started before ({n} answers so far). Continue it, or drop it and start the new one?",
        typed,
    )
    buttons = [
        [
            Button(t("Continue it"), data=f"{KEEP_OR_DROP}:keep"),
            Button(t("Drop it"), data=f"{KEEP_OR_DROP}:drop"),
        ]
    ]
    return Reply(state=current.get("name")).say(text, buttons)


def precision_nudge(
    t: Translator, form: Form, field: Field, value: str, state: State
) -> Reply | None:
    """Question vague words once; the teacher may rewrite or keep the answer."""
    hits = find_vague(value)
    if not hits:
        return None
    state["unsure"] = {"key": field.key, "value": value}
    words = ", ".join(dict.fromkeys(h.word for h in hits))
    advice = [
        t("• instead of {word}: {better}", word=h.word, better=t(ADVICE[h.kind])) for h in hits
    ]
    text = lines(
        t(
            "🔍 These words can mean different things to different people: {words}. Could you be more precise?",
            words=words,
        ),
        *dict.fromkeys(advice),
        t("Type a new answer, or keep this one."),
    )
    keep = Button(t("Keep my answer"), data=f"{form.name}:{field.key}:{KEEP_VAGUE}")
    return Reply(state=form.name).say(text, [[keep]])


def picked(field: Field, who: Teacher, value: str, parsed: str) -> Html:
    """The pressed answer as the teacher saw it: the button's label (a weekday, not "0")."""
    label = next((c.label for c in field.choices(who) if c.value == value), None)
    return Html(f"✓ <i>{escape(label or field.show(parsed, who))}</i>")


def in_place(reply: Reply, chosen: Html) -> None:
    """After a pressed answer the question turns into the next one (or the closing
    words) under a line with the answer picked: the chat stays short on a phone, the
    teacher still sees their choice, and it is one Bot API call, not two."""
    first = reply.messages[0] if reply.messages else None
    if (
        first is not None
        and first.chat_id is None
        and first.edit_id is None
        and not (first.document or first.photo or first.remember_as)
    ):
        first.edit = True
        first.text = lines(chosen, first.text)
    else:
        reply.clear_buttons = True
