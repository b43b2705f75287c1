"""The plan's dialogs: one question for an item of a text section, eight for an activity
(what pupils do, the product step, time, who is responsible, needs, new ICT tools, start
and deadline). Saving an activity makes its deadline a real one with reminders, and the
groups hear of a change to an agreed section."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.guide.plan import BY_KEY, SECTIONS, Section
from bot.i18n import N_, Html, lines
from bot.reply import Reply, clip
from handlers import deadline_form, forms, lifecycle
from handlers.deadline_news import tell_team
from handlers.dialog_team import own_place, owner_field
from handlers.guards import member_of
from handlers.plan_sheet import day, section_screen, tell_if_locked
from handlers.step import Actor
from scheduler.date_reader import read_moment
from scheduler.deadlines import stored_moment
from scheduler.moments import when, zone_of
from scheduler.places import working_days
from scheduler.reminders.plans import plan_deadline
from storage import deadlines, plan
from storage.models import Deadline, Membership, PlanItem

ITEMS_MAX = 20  # per section


def _start(value: str, asking: forms.Asking) -> str:
    """The first day of an activity: a date the bot can read, kept as an ISO moment ("next
    week" is its first working day for the teacher)."""
    reading = read_moment(
        value,
        asking.now,
        zone_of(asking.user),
        asking.t.lang,
        working_days(own_place(asking)),
        start=True,
    )
    if reading.vague:
        raise deadline_form.vague_answer(asking, reading)
    moment = reading.moment
    if moment is None:
        raise forms.Invalid(
            "I could not read a future date in “{text}”. Try “1.03.”, “next Monday” or “in two weeks”.",
            text=value[:64],
        )
    return moment.isoformat()


def _deadline(value: str, asking: forms.Asking) -> str:
    """The deadline as /deadline reads it (the owner's zone, vague words refused), and
    not before the start."""
    due = deadline_form.due_moment(value, asking)
    start = asking.answers.get("start")
    begins = stored_moment(start, asking.now, zone_of(asking.user)) if start else None
    if begins is not None and datetime.fromisoformat(due) < begins:
        raise forms.Invalid(
            "The deadline is before the start ({start}). Give a later date.",
            start=when(asking.t, begins, zone_of(asking.user)),
        )
    return due


def _product_steps(session: Session, project_id: int) -> list[str]:
    """The final product's steps as the plan has them now (its first item is the product)."""
    return [r.text for r in plan.items(session, project_id=project_id, section="product")][1:]


def _steps(who: forms.Teacher) -> list[str]:
    asking = forms.asking_of(who)
    return asking.once("steps", _product_steps, []) if asking else []


def _step_choices(who: forms.Teacher) -> list[forms.Choice]:
    return [forms.Choice(clip(text, 40), str(n)) for n, text in enumerate(_steps(who), 1)]


def _step(value: str, asking: forms.Asking) -> str:
    """A pressed step (its number) is kept as the step's text, so a step added or removed
    before the end of the dialog cannot shift it; typed words are kept as written."""
    steps = _steps(asking)
    if value.isdigit() and 1 <= int(value) <= len(steps):
        return steps[int(value) - 1]
    return forms.text_answer(value)


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
    steps = state.get("steps", [])  # a dialog begun before the restart kept the step's number
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


def section_full(session: Session, actor: Actor, project_id: int | None, key: str) -> Reply | None:
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
    assert found is not None  # the form's guard (still_member) checked it
    assert text is not None  # not skippable
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
    if old is None and (full := section_full(session, actor, project.id, section)):
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
        tell_team(session, actor, project, changed, reply)
    tell_if_locked(session, actor, project, section, (before, text), reply=reply)
    reply.messages.append(section_screen(session, actor, project, found[1], section))
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
            parse=_step,
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
        owner_field(N_("Which partner is responsible?")),
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
        deadline_form.confirm("deadline"),
    ),
    finish=_save,
    command="/plan",
    reopen=N_("{command} opens it again."),
)
FORMS = [ACTIVITY, *(_one_text_form(s) for s in SECTIONS if s.key != "activity")]
FORM_OF = {f.name.removeprefix("plan_"): f for f in FORMS}
