"""The engine's steps: begin a form, ask the first question without an answer (so a
dialog resumes by itself after a pause or a restart), take a typed or pressed answer,
/skip, /back and /cancel. Every step of a dialog that belongs to a project first checks
that the teacher is still in it (`still_member`)."""

from __future__ import annotations

from sqlmodel import Session
from telegram.ext import ConversationHandler

from bot.i18n import Html, escape, lines
from bot.reply import Message, Reply
from handlers.forms.fields import (
    KEEP,
    KEEP_VAGUE,
    NO,
    YES,
    Answers,
    Asking,
    Choice,
    Field,
    Invalid,
    Kind,
    State,
    plain,
)
from handlers.forms.form import SCRATCH, Form, state_of
from handlers.forms.questions import (
    LATER,
    NOW,
    RECALL,
    in_place,
    keep_or_drop,
    offer,
    picked,
    precision_nudge,
    question,
    recall_choices,
)
from handlers.step import Actor

WAITING = "form_waiting"  # a form asked for while another had answers: kept or dropped first
OFFERED, RECALLED = "offered", "recalled"  # state["recall"]: the offer is open, or was made


def begin(
    session: Session,
    actor: Actor,
    form: Form,
    *,
    preset: Answers | None = None,
    intro: Html | None = None,
    extra: State | None = None,
    at: str | None = None,
) -> Reply:
    """Start `form` (some answers may be known, `at` asks one field first) and ask.
    Only one form runs at a time: when another one already holds typed answers (an
    activity half-written, then an older button tapped), the teacher first chooses to
    continue it or to drop it for this one."""
    current = actor.scratch.get(SCRATCH)
    if isinstance(current, dict) and _unfinished(current, form.name, extra or {}):
        actor.scratch[WAITING] = {"name": form.name, "preset": preset, "extra": extra, "at": at}
        return keep_or_drop(actor.t, current)
    actor.scratch.pop(WAITING, None)
    actor.scratch[SCRATCH] = {"name": form.name, "answers": dict(preset or {}), **(extra or {})}
    if at:
        actor.scratch[SCRATCH]["at"] = at
    if preset:  # answers that came with the start (an invite link, the other fields) are not asked
        asking = [f.key for f in form.fields if f.key not in preset or f.key == at]
        actor.scratch[SCRATCH]["asking"] = asking
    reply = ask(session, actor, form)
    if intro is not None:
        reply.messages.insert(0, Message(intro))
    return reply


def _unfinished(current: State, name: str, extra: State) -> bool:
    """Another dialog (or the same one for another item) holds answers typed so far."""
    if not any(v is not None for v in current.get("answers", {}).values()):
        return False
    return current.get("name") != name or any(current.get(k) != v for k, v in extra.items())


def ask(session: Session, actor: Actor, form: Form, answers: Answers | None = None) -> Reply:
    """Ask the next question, or finish the form when all are answered. `answers` are
    the form's answers when the caller has them at hand (read and then saved to)."""
    state = state_of(actor, form)
    assert state is not None
    if answers is None:
        answers = form.store.load(session, actor, state)
    asking = form.asking(session, actor, state, answers)
    pending = form.pending(answers, state, asking)
    if pending is None:
        left = form.skipped(answers) if form.recall_skipped else []
        if left and state.get("recall") in (None, OFFERED):
            state["recall"] = OFFERED
            return offer(actor.t, form, left)
        actor.scratch.pop(SCRATCH, None)
        reply = form.finish(session, actor, answers, state)
        reply.state = ConversationHandler.END
        return reply
    return Reply(state=form.name, messages=[question(asking, form, pending, state)])


def _recall(
    session: Session, actor: Actor, form: Form, answers: Answers, value: str, *, typed: bool
) -> Reply:
    """The answer to the offer: "now" asks the skipped questions again (counted 1/n),
    "later" ends the dialog; they stay skipped, and the questionnaire says so."""
    state = state_of(actor, form)
    assert state is not None
    choices = recall_choices(actor.t)
    choice = _read_choice(choices, value) if typed else value
    if choice not in (NOW, LATER):
        retry = ask(session, actor, form, answers)
        retry.messages.insert(0, Message(actor.t("Please tap one of the buttons below.")))
        return retry
    state["recall"] = RECALLED
    if choice == NOW:
        state["again"] = [f.key for f in form.skipped(answers)]
        state["asking"] = list(state["again"])
    reply = ask(session, actor, form, answers)
    if not typed:
        label = next((c.label for c in choices if c.value == choice), choice)
        in_place(reply, Html(f"✓ <i>{escape(label)}</i>"))
    return reply


def _read_choice(choices: list[Choice], text: str) -> str | None:
    """The value of the button whose label (or value) the teacher typed, if any."""
    wanted = plain(text)
    found = (c.value for c in choices if wanted and wanted in (plain(c.label), plain(c.value)))
    return next(found, None)


def _typed(field: Field, asking: Asking, text: str) -> str:
    """Typed text where buttons are offered, read as the button it names: yes or no in
    Latvian, Lithuanian or English, a scale's number, a listed choice by its label.
    Anything else goes to the field's own parser unchanged (a typed city, a new text)."""
    if field.kind == Kind.YESNO and plain(text) in YES | NO:
        return "yes" if plain(text) in YES else "no"
    return _read_choice(field.choices(asking), text) or text


def _current_value(field: Field, asking: Asking) -> str:
    current = field.current(asking) or asking.answers.get(field.key)
    if current is None:
        raise Invalid("Please tap one of the buttons below.")
    return current


def _open_state(session: Session, actor: Actor, form: Form) -> State | Reply:
    """The form's state while the teacher may go on with it, else the reply saying why
    not: the question is closed, or the teacher left the dialog's project."""
    state = state_of(actor, form)
    if state is None:
        alert = actor.t("This question is already closed.")
        return Reply(state=ConversationHandler.END, alert=alert)
    guard = form.guard
    project_id = form.project(session, state) if guard is not None else None
    refused = guard(session, actor, project_id) if guard and project_id is not None else None
    if refused is not None:
        actor.scratch.pop(SCRATCH, None)
        refused.state = ConversationHandler.END
        return refused
    return state


def _at(session: Session, actor: Actor, form: Form) -> tuple[State, Asking, Field | None] | Reply:
    """Where an open dialog stands: its state, what its callbacks get (with the answers
    so far) and the question pending; or the reply when the teacher may not go on."""
    state = _open_state(session, actor, form)
    if isinstance(state, Reply):
        return state
    answers = form.store.load(session, actor, state)
    asking = form.asking(session, actor, state, answers)
    return state, asking, form.pending(answers, state, asking)


def answer(session: Session, actor: Actor, form: Form, value: str, field_key: str | None) -> Reply:
    """Take a typed answer (field_key None) or a pressed button's value for field_key."""
    t = actor.t
    where = _at(session, actor, form)
    if isinstance(where, Reply):
        return where
    state, asking, pending = where
    answers = dict(asking.answers)
    if pending is None and state.get("recall") == OFFERED and field_key in (None, RECALL):
        return _recall(session, actor, form, answers, value, typed=field_key is None)
    if pending is None or (field_key is not None and field_key != pending.key):
        return Reply(state=form.name, alert=t("That button belongs to an earlier question."))
    unsure = state.pop("unsure", None)
    read = _typed(pending, asking, value) if field_key is None else value
    typed = field_key is None and read == value  # typed words, not a button named by its label
    value = read
    try:
        if field_key is not None and value == KEEP:
            value = _current_value(pending, asking)
        elif field_key is not None and value == KEEP_VAGUE:
            if not unsure or unsure["key"] != pending.key:
                raise Invalid("Please tap one of the buttons below.")
            value = unsure["value"]
        parsed = pending.parse(value, asking)
    except Invalid as problem:
        retry = ask(session, actor, form)
        retry.messages.insert(0, Message(t(problem.msgid, **problem.values)))
        return retry
    if pending.precise and typed:
        nudge = precision_nudge(t, form, pending, parsed, state)
        if nudge is not None:
            return nudge
    if pending.retry is not None and parsed == "no":
        state["at"] = pending.retry
        return ask(session, actor, form)
    if pending.save is not None:
        pending.save(asking, parsed)
    form.store.save(session, actor, state, pending.key, parsed)
    answers[pending.key] = parsed  # what the store now holds: no need to read it back
    _moved_on(state, pending)
    chosen = picked(pending, asking, value, parsed) if field_key is not None else None
    reply = ask(session, actor, form, answers)  # may finish the form and drop its scratch
    if chosen is not None:
        in_place(reply, chosen)
    return reply


def skip(session: Session, actor: Actor, form: Form) -> Reply:
    where = _at(session, actor, form)
    if isinstance(where, Reply):
        return where
    state, _asking, pending = where
    if pending is None or not pending.skippable:
        return Reply(state=form.name).say(actor.t("This question cannot be skipped."))
    form.store.save(session, actor, state, pending.key, None)
    _moved_on(state, pending)
    state.pop("unsure", None)
    return ask(session, actor, form)


def _moved_on(state: State, done: Field) -> None:
    """`done` is answered or skipped: the explicit position is used up, and a skipped
    question being answered again is not asked a third time."""
    state.pop("at", None)
    again = state.get("again")
    if again and done.key in again:
        again.remove(done.key)


def back(session: Session, actor: Actor, form: Form) -> Reply:
    where = _at(session, actor, form)
    if isinstance(where, Reply):
        return where
    state, asking, pending = where
    index = form.fields.index(pending) if pending else len(form.fields)
    earlier = [f for f in form.fields[:index] if f.asked(asking)]
    if not earlier:
        return Reply(state=form.name).say(actor.t("This is the first question."))
    state["at"] = earlier[-1].key
    state.pop("unsure", None)
    return ask(session, actor, form)


def cancel(session: Session, actor: Actor, form: Form) -> Reply:
    """Stop, and say which command brings the teacher back."""
    actor.scratch.pop(SCRATCH, None)
    t = actor.t
    return Reply(state=ConversationHandler.END).say(
        lines(t("Stopped."), t(form.reopen, command=form.command))
    )
