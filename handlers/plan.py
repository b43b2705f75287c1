"""/plan: the guide's plan sheet, built together. Any member proposes or edits items in a
private dialog; /plan in the group shows the whole plan; the coordinator (or a founder)
locks a section when it is agreed, and every later change to it is told to the group."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_date
from sqlmodel import Session
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import Ctx
from bot.i18n import N_, Html, Translator, escape, lines
from bot.plan_checks import MIN_COLLAB, Flag, flags, review, too_many_new_tools
from bot.reply import Button, Keyboard, Message, Reply, clip, rows
from handlers import deadlines as deadline_flow
from handlers import forms, lifecycle
from handlers.common import Actor, button, for_member, is_lead, member_of, respond, stale
from handlers.risks import NEW_TOOLS
from scheduler.dates import read_moment
from scheduler.deadlines import stored_moment
from scheduler.moments import when, zone_of
from scheduler.places import working_days
from scheduler.reminders.plans import plan_deadline
from storage import deadlines, plan, reminders, teams
from storage.models import Deadline, Membership, PlanItem, Project

ITEMS_MAX = 20  # per section
CALLBACK = re.compile(r"^plan:(\d{1,12}):(\w{1,16})(?::(\w{1,16}))?(?::(\d{1,12}))?$")


@dataclass(frozen=True)
class Section:
    key: str
    name: str  # msgid
    ask: str  # msgid: the question for a new item
    help: str | None = None  # msgid shown with the question


SECTIONS = (
    Section(
        "goal",
        N_("Pedagogical goal"),
        N_(
            "What will the pupils learn? Write a goal that is specific, measurable, achievable, realistic and time-bound."
        ),
        N_("For example: “By the end of March, every pupil can name five ways to save water.”"),
    ),
    Section(
        "product",
        N_("Final product and its steps"),
        N_(
            "Add the final product (what pupils make, and why this one), or a step that leads to it."
        ),
        N_("The first item is the product; the ones after it are the steps, in order."),
    ),
    Section(
        "collab",
        N_("Cross-school collaboration"),
        N_(
            "What will pupils do together with the partner schools' pupils? Name one concrete action."
        ),
        N_(
            "Ask yourselves first: why do we need a partner? Name what the pupils can do only together with another school. Real collaboration means pupils of all schools must agree on something: mixed teams, one shared result. Plain file exchange is not enough for a quality label."
        ),
    ),
    Section(
        "activity",
        N_("Activities"),
        N_("What will the PUPILS do? Describe one activity."),
    ),
    Section(
        "title",
        N_("Title"),
        N_("What is the project's title? Short and concrete, easy to recognise."),
    ),
)
BY_KEY = {s.key: s for s in SECTIONS}
ACTIVITY_LABELS = {
    "text": N_("What pupils do"),
    "step": N_("Product step"),
    "time": N_("Time"),
    "owner": N_("Responsible"),
    "needs": N_("Needs"),
    "new_tools": N_("New ICT tools"),
    "start": N_("Start"),
    "deadline": N_("Deadline"),
}


def _state(actor: Actor) -> forms.State:
    return actor.scratch.get(forms.SCRATCH) or {}


def _members(actor: Actor) -> dict[str, str]:
    """The team as the "responsible" question offers it: membership id → name, looked up
    at each step (never kept in the teacher's scratchpad)."""
    members: dict[str, str] = actor.looked_up.get("members", {})
    return members


def _start(value: str, actor: Actor) -> str:
    """The first day of an activity: a date the bot can read, kept as an ISO moment ("next
    week" is its first working day for the teacher)."""
    reading = read_moment(
        value,
        actor.now,
        zone_of(actor.user),
        actor.t.lang,
        working_days(actor.looked_up.get("user_places", {}).get(actor.user.id)),
        start=True,
    )
    if reading.vague:
        raise deadline_flow.vague_answer(actor, reading)
    moment = reading.moment
    if moment is None:
        raise forms.Invalid(
            "I could not read a future date in “{text}”. Try “1.03.”, “next Monday” or “in two weeks”.",
            text=value[:64],
        )
    return moment.isoformat()


def _deadline(value: str, actor: Actor) -> str:
    """The deadline as /deadline reads it (the owner's zone, vague words refused), and
    not before the start."""
    due = deadline_flow.due_moment(value, actor)
    start = _state(actor).get("answers", {}).get("start")
    begins = stored_moment(start, actor.now, zone_of(actor.user)) if start else None
    if begins is not None and datetime.fromisoformat(due) < begins:
        raise forms.Invalid(
            "The deadline is before the start ({start}). Give a later date.",
            start=when(actor.t, begins, zone_of(actor.user)),
        )
    return due


def day(t: Translator, value: str) -> str:
    """A start or deadline as a day in the reader's language ("15. decembris"); one kept
    in the teacher's own words (older plans) as written."""
    try:
        return format_date(datetime.fromisoformat(value).date(), "long", locale=t.lang)
    except ValueError:
        return value


def _owner_choices(actor: Actor) -> list[forms.Choice]:
    return [forms.Choice(name, mid) for mid, name in _members(actor).items()]


def _owner(value: str, actor: Actor) -> str:
    if value not in _members(actor):
        raise forms.Invalid("Please tap one of the buttons below.")
    return value


def _step_choices(actor: Actor) -> list[forms.Choice]:
    return [
        forms.Choice(clip(text, 40), str(n))
        for n, text in enumerate(_state(actor).get("steps", []), 1)
    ]


def _text(
    key: str, prompt: str, *, help_text: str | None = None, skippable: bool = False
) -> forms.Field:
    return forms.Field(key, prompt, help=help_text, skippable=skippable, precise=True)


def _one_text_form(section: Section) -> forms.Form:
    return forms.Form(
        name=f"plan_{section.key}",
        fields=(forms.Field("text", section.ask, help=section.help, precise=True),),
        finish=_save,
        command="/plan",
        reopen=N_("{command} opens it again."),
    )


def _activity_details(
    answers: forms.Answers, state: forms.State, owner: int | None
) -> dict[str, object]:
    """The activity's details as stored; `owner` is the responsible teacher's user id."""
    tools = [t.strip() for t in (answers.get("new_tools") or "").split(",") if t.strip()]
    steps = state.get("steps", [])
    step = answers.get("step")
    if step and step.isdigit() and 1 <= int(step) <= len(steps):
        step = steps[int(step) - 1]
    return {
        "step": step,
        "time": answers.get("time"),
        "owner": owner,
        "needs": answers.get("needs"),
        "new_tools": tools,
        "start": answers.get("start"),
        "deadline": answers.get("deadline"),
    }


def _section_full(session: Session, actor: Actor, project_id: int | None, key: str) -> Reply | None:
    """A section holds at most ITEMS_MAX items: a plan, not a list of everything."""
    assert project_id is not None
    if len(plan.items(session, project_id=project_id, section=key)) < ITEMS_MAX:
        return None
    return Reply().say(
        actor.t(
            "This part of the plan has {most} items, the most it can hold. Join or delete some first: a short plan is easier to follow.",
            most=ITEMS_MAX,
        )
    )


def _save(session: Session, actor: Actor, answers: forms.Answers, state: forms.State) -> Reply:
    """Store the item, warn where the guide would, and tell the group if the section was agreed."""
    t = actor.t
    found = member_of(session, actor, state["project"])
    text = answers.get("text")
    if found is None or text is None:
        return Reply().say(
            t("You are not a member of that project any more, so nothing was saved.")
        )
    project = found[0]
    section = state["section"]
    old = (
        plan.item(session, project_id=state["project"], item_id=state["item"])
        if state.get("item")
        else None
    )
    if state.get("item") and old is None:
        return Reply().say(
            t("Someone deleted this item while you were changing it, so nothing was saved.")
        )
    before = old.text if old is not None else None
    if old is None and (full := _section_full(session, actor, project.id, section)):
        return full
    extra = None
    if section == "activity":
        chosen = answers.get("owner")
        owner = session.get(Membership, int(chosen)) if chosen and chosen.isdigit() else None
        if owner is None or owner.project_id != project.id or owner.user_id is None:
            return Reply().say(
                t("That teacher is not in the project any more, so nothing was saved.")
            )
        extra = _activity_details(answers, state, owner.user_id)
    row = plan.save_item(
        session,
        project_id=state["project"],
        section=section,
        text=text,
        extra=extra,
        author_id=actor.user.id,
        now=actor.now,
        item_id=state.get("item"),
    )
    notes: list[Html] = []  # the section follows, with what the guide would point out
    changed: Deadline | None = None
    if section == "activity":
        session.flush()
        notes, changed = _activity_deadline(session, actor, row)
    reply = Reply().say(lines(t("Saved."), *notes))
    if changed is not None:  # the responsible partner and the groups hear of it
        deadline_flow.tell_team(session, actor, project, changed, reply)
    _tell_if_locked(session, actor, project, section, (before, text), reply=reply)
    reply.messages.append(_section_screen(session, actor, project, found[1], section))
    reply.messages += lifecycle.follow(session, actor, project)
    return reply


def _activity_deadline(
    session: Session, actor: Actor, row: PlanItem
) -> tuple[list[Html], Deadline | None]:
    """An activity's deadline becomes a real deadline with reminders for its responsible
    partner (kept in step when the activity changes); returns the notes and the deadline
    when it is new or its date, owner or title changed."""
    t = actor.t
    details = plan.details(row)
    written, owner = details.get("deadline"), details.get("owner")
    moment = stored_moment(written, actor.now, zone_of(actor.user), t.lang) if written else None
    assert row.id is not None
    existing = deadlines.of_activity(session, plan_item_id=row.id)
    if moment is None or owner is None:
        if existing is not None:
            session.delete(existing)
        if written and moment is None:
            unread = t(
                "I could not read “{text}” as a future date, so there are no reminders for it yet.",
                text=written,
            )
            return [unread], None
        return [], None
    was = (existing.title, existing.due_at, existing.owner_id) if existing else None
    deadline = existing or Deadline(
        project_id=row.project_id,
        title=row.text,
        due_at=moment,
        plan_item_id=row.id,
        created_by=actor.user.id,
    )
    deadline.title, deadline.due_at, deadline.owner_id = row.text, moment, owner
    session.add(deadline)
    session.flush()
    plan_deadline(session, deadline, actor.now)
    note = t(
        "📌 Deadline: {when}. I will remind the person responsible.",
        when=when(t, moment, zone_of(actor.user)),
    )
    now = (deadline.title, deadline.due_at, deadline.owner_id)
    return [note], deadline if now != was else None


ACTIVITY = forms.Form(
    name="plan_activity",
    fields=(
        _text("text", BY_KEY["activity"].ask),
        forms.Field(
            "step",
            N_("Which step of the final product does it serve? Tap one or describe it."),
            choices=_step_choices,
            precise=True,
        ),
        _text(
            "time",
            N_("How much time does it need?"),
            help_text=N_(
                "Plan twice the time it would take with your own class alone: working with partners takes longer."
            ),
        ),
        forms.Field(
            "owner",
            N_("Which partner is responsible?"),
            parse=_owner,
            kind=forms.Kind.CHOICE,
            choices=_owner_choices,
            show=lambda v, a: _members(a).get(v, v),
            names_member=True,
        ),
        _text(
            "needs",
            N_("What does it need: equipment, rooms, permissions? /skip if nothing."),
            skippable=True,
        ),
        _text(
            "new_tools",
            N_("Which ICT tools are new to the team? Separate them with commas; /skip if none."),
            skippable=True,
        ),
        forms.Field(
            "start",
            N_("When does it start? Write a date, such as “1.03.” or “next Monday”."),
            parse=_start,
            show=lambda v, a: day(a.t, v),
        ),
        forms.Field(
            "deadline",
            N_("What is the deadline? Write it as you would say it, such as “līdz 20. martam”."),
            parse=_deadline,
            show=lambda v, a: when(a.t, datetime.fromisoformat(v), zone_of(a.user)),
        ),
        deadline_flow.confirm("deadline"),
    ),
    finish=_save,
    lookup=lambda s, _a, state: deadline_flow.look_up(s, state["project"], owners=True),
    command="/plan",
    reopen=N_("{command} opens it again."),
)
FORMS = [ACTIVITY, *(_one_text_form(s) for s in SECTIONS if s.key != "activity")]
FORM_OF = {f.name.removeprefix("plan_"): f for f in FORMS}


def _tell_if_locked(
    session: Session,
    actor: Actor,
    project: Project,
    section: str,
    change: tuple[str | None, str | None],
    *,
    reply: Reply,
) -> None:
    """A change to an agreed (locked) section is shown to the project's groups, each in
    its language: (old, new) text; None for an item added or removed."""
    assert project.id is not None
    if section not in plan.locked(session, project_id=project.id):
        return
    old, new = change
    for group in teams.group_chats(session, project_id=project.id):
        gt = Translator(group.language)
        values = {
            "name": actor.user.display_name,
            "section": gt(BY_KEY[section].name),
            "old": old or "",
            "new": new or "",
        }
        if old is None:
            note = gt(
                "✏️ {name} added to the agreed section “{section}” of the plan: “{new}”", **values
            )
        elif new is None:
            note = gt(
                "✏️ {name} removed from the agreed section “{section}” of the plan: “{old}”",
                **values,
            )
        else:
            note = gt(
                "✏️ {name} changed the agreed section “{section}” of the plan.\nWas: “{old}”\nNow: “{new}”",
                **values,
            )
        reply.say(note, chat_id=group.chat_id)


def _tell_lock(
    session: Session, actor: Actor, project: Project, section: str, locked: bool
) -> list[Message]:
    """Locking or unlocking a section is told to the project's groups."""
    assert project.id is not None
    posts = []
    for group in teams.group_chats(session, project_id=project.id):
        gt = Translator(group.language)
        values = {"name": actor.user.display_name, "section": gt(BY_KEY[section].name)}
        text = (
            gt(
                "🔒 {name} locked the section “{section}”: the team agreed on it, and any change is shown here.",
                **values,
            )
            if locked
            else gt(
                "🔓 {name} unlocked the section “{section}”: it can change freely again.", **values
            )
        )
        posts.append(Message(text, chat_id=group.chat_id))
    return posts


def _warnings(t: Translator, section: str, items: list[PlanItem]) -> list[Html]:
    """What the guide would point out about these items (bot/plan_checks.py)."""
    out: list[Html] = []
    for row in items:
        for flag in flags(section, row.text):
            match flag:
                case Flag.NOT_MEASURABLE:
                    out.append(
                        t(
                            "⚠️ Nothing in this goal is measurable yet: add a number, such as “five examples” or “every pupil”."
                        )
                    )
                case Flag.NO_TIME_FRAME:
                    out.append(
                        t(
                            "⚠️ This goal has no time frame yet: add one, such as “by the end of March”."
                        )
                    )
                case Flag.EXCHANGE:
                    out.append(
                        t(
                            "⚠️ “{item}” sounds like file exchange or parallel work. Without real collaboration between pupils there is no quality label.",
                            item=row.text,
                        )
                    )
                case Flag.LONG_TITLE:
                    out.append(
                        t("⚠️ This title is long; a short, concrete title is easier to recognise.")
                    )
    if section == "activity":
        tools = [n for row in items for n in plan.details(row).get("new_tools") or []]
        if many := too_many_new_tools(n for n in tools if isinstance(n, str)):
            out.append(Html(f"⚠️ {t(NEW_TOOLS, tools=', '.join(many))}"))
    if section == "collab":
        real = review((row.section, row.text) for row in items).real_collaboration()
        if real < MIN_COLLAB:
            out.append(
                t(
                    "⚠️ Plan at least three real collaboration actions; so far {n} (file exchange and parallel work do not count).",
                    n=real,
                )
            )
    return out


def _item_line(t: Translator, n: int, row: PlanItem, names: dict[int, str]) -> Html:
    if row.section != "activity":
        return Html(f"{n}. {escape(row.text)}")
    d = plan.details(row)
    shown = {
        **d,
        "owner": names.get(d.get("owner") or 0),
        "new_tools": ", ".join(d.get("new_tools") or []),
        **{key: day(t, d[key]) for key in ("start", "deadline") if d.get(key)},
    }
    parts = [
        t("{label}: {value}", label=t(label), value=value)
        for key, label in ACTIVITY_LABELS.items()
        if key != "text" and (value := shown.get(key))
    ]
    return Html(f"{n}. <b>{escape(row.text)}</b>\n    " + " · ".join(parts))


def _section_text(
    t: Translator, section: Section, rows_: list[PlanItem], locked: bool, names: dict[int, str]
) -> Html:
    head = Html(f"<b>{t(section.name)}</b>" + (" 🔒" if locked else ""))
    body = [_item_line(t, n, row, names) for n, row in enumerate(rows_, 1)] or [t("(nothing yet)")]
    return lines(head, *body, *_warnings(t, section.key, rows_))


def _names(session: Session, project_id: int) -> dict[int, str]:
    return {
        m.user.id: m.user.display_name
        for m in teams.members(session, project_id=project_id)
        if m.user
    }


def whole_plan(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    """The plan sheet as one tidy message (split only where Telegram needs it)."""
    assert project.id is not None
    t = actor.t
    everything = plan.items(session, project_id=project.id)
    locked = plan.locked(session, project_id=project.id)
    names = _names(session, project.id)
    parts = [t("📋 <b>Plan: {title}</b>", title=project.title)]
    for section in SECTIONS:
        in_section = [row for row in everything if row.section == section.key]
        parts.append(_section_text(t, section, in_section, section.key in locked, names))
    if not actor.private:
        parts.append(t("Add or change items in a private chat with me: /plan"))
        return Reply().say(lines(*parts, blank=True))
    buttons = rows([Button(t(s.name), data=f"plan:{project.id}:open:{s.key}") for s in SECTIONS], 2)
    parts.append(t("Tap a section to add or change its items."))
    return Reply().say(lines(*parts, blank=True), buttons)


def _section_screen(
    session: Session, actor: Actor, project: Project, me: Membership, key: str
) -> Message:
    assert project.id is not None
    t = actor.t
    section = BY_KEY[key]
    rows_ = plan.items(session, project_id=project.id, section=key)
    is_locked = key in plan.locked(session, project_id=project.id)
    text = _section_text(t, section, rows_, is_locked, _names(session, project.id))
    prefix = f"plan:{project.id}"
    keyboard: Keyboard = [[Button(t("➕ Add"), data=f"{prefix}:add:{key}")]]
    keyboard += rows(
        [
            button
            for n, row in enumerate(rows_, 1)
            for button in (
                Button(f"✏️ {n}", data=f"{prefix}:edit:{key}:{row.id}"),
                Button(f"🗑 {n}", data=f"{prefix}:del:{key}:{row.id}"),
            )
        ],
        4,
    )  # two items a row: at most ITEMS_MAX * 2 + 3 buttons, within Telegram's 100
    if is_lead(me):
        toggle = t("🔓 Unlock") if is_locked else t("🔒 Lock as agreed")
        keyboard.append([Button(toggle, data=f"{prefix}:lock:{key}")])
    keyboard.append([Button(t("« Whole plan"), data=f"{prefix}:all")])
    return Message(text, keyboard)


def _begin(
    session: Session,
    actor: Actor,
    project: Project,
    key: str,
    *,
    row: PlanItem | None,
    at: str | None,
) -> Reply:
    """Open the section's form, with the item's current answers when editing it."""
    assert project.id is not None
    extra: forms.State = {"project": project.id, "section": key, "item": row.id if row else None}
    preset: forms.Answers = {}
    if key == "activity":
        extra["steps"] = [
            r.text for r in plan.items(session, project_id=project.id, section="product")
        ][1:]
        extra["by_eve"] = reminders.settings(session, project_id=project.id).by_day == "eve"
    if row is not None:
        preset = {"text": row.text}
        for name, value in plan.details(row).items():
            shown = ", ".join(value) if isinstance(value, list) else value
            preset[name] = str(shown) if shown else None
        preset.pop("owner", None)  # a user id there; the question offers memberships
        owner = plan.details(row).get("owner")
        responsible = teams.membership(session, project_id=project.id, user_id=owner or 0)
        if responsible is not None:  # else asked again: the teacher left or was forgotten
            preset["owner"] = str(responsible.id)
        at = at or "text"
    form = FORM_OF[key]
    return forms.begin(session, actor, form, preset=preset, extra=extra, at=at)


def act(
    session: Session,
    actor: Actor,
    project_id: int,
    action: str,
    *,
    key: str | None,
    item_id: int | None,
) -> Reply:
    """A button of the plan screens: plan:<project>:<action>[:<section>[:<item>]]."""
    t = actor.t
    found = member_of(session, actor, project_id)
    if found is None:
        return Reply(alert=t("You are not a member of that project."))
    project, me = found
    if action == "all":
        reply = whole_plan(session, actor, project, me)
        reply.messages[0].edit = True
        return reply
    if key not in BY_KEY:
        return Reply(alert=t("This button is no longer active."))
    row = plan.item(session, project_id=project_id, item_id=item_id) if item_id else None
    if item_id and row is None:
        return Reply(alert=t("This item is not in the plan any more."))
    if action == "open":
        screen = _section_screen(session, actor, project, me, key)
        screen.edit = True
        return Reply(messages=[screen])
    if action in ("add", "edit"):
        return _warn_if_locked(
            session,
            actor,
            project_id,
            key,
            _open_item(session, actor, project, key, row=row, add=action == "add"),
        )
    if action == "del" and row is not None:
        question = t("Delete “{item}” from the plan?", item=row.text)
        prefix = f"plan:{project_id}"
        yes = Button(t("🗑 Delete"), data=f"{prefix}:delok:{key}:{row.id}")
        return Reply().edit(question, [[yes, Button(t("« Back"), data=f"{prefix}:open:{key}")]])
    if action == "delok" and row is not None:
        plan.delete_item(session, row=row)
        reply = Reply(alert=t("Deleted."))
        _tell_if_locked(session, actor, project, key, (row.text, None), reply=reply)
        screen = _section_screen(session, actor, project, me, key)
        screen.edit = True
        reply.messages.append(screen)
        return reply
    if action == "lock" and is_lead(me):
        lock = key not in plan.locked(session, project_id=project_id)
        plan.set_lock(session, project_id=project_id, section=key, by=actor.user.id, lock=lock)
        session.flush()
        screen = _section_screen(session, actor, project, me, key)
        screen.edit = True
        return Reply(messages=[screen, *_tell_lock(session, actor, project, key, lock)])
    if action == "lock":
        return Reply(alert=t("Only the coordinator and the founders can lock a section."))
    return Reply(alert=t("This button is no longer active."))


def _open_item(
    session: Session, actor: Actor, project: Project, key: str, *, row: PlanItem | None, add: bool
) -> Reply:
    """➕ Add or ✏️ change one item: its form (an activity: which detail first)."""
    if add:
        if full := _section_full(session, actor, project.id, key):
            return full
        return _begin(session, actor, project, key, row=None, at=None)
    if row is None:
        return Reply(alert=actor.t("This button is no longer active."))
    if key == "activity":
        assert project.id is not None
        return _pick_activity_field(actor, project.id, row)
    return _begin(session, actor, project, key, row=row, at=None)


def _warn_if_locked(
    session: Session, actor: Actor, project_id: int, key: str, reply: Reply
) -> Reply:
    """Before changing an agreed section, the teacher hears that the group will see it."""
    if key in plan.locked(session, project_id=project_id):
        note = actor.t(
            "🔒 The team agreed on this section. You can still change it; the group will see what changed."
        )
        reply.messages.insert(0, Message(note))
    return reply


def _pick_activity_field(actor: Actor, project_id: int, row: PlanItem) -> Reply:
    t = actor.t
    buttons = [
        Button(t(label), data=f"planf:{project_id}:{row.id}:{field}")
        for field, label in ACTIVITY_LABELS.items()
    ]
    return Reply().say(
        t("What would you like to change in “{item}”?", item=row.text), rows(buttons, 2)
    )


def edit_activity_field(
    session: Session, actor: Actor, project_id: int, item_id: int, field: str
) -> Reply:
    t = actor.t
    found = member_of(session, actor, project_id)
    row = plan.item(session, project_id=project_id, item_id=item_id)
    if found is None or row is None or row.section != "activity" or field not in ACTIVITY_LABELS:
        return Reply(alert=t("This button is no longer active."))
    return _begin(session, actor, found[0], "activity", row=row, at=field)


def plan_command(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    return whole_plan(session, actor, project, me)


async def on_plan(update: Update, context: Ctx) -> None:
    """/plan: the whole plan (in a private chat with the section buttons)."""
    await respond(update, context, for_member(plan_command))


# plan:<project>:<action>[:<section>[:<item>]]; may open a dialog (add, edit).
on_plan_button = button(
    CALLBACK,
    lambda s, a, m: act(s, a, int(m[1]), m[2], key=m[3], item_id=int(m[4]) if m[4] else None),
)


async def on_activity_field(update: Update, context: Ctx) -> object:
    """planf:<project>:<item>:<field>: change one detail of an activity."""
    assert update.callback_query is not None and update.callback_query.data is not None
    parts = update.callback_query.data.split(":")
    if len(parts) != 4 or not parts[1].isdigit() or not parts[2].isdigit():
        return await respond(update, context, stale)
    project_id, item_id, field = int(parts[1]), int(parts[2]), parts[3]
    return await respond(
        update, context, lambda s, a: edit_activity_field(s, a, project_id, item_id, field)
    )


def entry_points() -> list[BaseHandler]:
    return [
        CallbackQueryHandler(on_plan_button, pattern="^plan:"),
        CallbackQueryHandler(on_activity_field, pattern="^planf:"),
    ]


def handlers() -> list[BaseHandler]:
    return [CommandHandler("plan", on_plan)]
