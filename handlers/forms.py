"""One engine for every private question-and-answer dialog.

A form is data: its fields say how to ask (text, a 1–5 scale, choices, yes/no), which
buttons to offer, how to parse and where answers go (the teacher's scratchpad, or the
answers table at once for questionnaires). The engine asks the first field without an
answer, so a dialog resumes by itself after a pause or a restart; /back, /skip and
"change one answer" set an explicit position instead. Free text can go through the
precision check, which questions vague words but lets the teacher keep them.

Where buttons are offered, typed text is read as the button it names (any case, with or
without diacritics; yes and no in any of our languages), so a teacher who types "jā" is
not refused. A questionnaire offers its skipped questions once more at the end, and the
counter counts only the questions this run asks (not an invite that came with the link).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from sqlmodel import Session
from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.context import Ctx
from bot.i18n import N_, Html, escape, fold, lines
from bot.precision import ADVICE, find_vague
from bot.reply import Button, Message, Reply, clip, rows
from handlers.common import Actor, respond
from handlers.guards import stale

KEEP = "="  # button value: keep the current answer
KEEP_VAGUE = "!"  # button value: keep an answer the precision check questioned
SCRATCH = "form"  # user_data key of the one form in progress (see `begin`)
KEEP_OR_DROP = "kod"  # the buttons of that question
WAITING = "form_waiting"  # a form asked for while another had answers: kept or dropped first
TEXT_MAX = 2000
SCALE = ("1", "2", "3", "4", "5")
RECALL = "*"  # field key of the two buttons under the skipped questions' offer
NOW, LATER = "now", "later"
OFFERED, RECALLED = "offered", "recalled"  # state["recall"]: the offer is open, or was made
# Typed yes and no where yes/no buttons are offered, in Latvian, Lithuanian and English
# (folded: "Jā" is "ja"); "ne" is Lithuanian "no" and a Latvian's quick "nē".
YES = frozenset({"yes", "y", "ja", "taip"})
NO = frozenset({"no", "n", "ne"})

State = dict[str, Any]
Answers = dict[str, str | None]


class Kind(StrEnum):
    TEXT = "text"
    SCALE = "scale"
    CHOICE = "choice"
    YESNO = "yesno"


def plain(text: str) -> str:
    """Text as compared with button labels: folded ("Nē" → "ne"), letters and digits
    only ("🇱🇻 Latvija" → "latvija", "3." → "3")."""
    kept = "".join(c if c.isalnum() else " " for c in fold(text))
    return " ".join(kept.split())


class Invalid(Exception):
    """The answer cannot be used; `msgid` says why (translated when shown)."""

    def __init__(self, msgid: str, **values: object) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.values = values


@dataclass(frozen=True)
class Choice:
    label: str  # already translated
    value: str


def text_answer(value: str, *, limit: int = TEXT_MAX) -> str:
    """Free text: trimmed, not empty, at most `limit` characters."""
    value = value.strip()
    if not value:
        raise Invalid("Please write a few words.")
    if len(value) > limit:
        raise Invalid(
            "That is {length} characters; please use {limit} at most.",
            length=len(value),
            limit=limit,
        )
    return value


def _free_text(value: str, _actor: Actor) -> str:
    return text_answer(value)


@dataclass(frozen=True)
class Field:
    key: str
    prompt: str  # msgid
    parse: Callable[[str, Actor], str] = _free_text
    kind: Kind = Kind.TEXT
    choices: Callable[[Actor], list[Choice]] = lambda _actor: []
    current: Callable[[Actor], str | None] = lambda _actor: None
    show: Callable[[str, Actor], str] = lambda value, _actor: value
    save: Callable[[Session, Actor, str], None] | None = None  # side effect, e.g. the profile
    help: str | None = None  # msgid shown under the question
    label: str | None = None  # msgid: a short name, for lists such as "change one answer"
    prompt_values: Callable[[Actor, Answers], dict[str, object]] | None = None  # for {…} in prompt
    retry: str | None = None  # a yes/no check: "no" asks this earlier field again
    poles: tuple[str, str] | None = None  # msgids of 1 and 5 on a scale
    skippable: bool = False
    precise: bool = False  # run the precision check on typed text
    per_row: int = 2
    names_member: bool = False  # the answer picks a teammate: theirs, left out of /mydata
    # Asked only when this says so (a region only where the country has regions); else
    # the question is left out of this run, not answered: it may be asked in a later one.
    ask_when: Callable[[Actor], bool] | None = None

    def asked(self, actor: Actor) -> bool:
        return self.ask_when is None or self.ask_when(actor)


def _button_only(value: str, actor: Actor, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise Invalid("Please tap one of the buttons below.")
    return value


def scale(
    key: str,
    prompt: str,
    low: str | None = None,
    high: str | None = None,
    *,
    label: str | None = None,
) -> Field:
    """A 1–5 question answered with five buttons; the poles, when given, are shown with it."""
    return Field(
        key=key,
        prompt=prompt,
        kind=Kind.SCALE,
        parse=lambda v, a: _button_only(v, a, SCALE),
        choices=lambda _a: [Choice(n, n) for n in SCALE],
        poles=(low, high) if low and high else None,
        label=label,
        per_row=5,
    )


def yes_no(
    key: str,
    prompt: str,
    *,
    label: str | None = None,
    help_text: str | None = None,
    retry: str | None = None,
    prompt_values: Callable[[Actor, Answers], dict[str, object]] | None = None,
) -> Field:
    return Field(
        key=key,
        prompt=prompt,
        kind=Kind.YESNO,
        label=label,
        help=help_text,
        retry=retry,
        prompt_values=prompt_values,
        parse=lambda v, a: _button_only(v, a, ("yes", "no")),
        choices=lambda a: [Choice(a.t("Yes"), "yes"), Choice(a.t("No"), "no")],
        show=lambda v, a: a.t("Yes") if v == "yes" else a.t("No"),
    )


class Store(Protocol):
    """Where a form's answers live while and after it is filled in."""

    def load(self, session: Session, actor: Actor, state: State) -> Answers: ...

    def save(
        self, session: Session, actor: Actor, state: State, key: str, value: str | None
    ) -> None: ...


class ScratchStore:
    """Answers kept in the teacher's scratchpad until the form is finished."""

    def load(self, session: Session, actor: Actor, state: State) -> Answers:
        return dict(state.setdefault("answers", {}))

    def save(
        self, session: Session, actor: Actor, state: State, key: str, value: str | None
    ) -> None:
        state.setdefault("answers", {})[key] = value


SCRATCH_STORE = ScratchStore()


def _no_guard(_session: Session, _actor: Actor, _state: State) -> Reply | None:
    return None


@dataclass(frozen=True)
class Form:
    name: str  # the dialog's name, its persistence key and its button prefix
    fields: tuple[Field, ...]
    finish: Callable[[Session, Actor, Answers, State], Reply]
    store: Store = SCRATCH_STORE
    guard: Callable[[Session, Actor, State], Reply | None] = _no_guard  # may the teacher go on?
    # What the fields read besides the answers (the team's members, zones, calendars),
    # looked up at every step into `actor.looked_up` and never stored: a teacher's
    # scratchpad holds their own answers, not copies of their teammates' data.
    lookup: Callable[[Session, Actor, State], dict[str, Any]] | None = None
    recall_skipped: bool = False  # at the end, offer the skipped questions once more
    command: str = ""  # the command that opens the dialog ({command} in `reopen`)
    reopen: str = N_("{command} starts it again.")  # msgid: after /cancel, the way back

    def field(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)

    def pending(self, answers: Answers, state: State, actor: Actor) -> Field | None:
        """The question to ask: an explicit position, else the first without an answer,
        else the next skipped one being answered again; never one not asked now."""
        at = self.field(state.get("at") or "")
        unanswered = (f for f in self.fields if f.key not in answers and f.asked(actor))
        first = at or next(unanswered, None)
        again = (f for k in state.get("again", []) if (f := self.field(k)) and f.asked(actor))
        return first or next(again, None)

    def skipped(self, answers: Answers) -> list[Field]:
        """The questions left out with /skip (stored as None: seen, not answered)."""
        return [
            f for f in self.fields if f.skippable and f.key in answers and answers[f.key] is None
        ]


def _look_up(session: Session, actor: Actor, form: Form, state: State) -> None:
    if form.lookup is not None and actor.looked_up.get(SCRATCH) != form.name:
        actor.looked_up = {**form.lookup(session, actor, state), SCRATCH: form.name}


def state_of(actor: Actor, form: Form) -> State | None:
    """The form's state when it is the one in progress."""
    current = actor.scratch.get(SCRATCH)
    return current if isinstance(current, dict) and current.get("name") == form.name else None


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
        return _keep_or_drop(actor, current)
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


def _keep_or_drop(actor: Actor, current: State) -> Reply:
    t = actor.t
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


def _counter(actor: Actor, form: Form, field: Field, state: State) -> Html | None:
    """ "2/5 ▰▰▱▱▱" over the questions this run asks (all of them, unless it began with some
    answers given or came back for the skipped ones, and only those asked now: a region
    only after a country that has them); none for a single question."""
    keys: list[str] = state.get("asking") or []
    if field.key not in keys:  # /back may step onto a question the run did not plan to ask
        keys = [f.key for f in form.fields]
    keys = [k for k in keys if k == field.key or ((f := form.field(k)) and f.asked(actor))]
    total = len(keys)
    if total < 2:
        return None
    position = keys.index(field.key) + 1
    width = min(total, 10)
    done = math.ceil(width * position / total)
    bar = "▰" * done + "▱" * (width - done)
    return Html(f"<i>{position}/{total}</i>  {bar}")


def _question(actor: Actor, form: Form, field: Field, answers: Answers, state: State) -> Message:
    t = actor.t
    values = field.prompt_values(actor, answers) if field.prompt_values else {}
    counter = _counter(actor, form, field, state)
    parts = [*([counter] if counter else []), t(field.prompt, **values)]
    if field.poles:
        parts.append(t("1 = {low}  ·  5 = {high}", low=t(field.poles[0]), high=t(field.poles[1])))
    if field.help:
        parts.append(Html(f"<i>{t(field.help)}</i>"))
    current = field.current(actor)
    if current is None and field.key in answers and answers[field.key] is not None:
        current = answers[field.key]  # going back or changing: the earlier answer can stay
    buttons = [
        Button(
            ("✓ " if c.value == current else "") + c.label,
            data=f"{form.name}:{field.key}:{c.value}",
        )
        for c in field.choices(actor)
        if c.value != current or field.kind != Kind.TEXT  # a text field has its own keep button
    ]
    if current and field.kind == Kind.TEXT:
        keep = "✓ " + field.show(current, actor)
        buttons.insert(0, Button(clip(keep, 60), data=f"{form.name}:{field.key}:{KEEP}"))
    if field.skippable:
        parts.append(t("<i>/skip leaves this one out, /back returns to the previous one.</i>"))
    return Message(lines(*parts), rows(buttons, field.per_row))


def ask(session: Session, actor: Actor, form: Form, answers: Answers | None = None) -> Reply:
    """Ask the next question, or finish the form when all are answered. `answers` are
    the form's answers when the caller has them at hand (read and then saved to)."""
    state = state_of(actor, form)
    assert state is not None
    _look_up(session, actor, form, state)
    if answers is None:
        answers = form.store.load(session, actor, state)
    pending = form.pending(answers, state, actor)
    if pending is None:
        left = form.skipped(answers) if form.recall_skipped else []
        if left and state.get("recall") in (None, OFFERED):
            state["recall"] = OFFERED
            return _offer(actor, form, left)
        actor.scratch.pop(SCRATCH, None)
        reply = form.finish(session, actor, answers, state)
        reply.state = ConversationHandler.END
        return reply
    reply = Reply(state=form.name)
    reply.messages.append(_question(actor, form, pending, answers, state))
    return reply


def _offer(actor: Actor, form: Form, left: list[Field]) -> Reply:
    """At the end: the skipped questions, to answer now or leave for later."""
    t = actor.t
    text = lines(
        t.tn(
            "You skipped {n} question. Answer it now, or later?",
            "You skipped {n} questions. Answer them now, or later?",
            len(left),
        ),
        *(Html(f"• {t(f.label or f.prompt)}") for f in left),
    )
    buttons = [
        [Button(c.label, data=f"{form.name}:{RECALL}:{c.value}") for c in _recall_choices(actor)]
    ]
    return Reply(state=form.name).say(text, buttons)


def _recall_choices(actor: Actor) -> list[Choice]:
    return [Choice(actor.t("Answer now"), NOW), Choice(actor.t("Later"), LATER)]


def _recall(
    session: Session, actor: Actor, form: Form, answers: Answers, value: str, *, typed: bool
) -> Reply:
    """The answer to the offer: "now" asks the skipped questions again (counted 1/n),
    "later" ends the dialog; they stay skipped, and the questionnaire says so."""
    state = state_of(actor, form)
    assert state is not None
    choice = _read_choice(_recall_choices(actor), value) if typed else value
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
        _in_place(reply, Html(f"✓ <i>{escape(_label_of(_recall_choices(actor), choice))}</i>"))
    return reply


def _label_of(choices: list[Choice], value: str) -> str:
    return next((c.label for c in choices if c.value == value), value)


def _read_choice(choices: list[Choice], text: str) -> str | None:
    """The value of the button whose label (or value) the teacher typed, if any."""
    wanted = plain(text)
    found = (c.value for c in choices if wanted and wanted in (plain(c.label), plain(c.value)))
    return next(found, None)


def _typed(field: Field, actor: Actor, text: str) -> str:
    """Typed text where buttons are offered, read as the button it names: yes or no in
    Latvian, Lithuanian or English, a scale's number, a listed choice by its label.
    Anything else goes to the field's own parser unchanged (a typed city, a new text)."""
    if field.kind == Kind.YESNO and plain(text) in YES | NO:
        return "yes" if plain(text) in YES else "no"
    return _read_choice(field.choices(actor), text) or text


def _current_value(field: Field, actor: Actor, answers: Answers) -> str:
    current = field.current(actor) or answers.get(field.key)
    if current is None:
        raise Invalid("Please tap one of the buttons below.")
    return current


def _precision_nudge(
    actor: Actor, form: Form, field: Field, value: str, state: State
) -> Reply | None:
    """Question vague words once; the teacher may rewrite or keep the answer."""
    hits = find_vague(value)
    if not hits:
        return None
    t = actor.t
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


def _open_state(session: Session, actor: Actor, form: Form) -> State | Reply:
    """The form's state while the teacher may go on with it, else the reply saying why not."""
    state = state_of(actor, form)
    if state is None:
        alert = actor.t("This question is already closed.")
        return Reply(state=ConversationHandler.END, alert=alert)
    refused = form.guard(session, actor, state)
    if refused is not None:
        actor.scratch.pop(SCRATCH, None)
        refused.state = ConversationHandler.END
        return refused
    _look_up(session, actor, form, state)
    return state


def answer(session: Session, actor: Actor, form: Form, value: str, field_key: str | None) -> Reply:
    """Take a typed answer (field_key None) or a pressed button's value for field_key."""
    t = actor.t
    state = _open_state(session, actor, form)
    if isinstance(state, Reply):
        return state
    answers = form.store.load(session, actor, state)
    pending = form.pending(answers, state, actor)
    if pending is None and state.get("recall") == OFFERED and field_key in (None, RECALL):
        return _recall(session, actor, form, answers, value, typed=field_key is None)
    if pending is None or (field_key is not None and field_key != pending.key):
        return Reply(state=form.name, alert=t("That button belongs to an earlier question."))
    unsure = state.pop("unsure", None)
    value = _typed(pending, actor, value) if field_key is None else value
    try:
        if field_key is not None and value == KEEP:
            value = _current_value(pending, actor, answers)
        elif field_key is not None and value == KEEP_VAGUE:
            if not unsure or unsure["key"] != pending.key:
                raise Invalid("Please tap one of the buttons below.")
            value = unsure["value"]
        parsed = pending.parse(value, actor)
    except Invalid as problem:
        retry = ask(session, actor, form)
        retry.messages.insert(0, Message(t(problem.msgid, **problem.values)))
        return retry
    if pending.precise and field_key is None:
        nudge = _precision_nudge(actor, form, pending, parsed, state)
        if nudge is not None:
            return nudge
    if pending.retry is not None and parsed == "no":
        state["at"] = pending.retry
        return ask(session, actor, form)
    if pending.save is not None:
        pending.save(session, actor, parsed)
    form.store.save(session, actor, state, pending.key, parsed)
    answers[pending.key] = parsed  # what the store now holds: no need to read it back
    _moved_on(state, pending)
    picked = _picked(pending, actor, value, parsed) if field_key is not None else None
    reply = ask(session, actor, form, answers)  # may finish the form and drop its scratch
    if picked is not None:
        _in_place(reply, picked)
    return reply


def _picked(field: Field, actor: Actor, value: str, parsed: str) -> Html:
    """The pressed answer as the teacher saw it: the button's label (a weekday, not "0")."""
    label = next((c.label for c in field.choices(actor) if c.value == value), None)
    return Html(f"✓ <i>{escape(label or field.show(parsed, actor))}</i>")


def _in_place(reply: Reply, chosen: Html) -> None:
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


def skip(session: Session, actor: Actor, form: Form) -> Reply:
    t = actor.t
    state = state_of(actor, form)
    assert state is not None
    pending = form.pending(form.store.load(session, actor, state), state, actor)
    if pending is None or not pending.skippable:
        return Reply(state=form.name).say(t("This question cannot be skipped."))
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
    state = state_of(actor, form)
    assert state is not None
    pending = form.pending(form.store.load(session, actor, state), state, actor)
    index = form.fields.index(pending) if pending else len(form.fields)
    earlier = [f for f in form.fields[:index] if f.asked(actor)]
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


def conversation(dialogs: list[Form], starts: list[BaseHandler]) -> ConversationHandler:
    """One persisted ConversationHandler for all forms, so a teacher is in one dialog at a
    time; its state is the name of the form in progress. `starts` open a form."""
    forms = {form.name: form for form in dialogs}

    def in_progress(actor: Actor) -> Form | None:
        current = actor.scratch.get(SCRATCH)
        return forms.get(current.get("name", "")) if isinstance(current, dict) else None

    def command(step: Callable[[Session, Actor, Form], Reply]) -> Callable[[Update, Ctx], Any]:
        async def handle(update: Update, context: Ctx) -> object:
            def run(session: Session, actor: Actor) -> Reply:
                form = in_progress(actor)
                if form is None:
                    actor.scratch.pop(SCRATCH, None)
                    return Reply(state=ConversationHandler.END).say(
                        actor.t("There is no question open right now.")
                    )
                return step(session, actor, form)

            return await respond(update, context, run)

        return handle

    async def keep_or_drop(update: Update, context: Ctx) -> object:
        """The answer to `_keep_or_drop`: the old dialog goes on, or the new one starts."""
        assert update.callback_query is not None and update.callback_query.data is not None
        drop = update.callback_query.data.endswith(":drop")

        def run(session: Session, actor: Actor) -> Reply:
            waiting, old = actor.scratch.pop(WAITING, None), in_progress(actor)
            if drop and isinstance(waiting, dict) and waiting.get("name") in forms:
                actor.scratch.pop(SCRATCH, None)
                return begin(
                    session,
                    actor,
                    forms[waiting["name"]],
                    preset=waiting.get("preset"),
                    extra=waiting.get("extra"),
                    at=waiting.get("at"),
                )
            if old is None:
                return stale(session, actor)
            return ask(session, actor, old)

        return await respond(update, context, run)

    states: dict[object, list[BaseHandler]] = {
        name: _state_handlers(form) for name, form in forms.items()
    }
    with warnings.catch_warnings():
        # Buttons are tracked per chat on purpose: the engine checks which question they answer.
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return ConversationHandler(
            entry_points=starts,
            states=states,
            fallbacks=[
                CommandHandler("cancel", command(cancel)),
                CommandHandler("skip", command(skip)),
                CommandHandler("back", command(back)),
                CallbackQueryHandler(keep_or_drop, pattern=f"^{KEEP_OR_DROP}:(keep|drop)$"),
            ],
            name="dialog",
            persistent=True,
            allow_reentry=True,
        )


def _state_handlers(form: Form) -> list[BaseHandler]:
    async def on_text(update: Update, context: Ctx) -> object:
        """A typed answer to the current question."""
        assert update.message is not None and update.message.text is not None
        text = update.message.text
        return await respond(update, context, lambda s, a: answer(s, a, form, text, None))

    async def on_button(update: Update, context: Ctx) -> object:
        """A pressed answer button: <form>:<field>:<value>."""
        assert update.callback_query is not None and update.callback_query.data is not None
        parts = update.callback_query.data.split(":", 2)
        key, value = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
        return await respond(update, context, lambda s, a: answer(s, a, form, value, key))

    return [
        # Only new messages answer: an edited earlier answer is not the answer to this question.
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, on_text),
        CallbackQueryHandler(on_button, pattern=f"^{form.name}:"),
    ]
